"""The catalog as CSV: one row per dataset, GD Catalog keys as the header, for spreadsheets and scripts.

Written as UTF-8 with a byte-order mark so Excel opens the Thai text correctly; dates stay ISO (this
is data for programs, not a page people read); lists are comma-joined as in the Excel template; text a
spreadsheet would run as a formula is behind a ``'`` (``schemas.formulas``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from catalog.actions.catalog_export import CatalogSnapshot
from schemas.formulas import csv_cell
from schemas.profile import Profile

REGISTRY_COLUMNS = ("id", "organization", "state", "version", "metadata_created", "metadata_modified")


def catalog_csv_columns(profile: Profile) -> list[str]:
    return [*REGISTRY_COLUMNS[:2], *(spec.key for spec in profile.dataset_fields), *REGISTRY_COLUMNS[2:],
            "resources"]


def write_catalog_csv(path: Path, snapshot: CatalogSnapshot, profile: Profile) -> int:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        return write_catalog_csv_to(handle, snapshot.datasets, profile)


def write_catalog_csv_to(handle: IO[str], datasets: Iterable[dict[str, Any]], profile: Profile) -> int:
    columns = catalog_csv_columns(profile)
    writer = csv.writer(handle)
    writer.writerow(columns)
    count = 0
    for dataset in datasets:
        record = {**dataset, "organization": dataset["organization"]["title"],
                  "resources": len(dataset.get("resources", []))}
        writer.writerow([_cell(record.get(column)) for column in columns])
        count += 1
    return count


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    return "" if value is None else csv_cell(value)
