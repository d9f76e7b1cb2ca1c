"""Search speed at 100,000 datasets, on SQLite and on PostgreSQL, in one run.

    .venv/bin/python benchmarks/search.py                          # 100,000 datasets, both databases
    .venv/bin/python benchmarks/search.py --datasets 10000         # a quicker look
    .venv/bin/python benchmarks/search.py --only sqlite            # one database
    .venv/bin/python benchmarks/search.py --database URL --no-rebuild  # load once into a kept database; measure again
    BANCHI_BENCH_PG=postgresql://postgres@127.0.0.1:5432/postgres  # the PostgreSQL server (this default)

It generates realistic Thai/English datasets (about 300 BMA organizations, titles and descriptions from
the kinds of data districts and departments keep, long-tailed tags, resources in common formats, every
category and classification) and loads them in batches of 1,000 through the production index path: ORM
inserts whose flush hook indexes them in the same transaction (metadata validation is not part of what is
measured; one flush per batch, so each dataset is indexed once). Then, on a warm database, with the public's visibility:

- a query with five facets: words (Thai, English, mixed) + counts of organization, data_type,
  data_category, tags and res_format, 20 results by relevance;
- a filter-only query: one or two facet filters, no words, the same five facets;
- browsing: no words, no filters, the same five facets;
- CKAN's package_search as its clients send it (Solr syntax in q/fq/fq_list, several sort keys, the
  harvester's gather and incremental pages), parsed each time (luqum) before the search.

It prints p50/p95 of each (each query run several times), indexing throughput (load through the flush
hook, and `rebuild_index` alone), and the ratio of p95 to the baseline: CKAN sites report 200–300 ms per
Solr call. Target: p95 <= 50 ms for the query with five facets, the filter-only query and CKAN's
package_search on both databases.
A PostgreSQL database of its own is created and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from benchmarks.scratch_db import scratch_postgres  # noqa: E402
from catalog.context import open_context  # noqa: E402
from catalog.db import make_engine  # noqa: E402
from catalog.migrate import upgrade  # noqa: E402
from catalog.models import Dataset, Organization, Resource  # noqa: E402
from catalog.models.dataset import DatasetState  # noqa: E402
from catalog.models.types import new_id  # noqa: E402
from catalog.search import SearchQuery, rebuild_index, search_datasets  # noqa: E402
from catalog.search.documents import optional_model  # noqa: E402
from catalog.settings import Settings  # noqa: E402
from services.api.ckan_query import search_parameters  # noqa: E402

Query = SearchQuery | dict[str, Any]

TARGET_MS = 50.0
BASELINE_MS = (200.0, 300.0)
FIVE_FACETS = ["organization", "data_type", "data_category", "tags", "res_format"]
BATCH = 1000

DISTRICTS = [
    ("พระนคร", "Phra Nakhon"), ("ดุสิต", "Dusit"), ("หนองจอก", "Nong Chok"), ("บางรัก", "Bang Rak"),
    ("บางเขน", "Bang Khen"), ("บางกะปิ", "Bang Kapi"), ("ปทุมวัน", "Pathum Wan"), ("ป้อมปราบศัตรูพ่าย", "Pom Prap"),
    ("พระโขนง", "Phra Khanong"), ("มีนบุรี", "Min Buri"), ("ลาดกระบัง", "Lat Krabang"), ("ยานนาวา", "Yan Nawa"),
    ("สัมพันธวงศ์", "Samphanthawong"), ("พญาไท", "Phaya Thai"), ("ธนบุรี", "Thon Buri"), ("บางกอกใหญ่", "Bangkok Yai"),
    ("ห้วยขวาง", "Huai Khwang"), ("คลองสาน", "Khlong San"), ("ตลิ่งชัน", "Taling Chan"), ("บางกอกน้อย", "Bangkok Noi"),
    ("บางขุนเทียน", "Bang Khun Thian"), ("ภาษีเจริญ", "Phasi Charoen"), ("หนองแขม", "Nong Khaem"),
    ("ราษฎร์บูรณะ", "Rat Burana"), ("บางพลัด", "Bang Phlat"), ("ดินแดง", "Din Daeng"), ("บึงกุ่ม", "Bueng Kum"),
    ("สาทร", "Sathon"), ("บางซื่อ", "Bang Sue"), ("จตุจักร", "Chatuchak"), ("บางคอแหลม", "Bang Kho Laem"),
    ("ประเวศ", "Prawet"), ("คลองเตย", "Khlong Toei"), ("สวนหลวง", "Suan Luang"), ("จอมทอง", "Chom Thong"),
    ("ดอนเมือง", "Don Mueang"), ("ราชเทวี", "Ratchathewi"), ("ลาดพร้าว", "Lat Phrao"), ("วัฒนา", "Watthana"),
    ("บางแค", "Bang Khae"), ("หลักสี่", "Lak Si"), ("สายไหม", "Sai Mai"), ("คันนายาว", "Khan Na Yao"),
    ("สะพานสูง", "Saphan Sung"), ("วังทองหลาง", "Wang Thonglang"), ("คลองสามวา", "Khlong Sam Wa"),
    ("บางนา", "Bang Na"), ("ทวีวัฒนา", "Thawi Watthana"), ("ทุ่งครุ", "Thung Khru"), ("บางบอน", "Bang Bon"),
]
DEPARTMENTS = [
    ("สำนักการแพทย์", "Medical Service Department"), ("สำนักอนามัย", "Health Department"),
    ("สำนักการศึกษา", "Education Department"), ("สำนักการโยธา", "Public Works Department"),
    ("สำนักการระบายน้ำ", "Drainage and Sewerage Department"), ("สำนักสิ่งแวดล้อม", "Environment Department"),
    ("สำนักการจราจรและขนส่ง", "Traffic and Transportation Department"),
    ("สำนักป้องกันและบรรเทาสาธารณภัย", "Fire and Rescue Department"), ("สำนักการคลัง", "Finance Department"),
    ("สำนักพัฒนาสังคม", "Social Development Department"), ("สำนักเทศกิจ", "City Law Enforcement Department"),
    ("สำนักผังเมือง", "City Planning Department"), ("สำนักวัฒนธรรม กีฬาและการท่องเที่ยว", "Culture, Sports and Tourism"),
    ("สำนักยุทธศาสตร์และประเมินผล", "Strategy and Evaluation Department"),
    ("สถาบันพัฒนาข้าราชการกรุงเทพมหานคร", "Civil Service Development Institute"),
    ("สำนักงานประชาสัมพันธ์", "Public Relations Office"), ("สำนักงานการต่างประเทศ", "International Affairs Office"),
    ("สำนักงานเลขานุการสภากรุงเทพมหานคร", "Council Secretariat"), ("สำนักงานพัฒนาระบบดิจิทัล", "Digital Office"),
    ("สำนักงานตรวจสอบภายใน", "Internal Audit Office"),
]
DIVISIONS = ["ฝ่ายบริหารงานทั่วไป", "ฝ่ายแผนงานและสารสนเทศ", "ส่วนวิชาการ", "ส่วนปฏิบัติการ", "ฝ่ายการคลัง",
             "ฝ่ายทะเบียน", "ฝ่ายรักษาความสะอาดและสวนสาธารณะ", "ฝ่ายโยธา", "ฝ่ายพัฒนาชุมชนและสวัสดิการสังคม",
             "ฝ่ายสิ่งแวดล้อมและสุขาภิบาล", "ฝ่ายเทศกิจ"]
# (Thai topic, English topic, tags)
TOPICS = [
    ("คุณภาพน้ำในคลอง", "canal water quality", ["น้ำ", "สิ่งแวดล้อม", "คลอง"]),
    ("คุณภาพอากาศและฝุ่นละออง PM2.5", "air quality and PM2.5", ["อากาศ", "ฝุ่น", "PM2.5", "สิ่งแวดล้อม"]),
    ("การจัดเก็บขยะมูลฝอย", "solid waste collection", ["ขยะ", "สิ่งแวดล้อม", "รักษาความสะอาด"]),
    ("จุดเสี่ยงน้ำท่วมขัง", "flood risk points", ["น้ำท่วม", "ระบายน้ำ", "ภัยพิบัติ"]),
    ("ปริมาณน้ำฝน", "rainfall", ["ฝน", "น้ำ", "อุตุนิยมวิทยา"]),
    ("ผู้ป่วยโรคไข้เลือดออก", "dengue fever patients", ["สาธารณสุข", "โรคติดต่อ", "ไข้เลือดออก"]),
    ("ศูนย์บริการสาธารณสุข", "public health centres", ["สาธารณสุข", "สถานพยาบาล"]),
    ("การฉีดวัคซีน", "vaccination", ["วัคซีน", "สาธารณสุข"]),
    ("นักเรียนในโรงเรียนสังกัดกรุงเทพมหานคร", "students in BMA schools", ["การศึกษา", "โรงเรียน", "นักเรียน"]),
    ("ครูและบุคลากรทางการศึกษา", "teachers and education staff", ["การศึกษา", "ครู"]),
    ("ผลการทดสอบระดับชาติ O-NET", "O-NET national test results", ["การศึกษา", "O-NET"]),
    ("อุบัติเหตุทางถนน", "road accidents", ["จราจร", "อุบัติเหตุ", "ความปลอดภัย"]),
    ("ปริมาณการจราจร", "traffic volume", ["จราจร", "ขนส่ง"]),
    ("กล้องวงจรปิด CCTV", "CCTV cameras", ["CCTV", "ความปลอดภัย"]),
    ("ป้ายรถประจำทาง", "bus stops", ["ขนส่ง", "รถประจำทาง"]),
    ("ทางเท้าและทางจักรยาน", "footpaths and bike lanes", ["ทางเท้า", "จักรยาน", "โยธา"]),
    ("สวนสาธารณะและพื้นที่สีเขียว", "parks and green areas", ["สวนสาธารณะ", "พื้นที่สีเขียว"]),
    ("ต้นไม้ริมทาง", "street trees", ["ต้นไม้", "พื้นที่สีเขียว"]),
    ("เหตุเพลิงไหม้", "fire incidents", ["อัคคีภัย", "ภัยพิบัติ"]),
    ("อาคารสูงและอาคารขนาดใหญ่พิเศษ", "high-rise buildings", ["อาคาร", "ผังเมือง"]),
    ("การขออนุญาตก่อสร้างอาคาร", "building permits", ["ใบอนุญาต", "อาคาร"]),
    ("ผังเมืองรวม", "comprehensive city plan", ["ผังเมือง", "การใช้ประโยชน์ที่ดิน"]),
    ("ประชากรตามทะเบียนราษฎร", "registered population", ["ประชากร", "ทะเบียนราษฎร"]),
    ("ผู้สูงอายุ", "elderly people", ["ผู้สูงอายุ", "สวัสดิการ"]),
    ("คนพิการ", "people with disabilities", ["คนพิการ", "สวัสดิการ"]),
    ("ชุมชนในกรุงเทพมหานคร", "communities", ["ชุมชน", "พัฒนาสังคม"]),
    ("ผู้ค้าหาบเร่แผงลอย", "street vendors", ["หาบเร่แผงลอย", "เทศกิจ"]),
    ("ตลาดสด", "fresh markets", ["ตลาด", "สุขาภิบาลอาหาร"]),
    ("ร้านอาหารที่ผ่านมาตรฐานสุขาภิบาล", "food safety certified restaurants", ["อาหาร", "สุขาภิบาลอาหาร"]),
    ("รายได้จากภาษีป้าย", "signboard tax revenue", ["ภาษี", "การคลัง", "รายได้"]),
    ("งบประมาณรายจ่ายประจำปี", "annual budget", ["งบประมาณ", "การคลัง"]),
    ("การจัดซื้อจัดจ้าง", "procurement", ["จัดซื้อจัดจ้าง", "การคลัง"]),
    ("เรื่องร้องเรียนผ่าน Traffy Fondue", "Traffy Fondue complaints", ["ร้องเรียน", "Traffy Fondue"]),
    ("การฝึกอบรมข้าราชการ", "civil servant training", ["ฝึกอบรม", "บุคลากร"]),
    ("อัตรากำลังข้าราชการและลูกจ้าง", "staff headcount", ["บุคลากร", "อัตรากำลัง"]),
    ("สถานที่ท่องเที่ยว", "tourist attractions", ["ท่องเที่ยว", "วัฒนธรรม"]),
    ("กิจกรรมกีฬาและนันทนาการ", "sports and recreation", ["กีฬา", "นันทนาการ"]),
    ("ห้องสมุดและบ้านหนังสือ", "libraries", ["ห้องสมุด", "การอ่าน"]),
    ("สถานีสูบน้ำและประตูระบายน้ำ", "pumping stations and floodgates", ["ระบายน้ำ", "น้ำท่วม"]),
    ("จุดติดตั้งไฟฟ้าส่องสว่าง", "street lighting", ["ไฟฟ้าส่องสว่าง", "ความปลอดภัย"]),
]
ASPECTS = [("สถิติ", "Statistics of"), ("ข้อมูล", "Data on"), ("ทะเบียน", "Register of"), ("รายงาน", "Report on"),
           ("แผนที่", "Map of"), ("ผลการสำรวจ", "Survey of"), ("จำนวน", "Number of"), ("ฐานข้อมูล", "Database of")]
CLAUSES = [
    "ข้อมูลจัดเก็บจากการปฏิบัติงานประจำของหน่วยงาน", "ใช้ประกอบการวางแผนและติดตามผลการดำเนินงาน",
    "จำแนกตามสำนักงานเขตและปีงบประมาณ", "ปรับปรุงข้อมูลตามรอบการรายงานของกรุงเทพมหานคร",
    "เผยแพร่เพื่อให้ประชาชนนำไปใช้ประโยชน์", "ประกอบตัวชี้วัดตามแผนพัฒนากรุงเทพมหานคร",
    "รวบรวมจากระบบสารสนเทศของหน่วยงาน", "ตรวจสอบความถูกต้องโดยคณะทำงานกำกับดูแลข้อมูล",
    "มีพิกัดทางภูมิศาสตร์สำหรับแสดงผลบนแผนที่", "สอดคล้องกับมาตรฐานคำอธิบายข้อมูลของหน่วยงานภาครัฐ",
    "collected monthly by district offices", "used for the Bangkok development plan indicators",
    "published as open data under the Open Data Common licence",
]
FORMATS = ["CSV", "XLSX", "XLS", "PDF", "JSON", "API", "SHP", "GeoJSON", "HTML", "DOCX"]
FREQUENCIES = [("ปี", 35), ("เดือน", 20), ("ไตรมาส", 15), ("ครึ่งปี", 5), ("วัน", 8), ("สัปดาห์", 4),
               ("ตามเวลาจริง", 3), ("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", 6), ("ไม่ทราบ", 4)]
TYPES = [("ข้อมูลระเบียน", 35), ("ข้อมูลสถิติ", 40), ("ข้อมูลภูมิสารสนเทศเชิงพื้นที่", 12), ("ข้อมูลหลากหลายประเภท", 8),
         ("ข้อมูลประเภทอื่นๆ", 5)]
CATEGORIES = [("ข้อมูลสาธารณะ", "เปิดเผย", 70), ("ข้อมูลใช้ภายใน", "ชั้นเผยแพร่ภายในองค์กร", 15),
              ("ข้อมูลส่วนบุคคล", "ลับ", 10), ("ข้อมูลความมั่นคง", "ลับมาก", 2), ("ข้อมูลความลับทางราชการ", "ลับ", 3)]

QUERIES = ["คุณภาพน้ำ", "ขยะ", "ฝึกอบรม", "น้ำท่วม", "ประชากร", "สถิติ อุบัติเหตุ", "โรงเรียน", "ผู้สูงอายุ บางรัก",
           "งบประมาณ 2566", "แผนที่ สวนสาธารณะ", "ฝุ่น PM2.5", "ไข้เลือดออก", "ทะเบียน ตลาด", "water quality",
           "traffic", "budget", "CCTV", "Traffy Fondue", "flood risk", "schools Bang Kapi", "สำนักการแพทย์",
           "ร้องเรียน Traffy", "ภาษี", "ห้องสมุด"]


STATES = [(DatasetState.active, 90), (DatasetState.draft, 6), (DatasetState.withdrawn, 4)]


def weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], [p[-1] for p in pairs])[0]


def organizations() -> list[dict[str, Any]]:
    orgs = [{"name": "bma", "title": "กรุงเทพมหานคร", "title_en": "Bangkok Metropolitan Administration",
             "kind": "administration", "parent": None}]
    for n, (th, en) in enumerate(DEPARTMENTS):
        orgs.append({"name": f"dept-{n}", "title": th, "title_en": en, "kind": "agency", "parent": "bma"})
        orgs += [{"name": f"dept-{n}-div-{d}", "title": f"{division} {th}", "title_en": None, "kind": "division",
                  "parent": f"dept-{n}"} for d, division in enumerate(DIVISIONS)]
    for n, (th, en) in enumerate(DISTRICTS):
        orgs.append({"name": f"district-{n}", "title": f"สำนักงานเขต{th}", "title_en": f"{en} District Office",
                     "kind": "agency", "parent": "bma"})
    return orgs


def generate(rng: random.Random, n: int, org_ids: list[str]) -> list[tuple[Dataset, list[Resource], int]]:
    tail = [f"โครงการ{topic[0][:12]}{k}" for k in range(60) for topic in TOPICS[:25]]  # a long tail of tags
    titles: set[str] = set()
    made = []
    for i in range(n):
        topic_th, topic_en, topic_tags = rng.choice(TOPICS)
        aspect_th, aspect_en = rng.choice(ASPECTS)
        district_th, district_en = rng.choice(DISTRICTS)
        year = rng.randint(2555, 2568)
        if rng.random() < 0.15:
            title = f"{aspect_en} {topic_en} in {district_en} {year - 543}"
        else:
            title = f"{aspect_th}{topic_th} เขต{district_th} ปี {year}"
        if title in titles:
            title = f"{title} ชุดที่ {i}"
        titles.add(title)
        clauses = rng.sample(CLAUSES, rng.randint(2, 4))
        notes = f"{aspect_th}{topic_th}ของสำนักงานเขต{district_th} " + rng.choice(["", " "]).join(clauses)
        tags = list(dict.fromkeys([*rng.sample(topic_tags, rng.randint(1, len(topic_tags))), district_th,
                                   *rng.sample(tail, rng.randint(0, 2))]))
        category, classification, _ = weighted(rng, [(c, w) for c in CATEGORIES for w in [c[2]]])
        dataset_id = new_id()
        # as an agency's catalog stands: most datasets published, a few being prepared, withdrawn or kept
        # private (the public sees only the active, non-private ones; a catalog of drafts measures nothing)
        state = weighted(rng, STATES)
        dataset = Dataset(
            id=dataset_id, name=f"bench-{i}", title=title, owner_org_id=rng.choice(org_ids), profile="gdc-2.2",
            data_type=weighted(rng, TYPES), data_category=category, data_classification=classification,
            extras={"tag_string": tags, "notes": notes, "update_frequency_unit": weighted(rng, FREQUENCIES),
                    "update_frequency_interval": 1, "maintainer": "ฝ่ายแผนงานและสารสนเทศ"},
            state=state, private=state == DatasetState.active and rng.random() < 0.03,
        )
        resources = [Resource(dataset_id=dataset_id, position=k, kind="url", name=f"{topic_th} {year} ไฟล์ {k + 1}",
                              url=f"https://data.bangkok.go.th/{i}/{k}", format=rng.choice(FORMATS),
                              private=rng.random() < 0.1)
                     for k in range(rng.choice([0, 1, 1, 2, 2, 3]))]
        made.append((dataset, resources, rng.choice([0, 0, 1, 2, 3, 3, 4, 5])))
    return made


def load(engine: Engine, settings: Settings, n: int, seed: int) -> tuple[float, list[str], list[str]]:
    """Loads the catalog; returns (seconds, organization names, tags) for the queries."""
    rng = random.Random(seed)
    stage_model = optional_model("governance", "DatasetStage")
    with open_context(engine=engine, settings=settings) as ctx:
        by_name: dict[str, Organization] = {}
        for org in organizations():
            parent = by_name[org["parent"]].id if org["parent"] else None
            by_name[org["name"]] = Organization(**{**org, "parent": None}, parent_id=parent)
            ctx.session.add(by_name[org["name"]])
            ctx.session.flush()
        org_ids = [o.id for o in by_name.values()]
    generated = generate(rng, n, org_ids)
    started = time.perf_counter()
    for first in range(0, n, BATCH):
        with open_context(engine=engine, settings=settings) as ctx:
            batch = generated[first:first + BATCH]
            # one flush per batch (datasets before their resources and stages, by foreign key): the
            # flush hook indexes each dataset once, with its resources and stage
            ctx.session.add_all([dataset for dataset, _, _ in batch])
            ctx.session.add_all([r for _, resources, _ in batch for r in resources])
            if stage_model is not None:
                ctx.session.add_all([stage_model(dataset_id=d.id, stage=s) for d, _, s in batch])
    seconds = time.perf_counter() - started
    tags = sorted({t for d, _, _ in generated[:5000] for t in d.extras["tag_string"]})
    return seconds, list(by_name), tags


def measure(engine: Engine, settings: Settings, queries: list[Query], repeat: int) -> list[float]:
    """Milliseconds per search; a CKAN query (a dict of package_search parameters) is parsed each time."""
    for query in queries:  # warm: the database's pages and the query words' segmentation
        with open_context(engine=engine, settings=settings) as ctx:
            search_datasets(ctx, as_search(query))
    timings = []
    runs = [q for q in queries for _ in range(repeat)]
    random.Random(7).shuffle(runs)
    for query in runs:
        started = time.perf_counter()
        with open_context(engine=engine, settings=settings) as ctx:
            search_datasets(ctx, as_search(query))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def as_search(query: Query) -> SearchQuery:
    if isinstance(query, SearchQuery):
        return query
    values, _ = search_parameters(query)  # the Solr syntax of CKAN's package_search, parsed (luqum)
    return SearchQuery(**values)


def percentiles(timings: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return cuts[49], cuts[94]


def loaded_before(engine: Engine, n: int, seed: int) -> tuple[list[str], list[str]] | None:
    """(organization names, tags) of a database this benchmark loaded earlier with the same size and seed."""
    with engine.connect() as connection:
        if connection.execute(text("SELECT count(*) FROM dataset")).scalar_one() != n:
            return None
        if not connection.execute(text("SELECT count(*) FROM dataset WHERE state = 'active'")).scalar_one():
            return None  # loaded by the generator of before, whose datasets were all drafts
        ids: dict[str, str] = {name: id_ for name, id_ in connection.execute(text("SELECT name, id FROM organization"))}
    names = [org["name"] for org in organizations()]
    if set(names) != set(ids):
        return None
    # the generator is deterministic: the same seed and organizations give the same datasets and tags
    generated = generate(random.Random(seed), n, [ids[name] for name in names])
    return names, sorted({t for d, _, _ in generated[:5000] for t in d.extras["tag_string"]})


def run(label: str, url: str, n: int, repeat: int, seed: int, rebuild: bool = True) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(database_url=url, data_dir=Path(tempfile.mkdtemp(prefix="banchi-bench-")))
    earlier = loaded_before(engine, n, seed)
    if earlier is not None:
        print(f"\n== {label}: the {n:,} datasets loaded by an earlier run (--database) are measured again", flush=True)
        orgs, tags = earlier
        load_seconds = float("nan")
    else:
        print(f"\n== {label}: loading {n:,} datasets …", flush=True)
        load_seconds, orgs, tags = load(engine, settings, n, seed)
        print(f"   loaded and indexed through the flush hook in {load_seconds:.1f} s: "
              f"{n / load_seconds:,.0f} datasets/s")
    with engine.begin() as connection:  # fresh statistics for the planners, as after any bulk load
        connection.execute(text("ANALYZE"))
    started = time.perf_counter()
    with open_context(engine=engine, settings=settings) as ctx:
        visible = search_datasets(ctx, SearchQuery(rows=0)).count
    print(f"   first search of the process (reads the facet table): {time.perf_counter() - started:.2f} s; "
          f"the public sees {visible:,} of the {n:,} datasets")
    rng = random.Random(seed + 1)
    ckan: list[tuple[dict[str, Any], bool]] = [
        ({"q": "คุณภาพน้ำ"}, True), ({"q": "title:ขยะ AND -tags:สิ่งแวดล้อม"}, True),
        ({"q": "ฝึกอบรม OR น้ำท่วม", "fq_list": ['data_type:"ข้อมูลสถิติ"']}, True),
        ({"fq": f'organization:"{rng.choice(orgs)}" +res_format:CSV', "sort": "metadata_modified desc"}, True),
        ({"fq": "tags:(น้ำท่วม OR ขยะ)", "sort": "title_string asc"}, True),
        ({"rows": 100, "start": 0, "sort": "id asc"}, False),
        ({"rows": 100, "fq": "metadata_modified:[NOW-30DAYS TO *]", "sort": "id asc"}, False),
        ({"q": "*:*", "sort": "name asc, metadata_created desc", "rows": 20}, True),
    ]
    groups: dict[str, list[Query]] = {
        "query + 5 facets": [SearchQuery(q=q, facet_fields=FIVE_FACETS) for q in QUERIES],
        "filter-only + 5 facets": [SearchQuery(filters=f, facet_fields=FIVE_FACETS) for f in [
            {"organization": [rng.choice(orgs)]}, {"data_type": ["ข้อมูลสถิติ"]}, {"tags": [rng.choice(tags)]},
            {"data_type": ["ข้อมูลภูมิสารสนเทศเชิงพื้นที่"], "update_frequency_unit": ["ปี", "เดือน"]},
            {"res_format": ["CSV"], "organization": [rng.choice(orgs), rng.choice(orgs)]}, {"tags": ["น้ำท่วม"]},
            {"data_category": ["ข้อมูลสาธารณะ"], "res_format": ["SHP", "GeoJSON"]}, {"tags": ["สิ่งแวดล้อม"]},
        ]],
        "browse + 5 facets": [SearchQuery(facet_fields=FIVE_FACETS, sort=s) for s in ("relevance", "title_asc")],
        # CKAN's package_search as clients send it (parsed each time): the frontend, ckanapi, ckanext-harvest
        "CKAN package_search": [{**params, "facet.field": json.dumps(FIVE_FACETS)} if facets else params
                                for params, facets in ckan],
    }
    report: dict[str, Any] = {"load_rate": n / load_seconds}
    for name, queries in groups.items():
        p50, p95 = percentiles(measure(engine, settings, queries, repeat))
        report[name] = (p50, p95)
        verdict = "" if name.startswith("browse") else ("  ✓ target" if p95 <= TARGET_MS else "  ✗ over target")
        print(f"   {name:<24} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   "
              f"baseline 200–300 ms: {BASELINE_MS[0] / p95:.0f}–{BASELINE_MS[1] / p95:.0f}× faster{verdict}")
    if not rebuild:
        engine.dispose()
        return report
    started = time.perf_counter()
    with open_context(engine=engine, settings=settings) as ctx:
        indexed = rebuild_index(ctx)
    rebuild_seconds = time.perf_counter() - started
    report["rebuild_rate"] = indexed / rebuild_seconds
    print(f"   rebuild_index: {indexed:,} datasets in {rebuild_seconds:.1f} s: "
          f"{indexed / rebuild_seconds:,.0f} datasets/s")
    engine.dispose()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--seed", type=int, default=5_2)
    parser.add_argument("--database", metavar="URL",
                        help="a PostgreSQL or SQLite database of your own, kept afterwards: the first run loads it, "
                             "later runs with the same --datasets and --seed measure the searches again (no load)")
    parser.add_argument("--no-rebuild", action="store_true", help="skip timing rebuild_index")
    args = parser.parse_args()
    if args.database:
        run("given database", args.database, args.datasets, args.repeat, args.seed, rebuild=not args.no_rebuild)
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: still drop the scratch database
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory(prefix="banchi-bench-") as folder:
            run("sqlite", f"sqlite:///{folder}/bench.db", args.datasets, args.repeat, args.seed)
    if args.only != "sqlite":
        with scratch_postgres("banchi_search_bench") as url:
            run("postgresql", url, args.datasets, args.repeat, args.seed)


if __name__ == "__main__":
    main()
