"""The bytes a publish uploads: the stored data files, and each data dictionary as a spreadsheet."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from dictionaries.excel import export_xlsx
from dictionaries.model import Dictionary
from services.ckan.mapping import DICTIONARY_SUFFIX, upload_name


class Uploads:
    """Opens what an upload sends, by the resource's Banchi id; dictionaries are written on demand."""

    def __init__(self, payload: dict[str, Any], files: dict[str, Path]):
        self.resources = {r["id"]: r for r in payload["resources"]}
        self.files = files
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Uploads:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    @contextmanager
    def open(self, banchi_id: str) -> Iterator[tuple[str, IO[bytes]]]:
        if banchi_id.endswith(DICTIONARY_SUFFIX):
            resource = self.resources[banchi_id.removesuffix(DICTIONARY_SUFFIX)]
            name, path = f"data-dictionary-{resource['id'][:8]}.xlsx", self._dictionary(resource)
        else:
            name, path = upload_name(self.resources[banchi_id]), self.files[banchi_id]
        with path.open("rb") as handle:
            yield name, handle

    def _dictionary(self, resource: dict[str, Any]) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="banchi-publish-")
        target = Path(self._tmp.name) / f"{resource['id']}.xlsx"
        return export_xlsx(Dictionary.from_table_schema(resource["schema"]), target)
