"""Which organization a catalog workbook's row names, and creating the ones the registry lacks.

A row names its organization by URL name or by title (what people type in the template). A workbook
exported by Banchi also carries its organizations (name, title, parent) on its own sheet, so with
``create_organizations`` a catalog moves into an empty registry with its hierarchy intact.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from sqlmodel import select

from catalog.actions.organizations import organization_create
from catalog.context import Context
from catalog.models import Organization
from schemas.excel_messages import excel_problem, located
from schemas.excel_template import SheetRow
from schemas.messages import Problem, ProblemsError
from schemas.template_values import plain

ORG_NAME = re.compile(r"^[a-z0-9_-]{2,100}$")  # organization_create's rule for URL names


def generated_name(title: str) -> str:
    """A stable URL name for an organization known only by its (Thai) title."""
    return "org-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]


class ImportOrganizations:
    def __init__(self, ctx: Context, create: bool, report: Callable[[Problem], None]):
        self.ctx, self.create, self.report = ctx, create, report
        self.created: list[str] = []
        self._by_name: dict[str, Organization] = {}
        self._by_title: dict[str, list[Organization]] = {}
        self._sheet: dict[str, dict[str, Any]] = {}  # name and title → the organization sheet's row
        for org in ctx.session.exec(select(Organization)):
            self._remember(org)

    def prepare(self, target: str | None, sheet_rows: list[SheetRow]) -> Organization | None:
        """Read the organization sheet (creating its organizations if asked); return the --org target."""
        rows = [(row, {key: _text(value) for key, value in row.cells.items()}) for row in sheet_rows]
        for _row, values in rows:
            if name := values.get("name"):
                self._sheet[name] = values
                if title := values.get("title"):
                    self._sheet.setdefault(title, values)
        if self.create:
            for row, values in rows:
                if values.get("name"):
                    self._from_sheet(values, {"sheet": row.sheet, "row": row.row, "column": row.letters.get("name")})
        if target is None:
            return None
        return self.resolve(target, {"sheet": None, "row": None, "column": None}, field="org")

    def resolve(self, value: str, place: dict[str, Any], field: str | None = None) -> Organization | None:
        if value in self._by_name:
            return self._by_name[value]
        listed = self._sheet.get(value)
        if listed is not None and listed["name"] in self._by_name:
            return self._by_name[listed["name"]]
        same_title = self._by_title.get(value, [])
        if len(same_title) == 1:
            return same_title[0]
        if len(same_title) > 1:
            self.report(excel_problem("ambiguous_organization", **place, field=field, value=value,
                                      matches=[org.name for org in same_title]))
            return None
        if not self.create:
            self.report(excel_problem("unknown_organization", **place, field=field, value=value))
            return None
        if listed is not None:
            return self._from_sheet(listed, place)
        name = value if ORG_NAME.match(value) else generated_name(value)
        return self._create({"name": name, "title": value}, place)

    def _from_sheet(self, values: dict[str, Any], place: dict[str, Any], depth: int = 0) -> Organization | None:
        if values["name"] in self._by_name:
            return self._by_name[values["name"]]
        parent = values.get("parent")
        if parent and parent not in self._by_name and parent in self._sheet and depth < 20:
            self._from_sheet(self._sheet[parent], place, depth + 1)  # parents first
        data = {key: value for key, value in values.items() if value}
        return self._create(data, place)

    def _create(self, data: dict[str, Any], place: dict[str, Any]) -> Organization | None:
        try:
            created = organization_create(self.ctx, data)
        except ProblemsError as exc:
            for found in exc.problems:
                self.report(located(found, **place))
            return None
        org = self.ctx.session.get(Organization, created.id)
        assert org is not None
        self._remember(org)
        self.created.append(org.name)
        return org

    def _remember(self, org: Organization) -> None:
        self._by_name[org.name] = org
        self._by_title.setdefault(org.title, []).append(org)


def _text(value: Any) -> str | None:
    value = plain(value)
    return None if value is None else str(value)
