"""DCAT-AP 3 for the catalog and each dataset (Turtle, RDF/XML, JSON-LD), at ckanext-dcat's paths.

GD Catalog fields go to the DCAT / Dublin Core term where one exists (title, notes, tags, publisher,
contact point, frequency, languages, dates, temporal and spatial coverage, landing page, licence,
access rights, formats, sizes, checksums). Every other field of the profile is kept, under its own
key, in the Banchi namespace, so nothing an agency recorded is lost on the way out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from schemas.buddhist_era import from_be_year
from schemas.licenses import license_info
from schemas.profile import Profile

BANCHI = Namespace("https://w3id.org/banchi/gdc#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
EU = "http://publications.europa.eu/resource/authority/"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FORMATS = {"ttl": ("turtle", "text/turtle"), "rdf": ("xml", "application/rdf+xml"),
           "xml": ("xml", "application/rdf+xml"), "jsonld": ("json-ld", "application/ld+json"),
           "n3": ("n3", "text/n3")}

# update_frequency_unit (with interval 1, or 2 for the biennial/bimonthly/... codes) → EU frequency
FREQUENCIES = {("ปี", 1): "ANNUAL", ("ปี", 2): "BIENNIAL", ("ปี", 3): "TRIENNIAL", ("ครึ่งปี", 1): "ANNUAL_2",
               ("ไตรมาส", 1): "QUARTERLY", ("เดือน", 1): "MONTHLY", ("เดือน", 2): "BIMONTHLY",
               ("สัปดาห์", 1): "WEEKLY", ("สัปดาห์", 2): "BIWEEKLY", ("วัน", 1): "DAILY", ("วันทำการ", 1): "DAILY",
               ("ชั่วโมง", 1): "HOURLY", ("ตามเวลาจริง", 1): "CONT", ("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", 1): "NEVER",
               ("ไม่ทราบ", 1): "UNKNOWN"}
LANGUAGES = {"ไทย": "THA", "อังกฤษ": "ENG", "จีน": "ZHO", "มลายู": "MSA", "พม่า": "MYA", "ลาว": "LAO",
             "เขมร": "KHM", "ญี่ปุ่น": "JPN", "เกาหลี": "KOR", "ฝรั่งเศส": "FRA", "เยอรมัน": "DEU", "อารบิก": "ARA"}
FILE_TYPES = {"CSV", "XLS", "XLSX", "JSON", "XML", "PDF", "HTML", "ZIP", "RDF", "TXT", "DOC", "DOCX", "ODS",
              "GEOJSON", "SHP", "GML", "TIFF", "JPEG", "PNG", "KML", "KMZ", "TSV", "PARQUET"}

# dataset keys written as DCAT terms by this module; the rest of the profile goes to the Banchi namespace
MAPPED = {"title", "notes", "tag_string", "owner_org", "maintainer", "maintainer_email", "update_frequency_unit",
          "update_frequency_interval", "data_language", "created_date", "last_updated_date", "first_year_of_data",
          "last_year_of_data", "url", "license_id", "west_bound_longitude", "east_bound_longitude",
          "north_bound_longitude", "south_bound_longitude", "name"}
RESOURCE_MAPPED = {"name", "description", "url", "format"}


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("spdx", SPDX),
                              ("banchi", BANCHI), ("hydra", HYDRA), ("locn", LOCN), ("gsp", GSP), ("skos", SKOS)):
        graph.bind(prefix, namespace)
    return graph


def catalog_graph(
    site_url: str, datasets: Iterable[Mapping[str, Any]], profiles: Mapping[str, Profile], *,
    total: int, page: int, page_size: int, fmt: str = "ttl", modified_since: str | None = None,
) -> Graph:
    """The catalog with one page of its datasets; hydra paging as ckanext-dcat gives it (the page links
    keep the format and ``modified_since`` of the request)."""
    site = site_url.rstrip("/")
    graph = new_graph()
    catalog = URIRef(f"{site}/")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("Banchi (บัญชีข้อมูล)", lang="th")))
    graph.add((catalog, DCTERMS.description, Literal("บัญชีข้อมูลภาครัฐ", lang="th")))
    graph.add((catalog, DCTERMS.description, Literal("Government data catalog", lang="en")))
    graph.add((catalog, FOAF.homepage, _typed(graph, URIRef(f"{site}/"), FOAF.Document)))
    graph.add((catalog, DCTERMS.language, _typed(graph, URIRef(f"{EU}language/THA"), DCTERMS.LinguisticSystem)))
    publisher = URIRef(f"{site}/#publisher")
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal("Banchi (บัญชีข้อมูล)", lang="th")))
    graph.add((catalog, DCTERMS.publisher, publisher))
    for dataset in datasets:
        node = add_dataset(graph, site, dataset, profiles[dataset.get("profile", "")])
        graph.add((catalog, DCAT.dataset, node))
    last = max(1, -(-total // page_size))
    since = f"&modified_since={quote(modified_since)}" if modified_since else ""

    def page_url(number: int) -> str:
        return f"{site}/catalog.{fmt}?page={number}{since}"

    paging = URIRef(page_url(page))
    graph.add((paging, RDF.type, HYDRA.PagedCollection))
    graph.add((paging, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    graph.add((paging, HYDRA.itemsPerPage, Literal(page_size, datatype=XSD.integer)))
    graph.add((paging, HYDRA.firstPage, Literal(page_url(1))))
    graph.add((paging, HYDRA.lastPage, Literal(page_url(last))))
    if page < last:
        graph.add((paging, HYDRA.nextPage, Literal(page_url(page + 1))))
    if page > 1:
        graph.add((paging, HYDRA.previousPage, Literal(page_url(page - 1))))
    return graph


def dataset_graph(site_url: str, dataset: Mapping[str, Any], profile: Profile) -> Graph:
    graph = new_graph()
    add_dataset(graph, site_url.rstrip("/"), dataset, profile)
    return graph


def serialize(graph: Graph, fmt: str) -> tuple[bytes, str]:
    rdflib_format, media_type = FORMATS[fmt]
    data = graph.serialize(format=rdflib_format, encoding="utf-8")
    return data, f"{media_type}; charset=utf-8"


def dataset_uri(site: str, dataset: Mapping[str, Any]) -> URIRef:
    return URIRef(f"{site}/dataset/{dataset['id']}")


def add_dataset(graph: Graph, site: str, dataset: Mapping[str, Any], profile: Profile) -> URIRef:
    node = dataset_uri(site, dataset)
    add = graph.add
    add((node, RDF.type, DCAT.Dataset))
    add((node, DCTERMS.identifier, Literal(dataset["id"])))
    add((node, DCTERMS.title, Literal(dataset["title"], lang="th")))
    add((node, DCTERMS.description, Literal(dataset.get("notes") or dataset["title"], lang="th")))
    for tag in dataset.get("tags", []):
        add((node, DCAT.keyword, Literal(tag["name"], lang="th")))
    landing = dataset.get("url") or f"{site}/dataset/{dataset['name']}"
    add((node, DCAT.landingPage, _typed(graph, URIRef(landing), FOAF.Document)))
    add((node, DCTERMS.publisher, _publisher(graph, site, dataset.get("organization") or {})))
    _contact(graph, node, dataset)
    _frequency(graph, node, dataset)
    for language in dataset.get("data_language") or []:
        if language in LANGUAGES:
            add((node, DCTERMS.language,
                 _typed(graph, URIRef(f"{EU}language/{LANGUAGES[language]}"), DCTERMS.LinguisticSystem)))
    # the data's own release (or creation) date; Banchi's registration time is not when it was issued
    _date(graph, node, DCTERMS.issued, dataset.get("data_release_date") or dataset.get("created_date"))
    _date(graph, node, DCTERMS.modified, dataset.get("last_updated_date") or dataset.get("metadata_modified"))
    _temporal(graph, node, dataset)
    _spatial(graph, node, dataset)
    rule = profile.classification_rule
    public = dataset.get(rule.classification_field) == rule.public_classification
    rights = URIRef(f"{EU}access-right/{'PUBLIC' if public else 'NON_PUBLIC'}")
    add((node, DCTERMS.accessRights, _typed(graph, rights, DCTERMS.RightsStatement)))
    for spec in profile.dataset_fields:
        if spec.key not in MAPPED:
            _extra(graph, node, spec.key, dataset.get(spec.key))
    license_node = _license(graph, dataset.get("license_id"), dataset.get("license_id_other"))
    for resource in dataset.get("resources", []):
        add((node, DCAT.distribution, _distribution(graph, site, dataset, resource, profile, license_node)))
    return node


def _distribution(graph: Graph, site: str, dataset: Mapping[str, Any], resource: Mapping[str, Any],
                  profile: Profile, license_node: Any) -> URIRef:
    node = URIRef(f"{dataset_uri(site, dataset)}/resource/{resource['id']}")
    add = graph.add
    add((node, RDF.type, DCAT.Distribution))
    add((node, DCTERMS.title, Literal(resource["name"], lang="th")))
    if resource.get("description"):
        add((node, DCTERMS.description, Literal(resource["description"], lang="th")))
    if resource.get("url"):
        url = _typed(graph, URIRef(resource["url"]), RDFS.Resource)
        add((node, DCAT.accessURL, url))
        if resource.get("kind") == "file":
            add((node, DCAT.downloadURL, url))
    fmt = (resource.get("format") or "").strip().upper()
    if fmt:
        target = URIRef(f"{EU}file-type/{fmt}") if fmt in FILE_TYPES else BNode()
        if not isinstance(target, URIRef):
            add((target, RDFS.label, Literal(resource["format"])))
        add((node, DCTERMS["format"], _typed(graph, target, DCTERMS.MediaTypeOrExtent)))
    if resource.get("mimetype"):
        media = URIRef(f"https://www.iana.org/assignments/media-types/{resource['mimetype']}")
        add((node, DCAT.mediaType, _typed(graph, media, DCTERMS.MediaType)))
    if resource.get("size") is not None:
        add((node, DCAT.byteSize, Literal(int(resource["size"]), datatype=XSD.nonNegativeInteger)))
    if resource.get("sha256"):
        checksum = BNode()
        add((checksum, RDF.type, SPDX.Checksum))
        add((checksum, SPDX.algorithm, _typed(graph, SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)))
        add((checksum, SPDX.checksumValue, Literal(resource["sha256"], datatype=XSD.hexBinary)))
        add((node, SPDX.checksum, checksum))
    if license_node is not None:
        add((node, DCTERMS.license, license_node))
    _date(graph, node, DCTERMS.issued, resource.get("created"))
    _date(graph, node, DCTERMS.modified, resource.get("last_modified"))
    for spec in profile.resource_fields:
        if spec.key not in RESOURCE_MAPPED:
            _extra(graph, node, spec.key, resource.get(spec.key))
    return node


def _typed(graph: Graph, node: Any, rdf_type: URIRef) -> Any:
    graph.add((node, RDF.type, rdf_type))
    return node


def _publisher(graph: Graph, site: str, org: Mapping[str, Any]) -> URIRef:
    node = URIRef(f"{site}/organization/{org.get('id') or org.get('name')}")
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, Literal(org.get("title") or org.get("name") or "-", lang="th")))
    if org.get("title_en"):
        graph.add((node, FOAF.name, Literal(org["title_en"], lang="en")))
    return node


def _contact(graph: Graph, node: URIRef, dataset: Mapping[str, Any]) -> None:
    if not (dataset.get("maintainer") or dataset.get("maintainer_email")):
        return
    contact = BNode()
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, RDF.type, VCARD.Kind))
    if dataset.get("maintainer"):
        graph.add((contact, VCARD.fn, Literal(dataset["maintainer"], lang="th")))
    if dataset.get("maintainer_email"):
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset['maintainer_email']}")))
    graph.add((node, DCAT.contactPoint, contact))


def _frequency(graph: Graph, node: URIRef, dataset: Mapping[str, Any]) -> None:
    unit, interval = dataset.get("update_frequency_unit"), dataset.get("update_frequency_interval") or 1
    code = FREQUENCIES.get((unit, int(interval))) if unit else None
    if code:
        graph.add((node, DCTERMS.accrualPeriodicity, _typed(graph, URIRef(f"{EU}frequency/{code}"), DCTERMS.Frequency)))
    # the GD Catalog's own reading (every N units) is kept whatever the EU code
    _extra(graph, node, "update_frequency_unit", unit)
    _extra(graph, node, "update_frequency_interval", dataset.get("update_frequency_interval"))


def _date(graph: Graph, node: URIRef, predicate: URIRef, value: Any) -> None:
    if not value:
        return
    text = str(value)
    if len(text) == 10:
        graph.add((node, predicate, Literal(text, datatype=XSD.date)))
    else:
        moment = dt.datetime.fromisoformat(text)
        graph.add((node, predicate, Literal(moment.isoformat(), datatype=XSD.dateTime)))


def _temporal(graph: Graph, node: URIRef, dataset: Mapping[str, Any]) -> None:
    first, last = dataset.get("first_year_of_data"), dataset.get("last_year_of_data")
    if not (first or last):
        return
    period = BNode()
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if first:  # Buddhist Era years in the GD Catalog; ISO (Common Era) dates in DCAT
        graph.add((period, DCAT.startDate, Literal(f"{from_be_year(int(first)):04d}-01-01", datatype=XSD.date)))
    if last:
        graph.add((period, DCAT.endDate, Literal(f"{from_be_year(int(last)):04d}-12-31", datatype=XSD.date)))
    graph.add((node, DCTERMS.temporal, period))
    _extra(graph, node, "first_year_of_data", first)
    _extra(graph, node, "last_year_of_data", last)


def _spatial(graph: Graph, node: URIRef, dataset: Mapping[str, Any]) -> None:
    keys = [f"{side}_bound_longitude" for side in ("west", "east", "north", "south")]
    bounds = [dataset[key] for key in keys if dataset.get(key)]
    if len(bounds) < len(keys):
        return
    west, east, north, south = (float(b) for b in bounds)
    wkt = f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}))"
    location = BNode()
    graph.add((location, RDF.type, DCTERMS.Location))
    graph.add((location, DCAT.bbox, Literal(wkt, datatype=GSP.wktLiteral)))
    graph.add((node, DCTERMS.spatial, location))


def _license(graph: Graph, license_id: Any, other: Any) -> Any:
    if not license_id:
        return None
    known = license_info(license_id)
    node = URIRef(known.url) if known.url else BNode()  # a URI where the licence has one
    graph.add((node, RDF.type, DCTERMS.LicenseDocument))
    graph.add((node, RDFS.label, Literal(other if other and license_id == "อื่นๆ" else license_id)))
    graph.add((node, BANCHI.license_id, Literal(license_id)))
    return node


def _extra(graph: Graph, node: URIRef, key: str, value: Any) -> None:
    """A GD Catalog field with no DCAT term: kept under its own key in the Banchi namespace."""
    if value in (None, "", []):
        return
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, int | float | bool):
            literal = Literal(item)
        elif _ISO_DATE.match(str(item)):
            literal = Literal(str(item), datatype=XSD.date)
        else:
            literal = Literal(str(item), lang="th")
        graph.add((node, BANCHI[key], literal))
