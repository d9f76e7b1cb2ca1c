"""Validate a dataset's (or resource's) metadata against a profile, one bilingual problem per field.

For each profile and dataset type a pydantic model is built from the profile's field specs (so the
model, and its JSON schema, follow the data file). Checks that span fields — the ``*_other``
companions and the category → classification rule — run after the per-field checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, BeforeValidator, ConfigDict, TypeAdapter, ValidationError, create_model
from pydantic_core import PydanticCustomError

from schemas.buddhist_era import EnteredDateError, read_entered_date
from schemas.messages import Problem, ProblemsError, problem
from schemas.profile import FieldSpec, InputKind, Profile
from schemas.urls import http_url

TAG_PATTERN = re.compile(r"^[ก-๙\w \-.]+$")  # thai_gdc widens CKAN's tag rule to Thai letters and marks
SLUG_PATTERN = re.compile(r"^[a-z0-9_-]{2,70}$")  # CKAN's name rule with thai_gdc's 70-character limit


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == ()


# -- per-kind coercions: each returns the stored form or raises a coded error ---------------------------


def _error(code: str, value: Any, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(code, code, {"value": value, **ctx})


def _as_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _error("invalid_text", value)
    return str(value).strip()


def _as_email(value: Any) -> str:
    text = _as_text(value)
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise _error("invalid_email", text) from exc


def _as_url(value: Any) -> str:
    return http_url(_as_text(value))


def _as_date(value: Any) -> str:
    """A date as entered (Buddhist or Christian Era, see :func:`read_entered_date`) → ISO (CE) as stored."""
    try:
        return read_entered_date(value).isoformat()
    except EnteredDateError as exc:
        raise _error(exc.code, exc.value, year=exc.year or "") from None


def _as_year(value: Any) -> str:
    text = _as_text(value)
    if not (text.isdigit() and len(text) == 4 and 2400 <= int(text) <= 2800):
        raise _error("invalid_year", text)
    return text


def _as_integer(value: Any) -> int:
    text = _as_text(value)
    if not text.isdigit() or int(text) < 1:
        raise _error("invalid_integer", text)
    return int(text)


def _as_coordinate(value: Any) -> str:
    text = _as_text(value)
    try:
        number = float(text)
    except ValueError as exc:
        raise _error("invalid_coordinate", text) from exc
    if not -180 <= number <= 180:
        raise _error("invalid_coordinate", text)
    return text


def _as_slug(value: Any) -> str:
    text = _as_text(value)
    if not SLUG_PATTERN.match(text):
        raise _error("invalid_slug", text)
    return text


def _split(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [item.strip() if isinstance(item, str) else item for item in value if not is_empty(item)]
    return [value]


def _as_tags(value: Any) -> list[str]:
    tags: list[str] = []
    for item in _split(value):
        tag = _as_text(item)
        if not TAG_PATTERN.match(tag):
            raise _error("invalid_tag", tag)
        if tag not in tags:
            tags.append(tag)
    return tags


def _choice(allowed: list[str]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = _as_text(value)
        if text not in allowed:
            raise _error("not_in_vocabulary", text, allowed=allowed)
        return text

    return check


def _choices(allowed: list[str]) -> Callable[[Any], list[str]]:
    def check(value: Any) -> list[str]:
        chosen = set()
        for item in _split(value):
            text = _as_text(item)
            if text not in allowed:
                raise _error("not_in_vocabulary", text, allowed=allowed)
            chosen.add(text)
        return [term for term in allowed if term in chosen]  # stored in vocabulary order, as scheming does

    return check


_COERCE: dict[InputKind, Callable[[Any], Any]] = {
    InputKind.email: _as_email,
    InputKind.url: _as_url,
    InputKind.url_or_upload: _as_url,  # an upload's own address is Banchi's, set on output
    InputKind.date: _as_date,
    InputKind.year: _as_year,
    InputKind.integer: _as_integer,
    InputKind.coordinate: _as_coordinate,
    InputKind.tags: _as_tags,
    InputKind.slug: _as_slug,
}


def _python_type(spec: FieldSpec, profile: Profile) -> Any:
    if spec.vocabulary:
        values = profile.term_values(spec)
        coerce = _choices(values) if spec.multiple else _choice(values)
    else:
        coerce = _COERCE.get(spec.input, _as_text)
    result_type = list[str] if spec.multiple or spec.input is InputKind.tags else Any
    return Annotated[result_type, BeforeValidator(coerce)]


_MODELS: dict[tuple[int, str | None, str], type[BaseModel]] = {}


def metadata_model(profile: Profile, type_code: str | None, level: str = "dataset") -> type[BaseModel]:
    """The pydantic model of one dataset type's metadata (common fields only when the type is unknown)."""
    key = (id(profile), type_code, level)
    if key not in _MODELS:
        _MODELS[key] = _build_model(profile, type_code, level)
    return _MODELS[key]


def _build_model(profile: Profile, type_code: str | None, level: str) -> type[BaseModel]:
    fields = profile.dataset_fields if level == "dataset" else profile.resource_fields
    applicable = [s for s in fields if (s.applies_to(type_code) if type_code else s.types == "RSGMO")]
    definitions: dict[str, Any] = {
        spec.key: (_python_type(spec, profile), ... if spec.required else None) for spec in applicable
    }
    name = f"{level.title()}Metadata_{profile.id.replace('-', '_').replace('.', '_')}_{type_code or 'common'}"
    return create_model(name, __config__=ConfigDict(extra="forbid"), **definitions)


# -- validation --------------------------------------------------------------------------------------


# what leaves a field incomplete rather than wrong: a draft may be saved with these (CKAN's drafts may)
INCOMPLETE_CODES = frozenset({"required", "other_required", "classification_required"})


def validate_dataset_metadata(data: Mapping[str, Any], profile: Profile, *, draft: bool = False) -> dict[str, Any]:
    """Check ``data`` (GD Catalog keys) and return it normalized; raise ProblemsError listing every field.
    With ``draft``, fields left empty are not problems (a draft is saved incomplete, as CKAN saves one); what
    is given must still be valid, and the full set is checked when the draft is published."""
    return _validate(data, profile, level="dataset", type_value=data.get("data_type"), draft=draft)


def validate_resource_metadata(data: Mapping[str, Any], profile: Profile, data_type: str) -> dict[str, Any]:
    return _validate(data, profile, level="resource", type_value=data_type)


def _validate(data: Mapping[str, Any], profile: Profile, *, level: str, type_value: Any,
              draft: bool = False) -> dict[str, Any]:
    specs = {s.key: s for s in (profile.dataset_fields if level == "dataset" else profile.resource_fields)}
    type_code = profile.type_code(type_value) if isinstance(type_value, str) else None
    present = {key: value for key, value in data.items() if not is_empty(value)}
    problems: dict[str, Problem] = {}

    for key in present:
        spec = specs.get(key)
        if spec is None:
            problems[key] = problem("unknown_field", key, profile=profile.id)
        elif type_code and not spec.applies_to(type_code):
            problems[key] = problem(
                "not_for_type", key, label=spec.label.th, label_en=spec.label.en, data_type=type_value
            )
    model = metadata_model(profile, type_code, level)
    candidate = {key: value for key, value in present.items() if key in model.model_fields}
    try:
        normalized = model.model_validate(candidate).model_dump(exclude_none=True)
    except ValidationError as exc:
        for error in exc.errors():
            key = str(error["loc"][0])
            problems.setdefault(key, _problem_from_error(error, specs[key]))
        normalized = _valid_part(model, candidate, problems)
    _check_required_not_emptied(normalized, specs, problems)
    # cross-field rules still run on the fields that passed, so one round names every offending field
    _check_companions(normalized, specs, profile, problems)
    if level == "dataset":
        _apply_classification_rule(normalized, specs, profile, problems)
    if draft:
        problems = {key: found for key, found in problems.items() if found.code not in INCOMPLETE_CODES}
    if problems:
        order = list(specs)
        raise ProblemsError(sorted(problems.values(), key=lambda p: _position(order, p.field)))
    return {key: normalized[key] for key in specs if key in normalized and not is_empty(normalized[key])}


def _valid_part(model: type[BaseModel], candidate: Mapping[str, Any], problems: Mapping[str, Any]) -> dict:
    valid: dict[str, Any] = {}
    for key, value in candidate.items():
        if key not in problems:
            info = model.model_fields[key]
            valid[key] = TypeAdapter(info.rebuild_annotation()).validate_python(value)
    return valid


def _check_required_not_emptied(
    values: Mapping[str, Any], specs: Mapping[str, FieldSpec], problems: dict[str, Problem]
) -> None:
    """A required field given only separators or blanks (``","``, ``[""]``) is as missing as an absent one."""
    for key, value in values.items():
        spec = specs[key]
        if spec.required and is_empty(value) and key not in problems:
            problems[key] = problem("required", key, label=spec.label.th, label_en=spec.label.en)


def _position(order: list[str], key: str | None) -> int:
    return order.index(key) if key in order else len(order)


def _problem_from_error(error: Mapping[str, Any], spec: FieldSpec) -> Problem:
    labels = {"label": spec.label.th, "label_en": spec.label.en}
    ctx = error.get("ctx") or {}
    code = error["type"]
    if code == "missing":
        return problem("required", spec.key, **labels)
    if code in ("not_in_vocabulary", "invalid_email", "invalid_url", "invalid_date", "invalid_date_year",
                "invalid_year", "invalid_integer", "invalid_coordinate", "invalid_tag", "invalid_slug", "invalid_text"):
        return problem(code, spec.key, **labels, **ctx)
    return problem("invalid_value", spec.key, value=error.get("input"), detail=error.get("msg"), **labels)


def _check_companions(
    values: dict[str, Any], specs: Mapping[str, FieldSpec], profile: Profile, problems: dict[str, Problem]
) -> None:
    for spec in specs.values():
        if not spec.other_field or spec.other_field not in specs:
            continue
        other = specs[spec.other_field]
        trigger = profile.other_value_of(spec)
        chosen = values.get(spec.key)
        is_other = trigger in chosen if isinstance(chosen, list) else chosen == trigger
        labels = {"label": spec.label.th, "label_en": spec.label.en}
        if is_other and is_empty(values.get(other.key)):
            problems[other.key] = problem(
                "other_required", other.key, other=trigger, other_label=other.label.th,
                other_label_en=other.label.en, **labels,
            )
        elif not is_other and not is_empty(values.get(other.key)):
            problems[other.key] = problem(
                "other_without_choice", other.key, label=other.label.th, label_en=other.label.en,
                other=trigger, parent_label=spec.label.th, parent_label_en=spec.label.en,
            )


def _apply_classification_rule(
    values: dict[str, Any], specs: Mapping[str, FieldSpec], profile: Profile, problems: dict[str, Problem]
) -> None:
    """thai_gdc 2.2's form rule, kept on the server: the category decides the allowed classifications."""
    rule = profile.classification_rule
    category = values.get(rule.category_field)
    category_rule = rule.for_category(category) if category else None
    if category_rule is None or rule.classification_field not in specs:
        return
    spec = specs[rule.classification_field]
    labels = {"label": spec.label.th, "label_en": spec.label.en}
    chosen = values.get(rule.classification_field)
    if chosen is None:
        if len(category_rule.allowed) == 1:
            values[rule.classification_field] = category_rule.allowed[0]
        else:
            problems[spec.key] = problem(
                "classification_required", spec.key, category=category, allowed=category_rule.allowed, **labels
            )
            return
    elif chosen not in category_rule.allowed:
        problems[spec.key] = problem(
            "classification_mismatch", spec.key, category=category, allowed=category_rule.allowed,
            value=chosen, **labels,
        )
        return
    if category_rule.accessible_condition and is_empty(values.get(rule.condition_field)):
        values[rule.condition_field] = category_rule.accessible_condition


def is_openly_publishable(metadata: Mapping[str, Any], profile: Profile) -> bool:
    """Public category with the public classification: the only data that may leave for an open portal."""
    rule = profile.classification_rule
    return (
        metadata.get(rule.category_field) == rule.public_category
        and metadata.get(rule.classification_field) == rule.public_classification
    )


def missing_mandatory(metadata: Mapping[str, Any], profile: Profile) -> list[FieldSpec]:
    return [spec for spec in profile.mandatory_fields if is_empty(metadata.get(spec.key))]
