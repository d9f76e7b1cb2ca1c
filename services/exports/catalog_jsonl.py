"""The catalog as JSON Lines: one dataset per line, as ``banchi dataset show --format json`` prints it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from catalog.actions.catalog_export import CatalogSnapshot


def write_catalog_jsonl(path: Path, snapshot: CatalogSnapshot) -> int:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        return write_catalog_jsonl_to(handle, snapshot.datasets)


def write_catalog_jsonl_to(handle: IO[str], datasets: Iterable[dict[str, Any]]) -> int:
    count = 0
    for dataset in datasets:
        handle.write(json.dumps(dataset, ensure_ascii=False, default=str) + "\n")
        count += 1
    return count
