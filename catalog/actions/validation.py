"""Turning pydantic input errors into bilingual problems that name the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from catalog.errors import ValidationFailed
from schemas.messages import Problem, problem

M = TypeVar("M", bound=BaseModel)

# fields whose value a problem never repeats back (to a screen, a log or a terminal)
SECRET_FIELDS = frozenset({"password", "current_password", "api_key", "token"})


def check_input(model: type[M], data: Mapping[str, Any], labels: Mapping[str, tuple[str, str]]) -> M:
    """Validate ``data`` with ``model``; raise ValidationFailed with one problem per field."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        problems: dict[str, Problem] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "-"
            th, en = labels.get(field, (field, field))
            if error["type"] == "missing":
                found = problem("required", field, label=th, label_en=en)
            elif error["type"] in ("invalid_url", "invalid_date", "invalid_date_year"):
                found = problem(error["type"], field, label=th, label_en=en, **(error.get("ctx") or {}))
            elif error["type"] == "extra_forbidden":
                found = Problem(field=field, code="unknown_field", th=f"ไม่รู้จักฟิลด์ {field}",
                                en=f"{field} is not a known field")
            else:
                found = problem("invalid_value", field, label=th, label_en=en,
                                value="…" if field in SECRET_FIELDS else error.get("input"), detail=error.get("msg"))
            problems.setdefault(field, found)
        raise ValidationFailed(list(problems.values())) from exc
