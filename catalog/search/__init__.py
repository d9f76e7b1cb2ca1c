"""Search over the catalog: Thai-aware words, facets with counts, the same results on SQLite and PostgreSQL.

The public pages, the web UI and the CKAN-compatible ``package_search`` all search through here.
Visibility is the catalog's own rule (``catalog.permissions``; ``is_public`` is stored per dataset in the
index), derived from ``ctx.actor``: a caller sees public datasets, and non-public ones only of the
organizations whose records it reads; nothing else is shown or counted. ``include_private=False`` narrows
a search to what the public sees (CKAN's ``include_private``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from catalog import permissions
from catalog.actions.datasets import dataset_dict
from catalog.actions.resources import resource_dict
from catalog.actions.validation import check_input
from catalog.context import Context
from catalog.errors import ValidationFailed
from catalog.models import Dataset, Organization, Person, Resource
from catalog.permissions import action, helper
from catalog.search.backends import backend_for
from catalog.search.documents import FACET_KEYS, INDEX_KEYS
from catalog.search.facets import facet_table
from catalog.search.index import rebuild
from catalog.search.messages import LABELS, bad_expression, out_of_range, unknown_facet
from catalog.search.model import (
    MAX_ROWS,
    AllOf,
    AnyOf,
    Everything,
    Expr,
    Not,
    Range,
    SearchQuery,
    SearchResult,
    Sort,
    Value,
    Words,
)
from catalog.search.query import MAX_TERMS, Fields, run
from catalog.search.tokenize import query_terms
from schemas.messages import Problem

__all__ = ["FACET_KEYS", "INDEX_KEYS", "AllOf", "AnyOf", "Everything", "Expr", "Not", "Range", "SearchQuery",
           "SearchResult", "Sort", "Value", "Words", "parse_query", "rebuild_index", "search_datasets",
           "searchable_fields"]
# metadata keys not searched through the extras: answered by the index's own fields
INDEXED_ELSEWHERE = frozenset({"title", "name", "notes", "owner_org"})


def parse_query(data: Mapping[str, Any]) -> SearchQuery:
    """A query from untrusted parameters; bad ones are refused naming the parameter, in Thai and English."""
    query = check_input(SearchQuery, data, LABELS)
    _check(query)
    return query


@helper
def searchable_fields(ctx: Context) -> Fields:
    """The fields ``SearchQuery.where`` may name: the index's, and the metadata profile's other keys."""
    return Fields(extras=frozenset(spec.key for spec in ctx.profile.dataset_fields) - INDEXED_ELSEWHERE)


@action("dataset_search")
def search_datasets(ctx: Context, query: SearchQuery) -> SearchResult:
    fields = searchable_fields(ctx)
    _check(query, fields)
    readable = permissions.visible_org_ids(ctx)
    visible = readable if query.include_private else frozenset()
    session = ctx.session
    session.flush()  # what this transaction changed is indexed before it is searched
    found = run(session, backend_for(session.get_bind().dialect.name), facet_table(session), query, visible,
                query_terms(query.q)[:MAX_TERMS], fields)
    return SearchResult(count=found.count, results=_dataset_dicts(ctx, found.dataset_ids, visible),
                        facets=found.facets)


@action("search_rebuild")
def rebuild_index(ctx: Context) -> int:
    """Re-create the whole index from the catalog (recovery); returns the number of datasets indexed."""
    permissions.check(ctx, "search_rebuild")
    return rebuild(ctx)


def _check(query: SearchQuery, fields: Fields | None = None) -> None:
    problems: list[Problem] = []
    problems += [unknown_facet("filters", key, FACET_KEYS) for key in query.filters if key not in FACET_KEYS]
    countable = INDEX_KEYS if fields is None else (*INDEX_KEYS, "groups", *sorted(fields.extras))
    problems += [unknown_facet("facet_fields", key, FACET_KEYS) for key in query.facet_fields
                 if key not in countable]
    if query.where is not None:
        problems += _expression_problems(query.where, fields or Fields())
    if not 0 <= query.rows <= MAX_ROWS:
        problems.append(out_of_range("rows", query.rows, 0, MAX_ROWS))
    if query.start < 0:
        problems.append(out_of_range("start", query.start, 0, None))
    if problems:
        raise ValidationFailed(problems)


DATE_FIELDS = ("metadata_modified", "metadata_created")


def _expression_problems(expr: Any, fields: Fields) -> list[Problem]:
    """What in a ``where`` expression the index cannot answer, each named."""
    if isinstance(expr, Everything):
        return []
    if isinstance(expr, Not):
        return _expression_problems(expr.item, fields)
    if isinstance(expr, AllOf | AnyOf):
        return [p for item in expr.items for p in _expression_problems(item, fields)]
    if isinstance(expr, Words):
        return [] if fields.kind(expr.field) == "text" else [bad_expression(expr.field, "not_text")]
    if isinstance(expr, Value | Range):
        kind = fields.kind(expr.field)
        if kind is None or kind == "text":
            return [bad_expression(expr.field, "unknown_field")]
        if isinstance(expr, Range) and expr.field in DATE_FIELDS and not all(
                bound is None or isinstance(bound, dt.datetime) for bound in (expr.low, expr.high)):
            return [bad_expression(expr.field, "date_range")]
        if isinstance(expr, Value) and expr.field == "metadata_modified" and expr.value != "*":
            return [bad_expression(expr.field, "date_range")]
        return []
    return [bad_expression(repr(expr)[:100], "unknown_field")]


def _dataset_dicts(ctx: Context, ids: list[str], private_org_ids: frozenset[str] | str) -> list[dict[str, Any]]:
    """dataset_dict for each result, with the page's organizations, stewards and resources read at once."""
    if not ids:
        return []
    session = ctx.session
    datasets = {d.id: d for d in session.scalars(select(Dataset).where(col(Dataset.id).in_(ids)))}
    orgs = {o.id: o for o in session.scalars(
        select(Organization).where(col(Organization.id).in_({d.owner_org_id for d in datasets.values()})))}
    stewards = {d.steward_id for d in datasets.values() if d.steward_id}
    if stewards:  # into the session, where dataset_dict finds them
        session.scalars(select(Person).where(col(Person.id).in_(stewards))).all()
    resources: dict[str, list[Resource]] = defaultdict(list)
    for resource in session.scalars(select(Resource).where(col(Resource.dataset_id).in_(ids))
                                    .order_by(col(Resource.position))):
        resources[resource.dataset_id].append(resource)
    outside = [r for d in datasets.values() for r in resources[d.id]
               if not (private_org_ids == "*" or d.owner_org_id in private_org_ids)]
    withheld = permissions.withheld_ids(ctx, outside)  # what never leaves the organization (private, PDPA)
    results = []
    for dataset in (datasets[i] for i in ids):
        result = dataset_dict(ctx, dataset, orgs[dataset.owner_org_id], with_resources=False)
        # as dataset_dict(with_resources=True, public_only=...) gives them
        result["resources"] = [resource_dict(ctx, dataset, r) for r in resources[dataset.id] if r.id not in withheld]
        results.append(result)
    return results
