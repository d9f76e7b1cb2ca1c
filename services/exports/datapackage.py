"""A Frictionless Data Package per dataset: ``datapackage.json`` with each resource's dictionary (Table
Schema) and, in the zip, the uploaded data itself. ``frictionless validate`` accepts it as valid.

Links to data held elsewhere are listed as the package's ``sources`` rather than as resources, so the
package validates on its own, without fetching anything.
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

# the GD Catalog licence names → Open Definition / SPDX identifiers
LICENSES = {
    "Open Data Common": "other-open",
    "Creative Commons Attributions": "CC-BY-4.0",
    "Creative Commons Attribution Non-Commercial": "CC-BY-NC-4.0",
    "Creative Commons Attribution Share-Alike": "CC-BY-SA-4.0",
    "Creative Commons Attribution Non-Commercial Share-Alike": "CC-BY-NC-SA-4.0",
    "Creative Commons Attribution Non-Commercial No-Derivs": "CC-BY-NC-ND-4.0",
    "Creative Commons Attribution No-Derivs": "CC-BY-ND-4.0",
}
PACKAGE_KEYS = ("id", "name", "title", "notes", "owner_org", "organization", "resources", "tags", "tag_string",
                "version", "state", "profile", "steward", "metadata_created", "metadata_modified")
_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")


def build_datapackage(
    dataset: Mapping[str, Any], schemas: Mapping[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``datapackage.json`` for a dataset dict; ``schemas`` maps resource id → its dictionary as Table Schema."""
    schemas = schemas or {}
    resources: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    used: set[str] = set()
    for resource in dataset.get("resources", []):
        if resource.get("kind") != "file":
            sources.append({"title": resource["name"], "path": resource["url"]})
            continue
        name = _unique(_slug(Path(resource.get("filename") or "data").stem) or "data", used)
        entry: dict[str, Any] = {
            "name": name, "title": resource["name"], "path": data_path(resource, name),
            "format": (resource.get("format") or Path(resource.get("filename") or "").suffix.lstrip(".")).lower(),
            "mediatype": resource.get("mimetype") or "application/octet-stream",
            "bytes": resource.get("size"), "hash": f"sha256:{resource['sha256']}",
            "encoding": resource.get("encoding") or "utf-8",
        }
        if resource.get("description"):
            entry["description"] = resource["description"]
        if resource["id"] in schemas:
            entry["schema"] = schemas[resource["id"]]
        resources.append({key: value for key, value in entry.items() if value not in (None, "")})
    org = dataset.get("organization") or {}
    package: dict[str, Any] = {
        "name": dataset["name"], "id": dataset["id"], "title": dataset["title"],
        "description": dataset.get("notes") or dataset["title"],
        "keywords": [tag["name"] for tag in dataset.get("tags", [])],
        "created": dataset.get("metadata_created"),
        "contributors": [{"title": org.get("title") or dataset.get("owner_org"), "role": "publisher"}]
        + ([{"title": dataset["maintainer"], "email": dataset.get("maintainer_email"), "role": "maintainer"}]
           if dataset.get("maintainer") else []),
        "resources": resources,
        # every GD Catalog field, under its own key, as the catalog holds it
        "gdc": {key: value for key, value in dataset.items() if key not in PACKAGE_KEYS},
    }
    license_id = dataset.get("license_id")
    if license_id in LICENSES:
        package["licenses"] = [{"name": LICENSES[license_id], "title": license_id}]
    if sources:
        package["sources"] = sources
    return {key: value for key, value in package.items() if value not in (None, [], "")}


def data_path(resource: Mapping[str, Any], name: str) -> str:
    suffix = Path(resource.get("filename") or "").suffix.lower()
    return f"data/{name}{suffix if _SUFFIX.fullmatch(suffix) else ''}"


def stored_files(package: Mapping[str, Any], locate: Callable[[str], Path]) -> dict[str, Path]:
    """Package path → stored file, found by each resource's sha256 (``locate``)."""
    return {entry["path"]: locate(entry["hash"].removeprefix("sha256:")) for entry in package.get("resources", [])}


def write_zip(package: Mapping[str, Any], files: Mapping[str, Path]) -> IO[bytes]:
    """The package and its data as a zip (``files`` maps a package path to the stored file), spooled to disk."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the caller streams and closes it)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        for path, source in files.items():
            archive.write(source, path)
    out.seek(0)
    return out


def _slug(text: str) -> str:
    return _UNSAFE.sub("-", text.lower()).strip("-.")


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name}-{n}", n + 1
    used.add(candidate)
    return candidate
