"""The GD Catalog's licence choices (``license_id`` holds the label text) with what CKAN and DCAT need of
them: a title, a URI where one is known, and whether the licence is open (the Open Definition's test,
as CKAN's licence register tells ``isopen``): attribution and share-alike are open; non-commercial and
no-derivatives are not; "other" is unknown, so not open."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class License:
    title: str | None
    url: str | None
    open: bool


LICENSES: dict[str, License] = {
    "Open Data Common": License("Open Data Common", None, True),  # the DGA's open licence (no stable URI)
    "Creative Commons Attributions": License("Creative Commons Attribution",
                                             "https://creativecommons.org/licenses/by/4.0/", True),
    "Creative Commons Attribution Share-Alike": License("Creative Commons Attribution Share-Alike",
                                                        "https://creativecommons.org/licenses/by-sa/4.0/", True),
    "Creative Commons Attribution Non-Commercial": License(
        "Creative Commons Attribution Non-Commercial", "https://creativecommons.org/licenses/by-nc/4.0/", False),
    "Creative Commons Attribution Non-Commercial Share-Alike": License(
        "Creative Commons Attribution Non-Commercial Share-Alike",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/", False),
    "Creative Commons Attribution Non-Commercial No-Derivs": License(
        "Creative Commons Attribution Non-Commercial No-Derivs",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/", False),
    "Creative Commons Attribution No-Derivs": License("Creative Commons Attribution No-Derivs",
                                                      "https://creativecommons.org/licenses/by-nd/4.0/", False),
}
UNKNOWN = License(None, None, False)


def license_info(value: object) -> License:
    return LICENSES.get(str(value), UNKNOWN) if value else UNKNOWN
