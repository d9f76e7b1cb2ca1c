"""Datasets: registered with GD Catalog metadata, validated against the dataset's profile."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import SQLModel, col, select

from catalog import permissions
from catalog.actions.lookup import get_dataset, organization_for_input, person_for_input
from catalog.audit import record_change, snapshot
from catalog.context import Context
from catalog.errors import ValidationFailed
from catalog.kept_files import copies_of, remove_unwanted_copies
from catalog.models import Dataset, DatasetState, Organization, Person, Resource
from catalog.permissions import action, helper
from catalog.permissions import is_public as is_public  # the rule lives in permissions; kept importable here
from catalog.versioning import claim_next_version
from schemas.messages import Problem, ProblemsError, problem, render
from schemas.metadata import is_empty, missing_mandatory, validate_dataset_metadata
from schemas.profile import Profile

# kept in their own columns; everything else of the profile lives under its GD Catalog key in extras
CORE_KEYS = ("name", "title", "owner_org")
# what a dataset dict carries besides metadata; ignored on input so `show` output can be fed back
READ_ONLY_KEYS = frozenset(
    {"id", "version", "state", "organization", "resources", "metadata_created", "metadata_modified", "profile",
     "tags"}
)


@action("dataset_create")
def dataset_create(ctx: Context, data: Mapping[str, Any], *, publish: bool = False) -> dict[str, Any]:
    """Register a dataset: a draft only its organization reads until a steward publishes it. A draft needs
    only what identifies it (URL name, title, type, organization) and valid values in what it gives; the GD
    Catalog's mandatory set is asked for when it is published (:func:`dataset_publish_draft`). With
    ``publish`` (a harvest of public records, the demo, an import told so) it is published at once, by the
    same rule as :func:`dataset_publish_draft`: the actor may publish and the metadata is complete."""
    profile = ctx.profile
    incoming, steward_key = _split_input(data)
    problems = _registry_problems(ctx, incoming)
    private = _private_flag(incoming, problems)
    org = _owner(ctx, incoming, problems)
    if org:
        permissions.check(ctx, "dataset_create", org.id)
        if publish:
            permissions.check(ctx, "dataset_lifecycle", org.id)
    steward = _steward(ctx, steward_key, problems)
    # a draft may be saved incomplete (CKAN's may); published at once, it must be complete
    metadata = _validated(incoming, profile, problems, draft=True)
    _check_unique(ctx, incoming, None, problems)
    if publish:
        for found in _unpublishable(incoming, profile):
            problems.setdefault(found.field or "-", found)
    if problems:
        raise ValidationFailed(_ordered(problems, profile))
    assert org is not None
    dataset = Dataset(profile=profile.id, owner_org_id=org.id, steward_id=steward.id if steward else None,
                      state=DatasetState.active if publish else DatasetState.draft, private=bool(private),
                      created_at=ctx.now(), updated_at=ctx.now(), **_columns(metadata, profile))
    ctx.session.add(dataset)
    ctx.session.flush()
    record_change(ctx, "dataset_create", "dataset", dataset.id, None, snapshot(dataset))
    return dataset_dict(ctx, dataset)


@action("dataset_update")
def dataset_update(
    ctx: Context, key: str, changes: Mapping[str, Any], expected_version: int | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Apply ``changes`` (GD Catalog keys; an empty value clears a field) to the version the editor saw. A
    draft stays savable incomplete; a published or withdrawn dataset keeps every required field. A deleted
    dataset is not edited (restored first, it is a draft again)."""
    dataset = get_dataset(ctx, key)
    permissions.check_dataset(ctx, "dataset_update", dataset)
    check_editable(dataset)
    profile = ctx.profile_for(dataset.profile)
    before = snapshot(dataset)
    incoming, steward_key = _split_input(changes)
    problems: dict[str, Problem] = {}
    private = _private_flag(incoming, problems)
    merged = {**flat_metadata(ctx, dataset), **incoming}
    if "data_type" in incoming and incoming["data_type"] != dataset.data_type:
        merged = _drop_fields_of_other_types(merged, incoming, profile)
    problems.update(_registry_problems(ctx, merged))
    org = _owner(ctx, merged, problems)
    if org and org.id != dataset.owner_org_id:
        permissions.check(ctx, "dataset_create", org.id)
    steward = _steward(ctx, steward_key, problems) if steward_key is not None else None
    metadata = _validated(merged, profile, problems, draft=dataset.state == DatasetState.draft)
    _check_unique(ctx, merged, dataset.id, problems)
    if problems:
        raise ValidationFailed(_ordered(problems, profile))
    assert org is not None
    claim_next_version(ctx, dataset, "dataset", dataset.name, expected_version)
    for column, value in _columns(metadata, profile).items():
        setattr(dataset, column, value)
    dataset.owner_org_id = org.id
    if steward_key is not None:
        dataset.steward_id = steward.id if steward else None
    if private is not None:
        dataset.private = private
    dataset.updated_at = ctx.now()
    ctx.session.add(dataset)
    ctx.session.flush()
    record_change(ctx, "dataset_update", "dataset", dataset.id, before, snapshot(dataset), reason)
    return dataset_dict(ctx, dataset)


# -- the lifecycle (CKAN's): draft → active ⇄ withdrawn; any → deleted → (restored as a draft) or purged -----

# the states a dataset may be moved to from each state, and the audit action of each move
TRANSITIONS: dict[tuple[str, str], str] = {
    (DatasetState.draft, DatasetState.active): "dataset_publish",
    (DatasetState.active, DatasetState.withdrawn): "dataset_withdraw",
    (DatasetState.withdrawn, DatasetState.active): "dataset_restore",
    (DatasetState.deleted, DatasetState.draft): "dataset_restore",
    (DatasetState.draft, DatasetState.deleted): "dataset_delete",
    (DatasetState.active, DatasetState.deleted): "dataset_delete",
    (DatasetState.withdrawn, DatasetState.deleted): "dataset_delete",
}
# the permission rule of each audit action
TRANSITION_RULES = {"dataset_publish": "dataset_lifecycle", "dataset_withdraw": "dataset_lifecycle",
                    "dataset_restore": "dataset_lifecycle", "dataset_delete": "dataset_delete"}
LIFECYCLE_MESSAGES: dict[str, tuple[str, str]] = {
    "bad_transition": ("ชุดข้อมูล “{value}” อยู่ในสถานะ{state} จึง{act}ไม่ได้",
                       "Dataset “{value}” is {state_en}, so it cannot be {act_en}"),
    "required_to_publish": ("ต้องระบุ {label} ก่อนเผยแพร่", "{label} is required before publishing"),
    "deleted_not_editable": ("ชุดข้อมูล “{value}” ถูกลบแล้ว จึงแก้ไขชุดข้อมูลและทรัพยากรข้อมูลของชุดข้อมูลนี้ไม่ได้ "
                             "(นำกลับมาก่อน จะได้เป็นฉบับร่างที่แก้ไขได้)",
                             "Dataset “{value}” is deleted, so neither it nor its resources can be changed "
                             "(restore it first: it comes back as a draft you can edit)"),
    "purge_not_deleted": ("ลบถาวรได้เฉพาะชุดข้อมูลที่ถูกลบแล้ว (“{value}” อยู่ในสถานะ{state})",
                          "Only a deleted dataset can be purged (“{value}” is {state_en})"),
}
STATE_LABELS: dict[str, tuple[str, str]] = {
    "draft": ("ฉบับร่าง", "a draft"), "active": ("เผยแพร่แล้ว", "published"),
    "withdrawn": ("ถอนแล้ว", "withdrawn"), "deleted": ("ถูกลบ", "deleted"),
}
ACT_LABELS: dict[DatasetState, tuple[str, str]] = {
    DatasetState.active: ("เผยแพร่หรือนำกลับมา", "published or restored"),
    DatasetState.withdrawn: ("ถอน", "withdrawn"), DatasetState.deleted: ("ลบ", "deleted"),
    DatasetState.draft: ("นำกลับมาเป็นฉบับร่าง", "restored as a draft"),
}


@action("dataset_lifecycle")
def dataset_publish_draft(ctx: Context, key: str, expected_version: int | None = None,
                          reason: str | None = None) -> dict[str, Any]:
    """Publish a draft (a steward's or admin's act): refused, naming every missing field, while its
    mandatory metadata is incomplete. It becomes public when its category and classification allow and it
    is not private; otherwise it is active within its organization."""
    return _move(ctx, key, DatasetState.active, expected_version, reason, only_from=DatasetState.draft)


@action("dataset_lifecycle")
def dataset_withdraw(ctx: Context, key: str, expected_version: int | None = None,
                     reason: str | None = None) -> dict[str, Any]:
    """No longer offered: kept for history, and withdrawn from the portals it was published to."""
    return _move(ctx, key, DatasetState.withdrawn, expected_version, reason)


@action("dataset_lifecycle")
def dataset_restore(ctx: Context, key: str, expected_version: int | None = None,
                    reason: str | None = None) -> dict[str, Any]:
    """A withdrawn dataset active again; a deleted one back as a draft (to be published again)."""
    dataset = get_dataset(ctx, key)
    permissions.check_dataset(ctx, "dataset_lifecycle", dataset)
    target = DatasetState.draft if dataset.state == DatasetState.deleted else DatasetState.active
    return _move(ctx, key, target, expected_version, reason, only_from=(
        DatasetState.deleted if target is DatasetState.draft else DatasetState.withdrawn))


@action("dataset_delete")
def dataset_delete(ctx: Context, key: str, expected_version: int | None = None,
                   reason: str | None = None) -> dict[str, Any]:
    """Soft deletion (CKAN's ``package_delete``): out of every listing, search, export and portal, read only
    by its organization's admins and stewards, who may restore it; audited. Purging is a sysadmin's."""
    return _move(ctx, key, DatasetState.deleted, expected_version, reason)


@action("dataset_update")
def dataset_set_state(
    ctx: Context, key: str, state: DatasetState, expected_version: int | None = None, reason: str | None = None
) -> dict[str, Any]:
    """Move a dataset to ``state`` by the lifecycle's rules (each move its own permission, see TRANSITIONS)."""
    dataset = get_dataset(ctx, key)
    permissions.check_dataset(ctx, "dataset_update", dataset)
    return _move(ctx, key, DatasetState(state), expected_version, reason)


@action("dataset_purge")
def dataset_purge(ctx: Context, key: str, reason: str | None = None) -> None:
    """Remove a deleted dataset for good, with its resources, dictionaries, governance records, publication
    records and view counts (a sysadmin's act, as CKAN's ``dataset_purge``). The audit log keeps its history
    and this purge. Stored files stay: they are addressed by content and may serve other resources; the
    copies its reports kept of checked files go (catalog.kept_files)."""
    dataset = get_dataset(ctx, key)
    permissions.check_dataset(ctx, "dataset_purge", dataset)
    if dataset.state != DatasetState.deleted:
        th, en = STATE_LABELS[dataset.state]
        raise ValidationFailed([render(LIFECYCLE_MESSAGES, "purge_not_deleted", "state", value=dataset.name,
                                       state=th, state_en=en)])
    before = snapshot(dataset)
    resources = ctx.session.exec(select(Resource.id).where(Resource.dataset_id == dataset.id)).all()
    reported = copies_of(ctx, resources)
    delete_rows_referring_to(ctx, "dataset", [dataset.id])
    ctx.session.delete(dataset)
    ctx.session.flush()
    record_change(ctx, "dataset_purge", "dataset", before["id"], before, None, reason)
    remove_unwanted_copies(ctx, reported)


def _move(ctx: Context, key: str, target: DatasetState, expected_version: int | None, reason: str | None,
          only_from: DatasetState | None = None) -> dict[str, Any]:
    dataset = get_dataset(ctx, key)
    audit_action = TRANSITIONS.get((DatasetState(dataset.state), target))
    permissions.check_dataset(ctx, TRANSITION_RULES.get(audit_action or "", "dataset_lifecycle"), dataset)
    if audit_action is None or (only_from is not None and dataset.state != only_from):
        th, en = STATE_LABELS[dataset.state]
        act_th, act_en = ACT_LABELS[target]
        raise ValidationFailed([render(LIFECYCLE_MESSAGES, "bad_transition", "state", value=dataset.name,
                                       state=th, state_en=en, act=act_th, act_en=act_en)])
    if target is DatasetState.active and dataset.state == DatasetState.draft:
        profile = ctx.profile_for(dataset.profile)
        missing = _unpublishable(flat_metadata(ctx, dataset), profile)
        if missing:
            raise ValidationFailed(missing)
    before = snapshot(dataset)
    claim_next_version(ctx, dataset, "dataset", dataset.name, expected_version)
    dataset.state = target
    dataset.updated_at = ctx.now()
    ctx.session.add(dataset)
    ctx.session.flush()
    record_change(ctx, audit_action, "dataset", dataset.id, before, snapshot(dataset), reason)
    return dataset_dict(ctx, dataset)


def _unpublishable(metadata: Mapping[str, Any], profile: Profile) -> list[Problem]:
    """Why metadata may not be published yet: each field of the GD Catalog's mandatory set (and each other
    field the profile requires) left empty, named as needed before publishing, and whatever else the full
    check of the profile finds (an "other" choice not specified, a classification the category needs)."""
    found: dict[str, Problem] = {}
    try:
        validate_dataset_metadata(metadata, profile)
    except ProblemsError as exc:
        for item in exc.problems:
            spec = profile.dataset_field(item.field) if item.field and profile.has_dataset_field(item.field) else None
            if item.code == "required" and spec is not None:
                item = render(LIFECYCLE_MESSAGES, "required_to_publish", spec.key, label=spec.label.th,
                              label_en=spec.label.en)
            found.setdefault(item.field or "-", item)
    for spec in missing_mandatory(metadata, profile):
        found.setdefault(spec.key, render(LIFECYCLE_MESSAGES, "required_to_publish", spec.key, label=spec.label.th,
                                          label_en=spec.label.en))
    return _ordered(found, profile)


@helper
def may_edit(ctx: Context, dataset: Dataset, rule: str = "dataset_update") -> bool:
    """Whether pages offer the actor to change ``dataset`` (or, with ``rule``, its resources): the
    permission rule, and a dataset that is not deleted (:func:`check_editable`)."""
    return dataset.state != DatasetState.deleted and permissions.allowed(ctx, rule, dataset.owner_org_id)


@helper
def check_editable(dataset: Dataset) -> None:
    """A deleted dataset (and so its resources, files and dictionaries) is not changed until it is restored."""
    if dataset.state == DatasetState.deleted:
        raise ValidationFailed([render(LIFECYCLE_MESSAGES, "deleted_not_editable", "state", value=dataset.name)])


@helper
def delete_rows_referring_to(ctx: Context, table_name: str, ids: list[str]) -> None:
    """Delete, children first, every row of a table whose foreign key points at ``ids`` of ``table_name``
    (found from the models' metadata, so a table added later is purged too)."""
    from sqlalchemy import delete as sql_delete

    if not ids:
        return
    for table in SQLModel.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name != table_name or foreign_key.column.name != "id":
                continue
            column = foreign_key.parent
            if table.primary_key.columns.keys() == ["id"]:
                child_ids = [str(i) for i in ctx.session.execute(
                    select(table.c.id).where(column.in_(ids))).scalars()]
                delete_rows_referring_to(ctx, table.name, child_ids)
            # a nullable reference too: evidence about the dataset must not turn into evidence about none
            ctx.session.execute(sql_delete(table).where(column.in_(ids)))


@helper
def dataset_dict(
    ctx: Context, dataset: Dataset, org: Organization | None = None, *, with_resources: bool = True,
    public_only: bool = False,
) -> dict[str, Any]:
    """The public shape of a dataset: CKAN-like, with the GD Catalog metadata under its own keys. With
    ``public_only`` (anyone outside the organization), without the resources that never leave it."""
    from catalog.actions.resources import resource_dict

    org = org or ctx.session.get(Organization, dataset.owner_org_id)
    assert org is not None
    result: dict[str, Any] = {
        "id": dataset.id, "name": dataset.name, "title": dataset.title, "owner_org": org.name,
        "organization": {"id": org.id, "name": org.name, "title": org.title, "title_en": org.title_en},
        **dataset.extras,
        "state": dataset.state, "private": dataset.private,
        "version": dataset.version, "profile": dataset.profile,
        "metadata_created": dataset.created_at.isoformat(), "metadata_modified": dataset.updated_at.isoformat(),
    }
    tags = dataset.extras.get("tag_string") or []
    result["tag_string"] = ",".join(tags)
    result["tags"] = [{"name": tag} for tag in tags]
    steward = ctx.session.get(Person, dataset.steward_id) if dataset.steward_id else None
    result["steward"] = {"id": steward.id, "full_name": steward.full_name, "email": steward.email} if steward else None
    if with_resources:
        query = select(Resource).where(Resource.dataset_id == dataset.id).order_by(col(Resource.position))
        resources = ctx.session.exec(query).all()
        withheld = permissions.withheld_ids(ctx, resources) if public_only else frozenset()
        result["resources"] = [resource_dict(ctx, dataset, resource) for resource in resources
                               if resource.id not in withheld]
    return result


# -- helpers -------------------------------------------------------------------------------------------


def _split_input(data: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    incoming = {key: value for key, value in data.items() if key not in READ_ONLY_KEYS}
    if "tags" in data and "tag_string" not in data:  # CKAN clients send tags as [{"name": ...}]
        tags = data["tags"]
        # anything else than a list of names or {"name": ...} goes on as it came, so validation names it
        incoming["tag_string"] = [t["name"] if isinstance(t, Mapping) and "name" in t else t for t in tags] \
            if isinstance(tags, list) else tags
    steward = incoming.pop("steward", None)
    if isinstance(steward, Mapping):
        steward = steward.get("email") or steward.get("id")
    return incoming, steward


def _private_flag(incoming: dict[str, Any], problems: dict[str, Problem]) -> bool | None:
    """CKAN's ``private`` (true or false; absent: unchanged), taken out of the metadata."""
    if "private" not in incoming:
        return None
    value = incoming.pop("private")
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    problems["private"] = problem("invalid_value", "private", label="ส่วนตัว (private)", label_en="private",
                                  value=str(value)[:100], detail="true / false")
    return None


def _registry_problems(ctx: Context, data: Mapping[str, Any]) -> dict[str, Problem]:
    """What every dataset needs, a draft too: its URL name and owner organization (thai_gdc leaves both to
    CKAN core, so the profile does not mark them), its title (unique in the registry) and its type (which
    decides the fields its form asks for)."""
    problems: dict[str, Problem] = {}
    for key in ("data_type", "name", "title", "owner_org"):
        if is_empty(data.get(key)):
            spec = ctx.profile.dataset_field(key)
            problems[key] = problem("required", key, label=spec.label.th, label_en=spec.label.en)
    return problems


def _owner(ctx: Context, data: Mapping[str, Any], problems: dict[str, Problem]) -> Organization | None:
    key = data.get("owner_org")
    if is_empty(key):
        return None  # reported by _registry_problems
    try:
        return organization_for_input(ctx, str(key))
    except ProblemsError as exc:
        problems.update({p.field or "owner_org": p for p in exc.problems})
        return None


def _steward(ctx: Context, key: str | None, problems: dict[str, Problem]) -> Person | None:
    if is_empty(key):
        return None
    try:
        return person_for_input(ctx, str(key), "steward")
    except ProblemsError as exc:
        problems.update({p.field or "steward": p for p in exc.problems})
        return None


def _validated(data: Mapping[str, Any], profile: Profile, problems: dict[str, Problem], *,
               draft: bool = False) -> dict[str, Any]:
    try:
        return validate_dataset_metadata(data, profile, draft=draft)
    except ProblemsError as exc:
        for found in exc.problems:
            problems.setdefault(found.field or "-", found)
        return {}


def _check_unique(ctx: Context, data: Mapping[str, Any], own_id: str | None, problems: dict[str, Problem]) -> None:
    """Checked on the raw input too, so a duplicate is named even when other fields are wrong."""
    for key, code in (("name", "duplicate_name"), ("title", "duplicate_title")):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip() or key in problems:
            continue
        value = value.strip()
        query = select(Dataset.id).where(getattr(Dataset, key) == value)
        if own_id:
            query = query.where(Dataset.id != own_id)
        if ctx.session.exec(query).first():
            problems[key] = problem(code, key, value=value)


def _ordered(problems: Mapping[str, Problem], profile: Profile) -> list[Problem]:
    order = [spec.key for spec in profile.dataset_fields]
    return sorted(problems.values(), key=lambda p: order.index(p.field) if p.field in order else len(order))


def _columns(metadata: Mapping[str, Any], profile: Profile) -> dict[str, Any]:
    rule = profile.classification_rule
    return {
        "name": metadata["name"], "title": metadata["title"], "data_type": metadata["data_type"],
        "data_category": metadata.get(rule.category_field),
        "data_classification": metadata.get(rule.classification_field),
        "extras": {key: value for key, value in metadata.items() if key not in CORE_KEYS},
    }


@helper
def flat_metadata(ctx: Context, dataset: Dataset, org: Organization | None = None) -> dict[str, Any]:
    """The dataset's metadata under its GD Catalog keys, as one flat dict (what validation sees)."""
    org = org or ctx.session.get(Organization, dataset.owner_org_id)
    return {"name": dataset.name, "title": dataset.title, "owner_org": org.name if org else None, **dataset.extras}


def _drop_fields_of_other_types(
    merged: Mapping[str, Any], incoming: Mapping[str, Any], profile: Profile
) -> dict[str, Any]:
    """Changing the type hides the old type's own fields, as thai_gdc's edit-datatype does; keep the rest."""
    code = profile.type_code(str(incoming["data_type"]))
    if code is None:
        return dict(merged)
    return {
        key: value
        for key, value in merged.items()
        if key in incoming or not profile.has_dataset_field(key) or profile.dataset_field(key).applies_to(code)
    }
