"""schema.org ``Dataset`` JSON-LD for a public dataset page, so dataset search engines read it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from schemas.buddhist_era import from_be_year

LANGUAGE_CODES = {"ไทย": "th", "อังกฤษ": "en", "จีน": "zh", "มลายู": "ms", "พม่า": "my", "ลาว": "lo", "เขมร": "km",
                  "ญี่ปุ่น": "ja", "เกาหลี": "ko", "ฝรั่งเศส": "fr", "เยอรมัน": "de", "อารบิก": "ar"}


def dataset_jsonld(site_url: str, dataset: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON-LD object (https://schema.org/Dataset) for a dataset dict as the catalog gives it."""
    site = site_url.rstrip("/")
    page = f"{site}/dataset/{dataset['name']}"
    org = dataset.get("organization") or {}
    publisher = {"@type": "Organization", "name": org.get("title") or dataset.get("owner_org"),
                 "url": f"{site}/organization/{org.get('name') or dataset.get('owner_org')}"}
    data: dict[str, Any] = {
        "@context": "https://schema.org/", "@type": "Dataset", "@id": page, "url": page,
        "identifier": dataset["id"], "name": dataset["title"],
        "description": dataset.get("notes") or dataset["title"],
        "keywords": [tag["name"] for tag in dataset.get("tags", [])],
        "publisher": publisher, "creator": publisher,
        "dateCreated": dataset.get("created_date") or dataset.get("metadata_created"),
        "dateModified": dataset.get("last_updated_date") or dataset.get("metadata_modified"),
        "isAccessibleForFree": True,
        "inLanguage": [LANGUAGE_CODES[lang] for lang in dataset.get("data_language") or [] if lang in LANGUAGE_CODES],
        "license": dataset.get("license_id"),
        "distribution": [
            {"@type": "DataDownload", "name": r["name"], "contentUrl": r["url"], "encodingFormat": r.get("mimetype")
             or r.get("format"), **({"contentSize": str(r["size"])} if r.get("size") is not None else {})}
            for r in dataset.get("resources", []) if r.get("url")
        ],
    }
    if dataset.get("maintainer") or dataset.get("maintainer_email"):
        data["maintainer"] = {"@type": "Organization", "name": dataset.get("maintainer"),
                              "email": dataset.get("maintainer_email")}
    first, last = dataset.get("first_year_of_data"), dataset.get("last_year_of_data")
    if first or last:  # ISO years (Common Era); the GD Catalog records Buddhist Era years
        start = f"{from_be_year(int(first)):04d}" if first else ".."
        end = f"{from_be_year(int(last)):04d}" if last else ".."
        data["temporalCoverage"] = f"{start}/{end}"
    if dataset.get("geo_coverage"):
        data["spatialCoverage"] = dataset["geo_coverage"]
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def script_tag(site_url: str, dataset: Mapping[str, Any]) -> str:
    """The ``<script type="application/ld+json">`` element to embed in the dataset's page."""
    text = json.dumps(dataset_jsonld(site_url, dataset), ensure_ascii=False)
    # "</" cannot close the script element early, whatever the metadata says
    return '<script type="application/ld+json">' + text.replace("</", "<\\/") + "</script>"
