"""Search over the demo catalog: Thai words, relevance, facets, filters, sorting, paging and visibility.

The suite runs on SQLite and (with BANCHI_TEST_DATABASE_URL) on PostgreSQL; every expectation here is
exact, so both databases give the same results.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from catalog.actions.access import dataset_list, dataset_show
from catalog.context import ANONYMOUS, SYSTEM, Actor
from catalog.demo import load_demo
from catalog.errors import ValidationFailed
from catalog.search import FACET_KEYS, SearchQuery, SearchResult, parse_query, search_datasets
from catalog.search.documents import optional_model
from catalog.search.tokenize import document_tokens, query_terms
from tests.conftest import OpenContext

PUBLIC = 10  # datasets of the demo catalog open to the public (ข้อมูลสาธารณะ, เปิดเผย)
ALL = 14


@pytest.fixture
def demo(open_ctx: OpenContext) -> OpenContext:
    with open_ctx() as ctx:
        load_demo(ctx)
    return open_ctx


def search(open_ctx: OpenContext, actor: Actor = ANONYMOUS, **params: Any) -> SearchResult:
    """Search as ``actor`` (the public unless told): what it sees follows from who it is."""
    with open_ctx(actor) as ctx:
        return search_datasets(ctx, SearchQuery(include_private=True, **params))


def member_of(org_id: str) -> Actor:
    return Actor(name="member", account_id="member", roles={org_id: frozenset({"steward"})})


def names(result: SearchResult) -> list[str]:
    return [dataset["name"] for dataset in result.results]


# -- words ---------------------------------------------------------------------------------------------


def test_thai_is_cut_into_words_and_compounds_into_their_parts() -> None:
    assert document_tokens("การฝึกอบรมนักบริหาร")[:2] == ["การ", "ฝึกอบรม"]
    assert "ฝึกอบรม" in document_tokens("การฝึกอบรมนักบริหาร")
    assert {"ฐานข้อมูล", "ฐาน", "ข้อมูล"} <= set(document_tokens("ฐานข้อมูลประกอบตัวชี้วัด"))
    assert {"การพัฒนา", "พัฒนา"} <= set(document_tokens("การพัฒนาเมือง"))
    # short words whose syllables are words too are left whole
    assert "ระ" not in document_tokens("ระดับ")


def test_english_is_folded_and_thai_digits_read_as_digits() -> None:
    assert document_tokens("Café TRAINING e-Library ๒๕๖๔") == ["cafe", "training", "e", "library", "2564"]
    assert query_terms("Training ฝึกอบรม 2564 km") == [
        ("training", True), ("ฝึกอบรม", False), ("2564", False), ("km", False)]
    assert document_tokens("ฯลฯ ไปๆ (KM)") == ["ล", "ไป", "km"]


# -- relevance -----------------------------------------------------------------------------------------

TRAINING_IN_TITLE_AND_TAGS = {"training-course-catalog", "annual-training-statistics", "training-satisfaction",
                              "junior-executive-personal-reports", "training-venues-map", "district-training-coverage"}
RELEVANCE: list[tuple[str, list[set[str]]]] = [
    # query, the datasets that must come first: tier by tier, any order within a tier
    ("ฝึกอบรม", [TRAINING_IN_TITLE_AND_TAGS, {"training-photo-archive"}]),  # then title only
    ("ฐานข้อมูล", [{"city-development-indicators"}, {"junior-executive-personal-reports"}]),
    ("ตัวชี้วัด", [{"city-development-indicators"}]),
    ("การพัฒนาเมือง", [{"city-development-indicators"}]),
    ("แผนที่", [{"district-training-coverage", "training-venues-map"}]),
    ("ความพึงพอใจ", [{"training-satisfaction"}]),
    ("สถิติการฝึกอบรม", [{"annual-training-statistics"}]),
    ("คลังความรู้", [{"knowledge-management-library"}]),
    ("KM", [{"knowledge-management-library"}]),
    ("e-library", [{"junior-executive-personal-reports"}]),
    ("TRAINING Satisfaction", [{"training-satisfaction"}]),
    ("E-LÍBRARY", [{"junior-executive-personal-reports"}]),  # case and accents do not matter
    ("KM ความรู้", [{"knowledge-management-library"}]),  # Thai and English in one query
    ("ภาพ กิจกรรม", [{"training-photo-archive"}]),
    ("หลักสูตร 2564", [{"training-course-catalog"}]),
    ("อีเลิร์นนิง", [{"e-learning-media"}]),
]


@pytest.mark.parametrize(("q", "tiers"), RELEVANCE)
def test_relevance_on_the_demo_catalog(demo: OpenContext, q: str, tiers: list[set[str]]) -> None:
    ranked = names(search(demo, q=q))
    for tier in tiers:
        assert set(ranked[: len(tier)]) == tier
        ranked = ranked[len(tier):]


def test_title_outranks_tags_outranks_description(demo: OpenContext) -> None:
    # สถิติ: title and tag of annual-training-statistics; tag and description of city-development-indicators
    assert names(search(demo, q="สถิติ")) == ["annual-training-statistics", "city-development-indicators"]


def test_words_are_all_required(demo: OpenContext) -> None:
    assert names(search(demo, q="แผนที่ พิกัด")) == ["training-venues-map"]
    assert search(demo, q="แผนที่ budget").count == 0


def test_a_query_of_punctuation_only_lists_everything(demo: OpenContext) -> None:
    assert search(demo, q="  !!  ").count == PUBLIC


def test_resource_names_and_organization_are_searched(demo: OpenContext) -> None:
    # ราย+เขต: in the title of one (… รายสำนักงานเขต), a resource name of the other (… รายเขต)
    assert names(search(demo, q="รายเขต")) == ["district-training-coverage", "city-development-indicators"]
    assert search(demo, q="Civil Service Development Institute").count == PUBLIC  # the organization


# -- facets, filters, sorting, paging ------------------------------------------------------------------


def catalog_facets(open_ctx: OpenContext, filters: dict[str, list[str]]) -> tuple[int, dict[str, Counter[str]]]:
    """What the public may see, counted from the catalog's own listing: the oracle the index must match."""
    with open_ctx() as ctx:
        values = [facet_values(ctx, d["name"]) for d in dataset_list(ctx, public_only=True)]

    def passes(dataset: dict[str, set[str]], skip: str | None = None) -> bool:
        return all(dataset[key] & set(accepted) for key, accepted in filters.items() if key != skip)

    counts = {key: Counter(value for dataset in values if passes(dataset, skip=key) for value in dataset[key])
              for key in FACET_KEYS}
    return sum(passes(dataset) for dataset in values), counts


def facet_values(ctx: Any, name: str) -> dict[str, set[str]]:
    shown = dataset_show(ctx, name, public_only=True)
    stage_model = optional_model("governance", "DatasetStage")
    stage = ctx.session.get(stage_model, shown["id"]) if stage_model else None
    return {
        "organization": {shown["owner_org"]}, "data_type": {shown["data_type"]},
        "data_category": {shown["data_category"]}, "data_classification": {shown["data_classification"]},
        "update_frequency_unit": {shown["update_frequency_unit"]}, "tags": {t["name"] for t in shown["tags"]},
        "res_format": {r["format"] for r in shown["resources"] if r["format"] and r["resource_private"] == "False"},
        "stage": {str(stage.stage if stage else 0)},
    }


FACET_CASES = [
    {},
    {"data_type": ["ข้อมูลสถิติ", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่"]},
    {"data_type": ["ข้อมูลสถิติ", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่"], "update_frequency_unit": ["ปี"]},
    {"tags": ["ฝึกอบรม", "แผนที่"], "res_format": ["CSV"]},
    {"organization": ["bma-hrd"], "data_category": ["ข้อมูลสาธารณะ"], "stage": ["0", "1", "2", "3", "4", "5"]},
]


@pytest.mark.parametrize("filters", FACET_CASES)
def test_facets_are_the_catalogs_counts(demo: OpenContext, filters: dict[str, list[str]]) -> None:
    result = search(demo, filters=filters, facet_fields=list(FACET_KEYS), rows=0)
    # a facet's counts leave out its own filter (so more values can be added) but apply all the others
    count, expected = catalog_facets(demo, filters)
    assert result.facets == {key: dict(counts) for key, counts in expected.items()}
    assert result.count == count and result.results == []


def test_facets_of_the_public_catalog(demo: OpenContext) -> None:
    facets = search(demo, facet_fields=list(FACET_KEYS), rows=0).facets
    assert facets["organization"] == {"bma-hrd": PUBLIC}
    assert facets["data_category"] == {"ข้อมูลสาธารณะ": PUBLIC}
    assert facets["data_classification"] == {"เปิดเผย": PUBLIC}
    assert facets["data_type"] == {"ข้อมูลสถิติ": 3, "ข้อมูลภูมิสารสนเทศเชิงพื้นที่": 2, "ข้อมูลระเบียน": 2,
                                   "ข้อมูลหลากหลายประเภท": 2, "ข้อมูลประเภทอื่นๆ": 1}
    assert facets["tags"]["ฝึกอบรม"] == 5 and facets["tags"]["แผนที่"] == 2
    assert "ข้อมูลส่วนบุคคล" not in facets["tags"]  # a tag of non-public datasets only
    assert list(facets["data_type"]) == sorted(facets["data_type"], key=lambda v: (-facets["data_type"][v], v))


def test_filters_and_across_facets_or_within_one(demo: OpenContext) -> None:
    stat_or_geo = ["ข้อมูลสถิติ", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่"]
    assert search(demo, filters={"data_type": stat_or_geo}).count == 5
    both = search(demo, filters={"data_type": stat_or_geo, "update_frequency_unit": ["ปี"]})
    assert sorted(names(both)) == ["annual-training-statistics", "district-training-coverage",
                                   "training-venues-map"]
    assert search(demo, filters={"tags": ["แผนที่"]}, q="พิกัด").count == 1
    assert search(demo, filters={"tags": []}).count == 0


def test_sort_and_pages(demo: OpenContext) -> None:
    by_title = names(search(demo, sort="title_asc", rows=100))
    # Thai dictionary order: ข้อมูล… คลังค… คลังภ… ฐาน… ตำ… ทะ… ผล… แผน (แ sorts after its consonant) สถ… สื…
    assert by_title == ["junior-executive-personal-reports", "knowledge-management-library",
                        "training-photo-archive", "city-development-indicators", "training-venues-map",
                        "training-course-catalog", "training-satisfaction", "district-training-coverage",
                        "annual-training-statistics", "e-learning-media"]
    assert names(search(demo, sort="title_desc", rows=100)) == by_title[::-1]
    pages = [names(search(demo, sort="title_asc", rows=3, start=start)) for start in (0, 3, 6, 9)]
    assert [len(page) for page in pages] == [3, 3, 3, 1]
    assert [name for page in pages for name in page] == by_title
    assert search(demo, sort="title_asc", rows=3, start=9).count == PUBLIC


@pytest.mark.parametrize("order", [[("id", False)], [("name", True)], [("metadata_created", False), ("name", False)],
                                   [("score", True), ("id", True)]])
def test_a_small_page_of_a_large_result_is_the_same_slice_of_the_whole_order(demo: OpenContext,
                                                                              order: list[Any]) -> None:
    # a page much smaller than the result is chosen without sorting everything: the same rows, in order
    whole = names(search(demo, SYSTEM, order=order, rows=100))
    assert len(whole) == ALL
    for start in range(ALL):
        assert names(search(demo, SYSTEM, order=order, rows=1, start=start)) == whole[start:start + 1]
        assert names(search(demo, SYSTEM, order=order, rows=2, start=start)) == whole[start:start + 2]


def test_sort_by_last_modified(demo: OpenContext) -> None:
    with demo() as ctx:
        from catalog.actions.datasets import dataset_update

        dataset_update(ctx, "training-photo-archive", {"notes": "ภาพถ่ายกิจกรรม ปรับปรุงล่าสุด"})
    newest = names(search(demo, sort="modified_desc"))
    assert newest[0] == "training-photo-archive"
    assert names(search(demo, sort="modified_asc", rows=100))[-1] == "training-photo-archive"
    assert names(search(demo))[0] == "training-photo-archive"  # relevance without words: newest first


def test_results_are_dataset_dicts_with_public_resources(demo: OpenContext) -> None:
    result = search(demo, q="e-library")
    with demo(ANONYMOUS) as ctx:
        assert result.results == [dataset_show(ctx, "junior-executive-personal-reports", public_only=True)]
    with demo() as ctx:
        everything = search_datasets(ctx, SearchQuery(q="ทะเบียน", include_private=True))  # as SYSTEM: all
        assert everything.results == [dataset_show(ctx, d["name"]) for d in everything.results]


# -- visibility ----------------------------------------------------------------------------------------


def test_non_public_datasets_are_neither_shown_nor_counted(demo: OpenContext) -> None:
    public = search(demo, q="ทะเบียน", facet_fields=["data_category", "tags"])
    assert names(public) == ["training-course-catalog"]
    assert public.facets["data_category"] == {"ข้อมูลสาธารณะ": 1}
    assert set(public.facets["tags"]) == {"หลักสูตร", "ฝึกอบรม", "ทะเบียน"}
    assert search(demo, q="ทุนการศึกษา").count == 0


def test_members_see_their_organizations_non_public_datasets(demo: OpenContext) -> None:
    with demo() as ctx:
        from catalog.actions.lookup import get_organization

        hrd, spe = get_organization(ctx, "bma-hrd").id, get_organization(ctx, "bma-spe").id
    assert search(demo, member_of(spe)).count == PUBLIC
    member = search(demo, member_of(hrd), q="ทะเบียน", facet_fields=["data_category"])
    assert sorted(names(member)) == ["lecturer-registry", "trainee-registry", "training-course-catalog"]
    assert member.facets["data_category"] == {"ข้อมูลส่วนบุคคล": 2, "ข้อมูลสาธารณะ": 1}
    assert search(demo, SYSTEM).count == ALL


def test_withdrawn_datasets_only_when_asked_and_allowed(demo: OpenContext) -> None:
    from catalog.actions.datasets import dataset_set_state
    from catalog.models import DatasetState

    with demo() as ctx:
        dataset_set_state(ctx, "training-budget", DatasetState.withdrawn)
        dataset_set_state(ctx, "training-photo-archive", DatasetState.withdrawn)
    assert search(demo).count == PUBLIC - 1
    assert search(demo, include_withdrawn=True).count == PUBLIC - 1  # the public never sees withdrawn ones
    assert search(demo, SYSTEM).count == ALL - 2
    assert search(demo, SYSTEM, include_withdrawn=True).count == ALL


# -- bad queries ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "field"), [
    ({"filters": {"colour": ["red"]}}, "filters"),
    ({"facet_fields": ["colour"]}, "facet_fields"),
    ({"rows": 1001}, "rows"),
    ({"rows": -1}, "rows"),
    ({"start": -5}, "start"),
    ({"sort": "newest"}, "sort"),
])
def test_bad_queries_are_refused_naming_the_parameter(demo: OpenContext, params: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_query(params)
    [found] = caught.value.problems
    assert found.field == field and found.th and found.en and found.th != found.en
    if field != "sort":
        with demo() as ctx, pytest.raises(ValidationFailed):
            search_datasets(ctx, SearchQuery(**params))
