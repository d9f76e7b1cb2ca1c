"""Warming the search at start-up: the first search of a process finds the facet table built, and a
search arriving during a build waits for it instead of building the table a second time."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from catalog.context import ANONYMOUS
from catalog.demo import load_demo
from catalog.search import SearchQuery, search_datasets
from catalog.search import facets as facet_module
from catalog.search.facets import FacetTable
from catalog.search.warm import warm_search, warm_search_in_background
from catalog.settings import Settings
from tests.conftest import OpenContext


@pytest.fixture
def no_tables(monkeypatch: pytest.MonkeyPatch) -> dict[str, FacetTable]:
    """This process as if just started: no facet table kept (the suite's others are restored after)."""
    tables: dict[str, FacetTable] = {}
    monkeypatch.setattr(facet_module, "_tables", tables)
    monkeypatch.setattr(facet_module, "_building", {})
    return tables


def count_builds(monkeypatch: pytest.MonkeyPatch, seconds: float = 0.0) -> list[int]:
    """Whole-table builds (from an empty table) of this test, counted; each made to take ``seconds``
    (as at 100,000 datasets) so that searches arrive while it runs."""
    builds: list[int] = []
    patched = FacetTable.patched

    def counting(self: FacetTable, *args: object, **kwargs: object) -> FacetTable:
        if self.gen < 0:  # FacetTable.empty: a whole table is read
            builds.append(1)
            time.sleep(seconds)
        return patched(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(FacetTable, "patched", counting)
    return builds


def test_warm_up_builds_the_table_the_first_search_uses(open_ctx: OpenContext, settings: Settings,
                                                        no_tables: dict[str, FacetTable],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with open_ctx() as ctx:
        load_demo(ctx)
    builds = count_builds(monkeypatch)
    warm_search(settings)
    assert len(no_tables) == 1 and builds == [1]
    with open_ctx(ANONYMOUS) as ctx:
        result = search_datasets(ctx, SearchQuery(facet_fields=["organization"]))
    assert result.count > 0 and result.facets["organization"]
    assert builds == [1]  # the first search found it built


def test_searches_during_a_build_wait_for_it(open_ctx: OpenContext, settings: Settings,
                                              no_tables: dict[str, FacetTable],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with open_ctx() as ctx:
        load_demo(ctx)
    builds = count_builds(monkeypatch, seconds=0.5)
    counts: list[int] = []

    def search() -> None:
        with open_ctx(ANONYMOUS) as ctx:
            counts.append(search_datasets(ctx, SearchQuery(rows=0)).count)

    threads = [warm_search_in_background(settings), *(threading.Thread(target=search) for _ in range(3))]
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert builds == [1] and len(set(counts)) == 1 and counts[0] > 0


def test_warm_up_of_a_database_not_set_up_is_logged_not_raised(tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/empty.db", data_dir=tmp_path)
    warm_search_in_background(settings).join(timeout=60)
    assert "search not warmed" in caplog.text
