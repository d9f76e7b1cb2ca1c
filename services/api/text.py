"""Text a request may carry: never a NUL character or a lone UTF-16 surrogate.

JSON can spell both (``"\\u0000"``, ``"\\ud800"``) and a URL can carry ``%00``; neither is text that
PostgreSQL stores (SQLite takes NUL silently), nor anything a person typed. They are refused here, at the
door, naming the JSON field or parameter that carried them, before any route looks at the input.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.exceptions import HTTPException

from schemas.messages import Problem, ProblemsError
from services.api.errors import HTTPProblem, http_problem

MAX_NAMED = 20  # problems named in one answer; the rest are the same mistake


def is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_places(value: Any, place: str = "") -> Iterator[str]:
    """The dotted path of every key or string in a decoded JSON value that is not storable text."""
    if isinstance(value, str):
        if not is_storable(value):
            yield place or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{place}.{key}" if place else str(key)
            if not is_storable(key):
                yield place or "body"
            else:
                yield from unstorable_places(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unstorable_places(item, f"{place}.{index}" if place else str(index))


def _problems(places: Iterator[str]) -> list[Problem]:
    found = list(dict.fromkeys(places))[:MAX_NAMED]
    return [http_problem("invalid_characters", place) for place in found]


class UnstorableBody(HTTPException, ProblemsError):
    """Raised from inside the body stream (as BodyTooLarge is), so FastAPI passes it on untouched."""

    def __init__(self, problems: list[Problem]):
        HTTPException.__init__(self, 422)
        ProblemsError.__init__(self, problems)


def check_body(media: str, body: bytes) -> None:
    """Refuse a JSON or form body holding NUL or a lone surrogate (invalid JSON is left to the parser)."""
    if media == "application/x-www-form-urlencoded":
        places: Iterator[str] = (key for key, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True)
                                 if "\x00" in key or "\x00" in value)
    elif media == "application/json" or media.endswith("+json"):
        if not body.strip():
            return
        try:
            decoded = json.loads(body)
        except UnicodeDecodeError as exc:
            raise UnstorableBody([http_problem("malformed_json", None, detail=str(exc))]) from None
        except ValueError:
            return
        places = unstorable_places(decoded)
    else:
        return
    problems = _problems(places)
    if problems:
        raise UnstorableBody(problems)


def refuse_unstorable_parameters(request: Request) -> None:
    """A dependency of every route: query and path parameters are storable text."""
    places = [name for name, value in [*request.query_params.multi_items(), *request.path_params.items()]
              if not is_storable(str(value)) or not is_storable(name)]
    problems = _problems(iter(places))
    if problems:
        raise HTTPProblem(422, problems)
