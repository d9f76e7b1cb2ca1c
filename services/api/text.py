"""Text a request may carry (``schemas.text``): JSON and form bodies, query and path parameters holding a
NUL character or a lone surrogate are refused at the door, naming the JSON field or parameter that carried
them, before any route looks at the input. (What arrives otherwise, say in a multipart field, the catalog
refuses when it would be stored.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.exceptions import HTTPException

from schemas.messages import Problem, ProblemsError, problem
from schemas.text import is_storable, unstorable_places
from services.api.errors import HTTPProblem, http_problem

MAX_NAMED = 20  # problems named in one answer; the rest are the same mistake


def _problems(places: Iterator[str]) -> list[Problem]:
    found = list(dict.fromkeys(places))[:MAX_NAMED]
    return [problem("invalid_characters", place) for place in found]


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
