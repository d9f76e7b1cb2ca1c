"""Standards kept as YAML files in a folder, one file per version, found by their id (the file's stem)."""

from __future__ import annotations

from pathlib import Path


def available(directory: Path) -> list[str]:
    return sorted(path.stem for path in directory.glob("*.yaml"))


def named_file(directory: Path, item_id: str, what: str) -> Path:
    """The file of ``item_id`` in ``directory``; a LookupError naming the ones there are otherwise."""
    path = directory / f"{item_id}.yaml"
    if not path.is_file():
        raise LookupError(f"no {what} {item_id!r}; available: {', '.join(available(directory))}")
    return path
