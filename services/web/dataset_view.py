"""What a dataset page shows beside its metadata: the fields in profile order with their labels, resources
with previews, the governance stage, the quality badge and the links to its open formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.actions.link_checks import link_checks_of, quality_score
from catalog.actions.stages import governance_standing
from catalog.context import Context
from catalog.gates import data_current
from catalog.models import Dataset
from catalog.permissions import is_public
from catalog.storage import object_key
from schemas.fiscal_year import thai_today
from schemas.metadata import is_empty
from schemas.profile import FieldSpec, InputKind, Profile
from schemas.stages import load_stages
from services.exports.schemaorg import script_tag
from services.web.preview import Preview, preview_file, table_kind
from services.web.resource_view import approved_fields, latest_validity

# shown elsewhere on the page (heading, organization line, contact box)
HEADLINE_KEYS = ("title", "name", "owner_org")


@dataclass
class FieldValue:
    spec: FieldSpec
    values: list[str]  # labels in the page language, or the text as stored
    link: str | None = None


@dataclass
class DatasetView:
    profile: Profile
    fields: list[FieldValue]
    resources: list[dict[str, Any]]
    previews: dict[str, Preview | None]
    stage: int  # as the indicator report counts it: the history, lowered while a continuous gate has lapsed
    stage_name: str | None
    fresh: bool | None
    freshness_text: str
    public: bool = True
    validity: float | None = None  # % of rows without errors in the latest validation of its data
    dictionary: list[Any] = field(default_factory=list)
    jsonld_tag: str | None = None  # schema.org JSON-LD, for public datasets only
    links: dict[str, str] = field(default_factory=dict)
    link_checks: dict[str, Any] = field(default_factory=dict)  # resource id → its last link check
    quality_score: int | None = None  # catalog.actions.link_checks.quality_score
    recorded_stage: int = 0  # the stage signed off, when a lapse lowers the one that counts
    # the gates the report credits for an approved dictionary and valid data (from the records or evidence)
    dictionary_gate: dict[str, Any] | None = None
    validity_gate: dict[str, Any] | None = None


def field_values(profile: Profile, metadata: dict[str, Any], lang: str) -> list[FieldValue]:
    code = profile.type_code(str(metadata.get("data_type"))) or "O"
    shown = []
    for spec in profile.fields_for_type(code):
        value = metadata.get(spec.key)
        if spec.key in HEADLINE_KEYS or is_empty(value):
            continue
        items = value if isinstance(value, list) else [value]
        if spec.key == "tag_string" and isinstance(value, str):
            items = [tag for tag in value.split(",") if tag]
        link = None
        if spec.input is InputKind.url:
            link = str(value)
        elif spec.input is InputKind.email:
            link = f"mailto:{value}"
        shown.append(FieldValue(spec, [profile.display_value(spec.key, item, lang) for item in items], link))
    return shown


def dataset_view(ctx: Context, dataset: Dataset, shown: dict[str, Any], lang: str) -> DatasetView:
    profile = ctx.profile_for(dataset.profile)
    storage = ctx.settings.effective_storage_dir
    previews = {}
    for resource in shown.get("resources", []):
        kind = table_kind(resource)
        if kind:
            previews[resource["id"]] = preview_file(storage / object_key(resource["sha256"]), kind)
    today = thai_today(ctx.now())
    standing = governance_standing(ctx, dataset, today)
    stage = standing.stage.effective
    outcome = data_current(ctx, dataset, today, {})
    name, public = shown["name"], is_public(ctx, dataset)
    shown_ids = {r["id"] for r in shown.get("resources", [])}
    checks = {key: check for key, check in link_checks_of(ctx, dataset.id).items() if key in shown_ids}
    fresh = outcome.state == "pass" if outcome.state != "unknown" else None
    validity = latest_validity(ctx, name, shown.get("resources", []))
    return DatasetView(
        profile=profile, fields=field_values(profile, shown, lang), resources=shown.get("resources", []),
        previews=previews, stage=stage,
        stage_name=load_stages().stage(stage).name.get(lang) if stage else None,
        fresh=fresh, link_checks=checks, quality_score=quality_score(fresh, validity, list(checks.values())),
        freshness_text=outcome.en if lang == "en" else outcome.th, public=public,
        validity=validity, recorded_stage=standing.stage.recorded,
        dictionary_gate=standing.answered_by("dictionary_approved"), validity_gate=standing.answered_by("data_valid"),
        dictionary=approved_fields(ctx, name, shown.get("resources", [])),
        jsonld_tag=script_tag(ctx.site_url, shown) if public else None,
        links={"dcat": f"/dataset/{name}.ttl", "data_package": f"/api/datasets/{name}/datapackage.json",
               "ckan_json": f"/api/3/action/package_show?id={name}"},
    )
