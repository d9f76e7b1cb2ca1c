"""`banchi search` and `banchi search rebuild`, end to end on the test database."""

from __future__ import annotations

import json

import pytest

from catalog.settings import Settings
from tests.services.test_cli import banchi


@pytest.fixture
def demo(banchi_env: Settings) -> Settings:
    code, _out, err = banchi("demo")
    assert code == 0, err
    return banchi_env


def test_search_json_with_filters_and_facets(demo: Settings) -> None:
    code, out, err = banchi("search", "ฝึกอบรม", "--filter", "data_type=ข้อมูลสถิติ", "--facet", "tags",
                            "--facet", "data_type", "--public", "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    # title, tag and description match for the first two; the first also matches in its resource name and
    # dictionary titles; the last matches in a resource name only
    assert [d["name"] for d in result["results"]] == ["annual-training-statistics", "training-satisfaction",
                                                      "city-development-indicators"]
    assert result["count"] == 3 and result["facets"]["tags"]["ฝึกอบรม"] == 2
    assert result["facets"]["data_type"]["ข้อมูลภูมิสารสนเทศเชิงพื้นที่"] == 2


def test_the_command_line_sees_everything_unless_public(demo: Settings) -> None:
    everything = json.loads(banchi("search", "ทะเบียน", "--format", "json")[1])
    public = json.loads(banchi("search", "ทะเบียน", "--public", "--format", "json")[1])
    assert everything["count"] == 3 and public["count"] == 1


def test_table_output(demo: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = banchi("search", "แผนที่", "--facet", "organization", "--sort", "title_asc")
    assert code == 0
    assert "district-training-coverage" in out and "training-venues-map" in out and "bma-hrd" in out


def test_bad_parameters_are_refused_in_both_languages(demo: Settings) -> None:
    code, _, err = banchi("search", "--facet", "colour")
    assert code == 1 and "colour" in err and "ไม่รู้จักหมวด" in err and "is not a facet" in err
    code, _, err = banchi("search", "--rows", "5000")
    assert code == 1 and "rows" in err.lower()
    code, _, err = banchi("search", "--filter", "tags")
    assert code == 2 and "facet=value" in err


def test_rebuild(demo: Settings) -> None:
    code, out, err = banchi("search", "rebuild", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == {"success": True, "indexed": 14}
    code, out, _ = banchi("search", "--query", "rebuild", "--format", "json")
    assert code == 0 and json.loads(out)["count"] == 0  # the word itself can still be searched
