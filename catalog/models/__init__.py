"""The tables. Importing this package registers every model module on SQLModel's metadata."""

from __future__ import annotations

import importlib
import pkgutil

from sqlmodel import SQLModel

# Named constraints, so later migrations can alter them on SQLite (batch mode) and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from catalog.models.audit import AuditEntry  # noqa: E402
from catalog.models.dataset import Dataset, DatasetState, Resource, ResourceKind  # noqa: E402
from catalog.models.organization import (  # noqa: E402
    MemberRole,
    Organization,
    OrganizationKind,
    Person,
    WorkingGroup,
    WorkingGroupMember,
)

# modules added by later features register themselves by being imported here
for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

metadata = SQLModel.metadata

__all__ = [
    "AuditEntry",
    "Dataset",
    "DatasetState",
    "MemberRole",
    "Organization",
    "OrganizationKind",
    "Person",
    "Resource",
    "ResourceKind",
    "WorkingGroup",
    "WorkingGroupMember",
    "metadata",
]
