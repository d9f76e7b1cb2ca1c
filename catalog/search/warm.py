"""Warming a process's search before its first request: the facet table, the Thai word dictionary and
the rest a first search loads (the metadata profile, the modules that decide what is withheld).

Each is built on first use and kept for the life of the process. At 100,000 datasets the facet table
takes seconds to read (every index row and facet value); without this, the first search of every new
web process or worker paid for it (15 s at 100,000 datasets on this machine, a warm one 0.1 s). The
web start-up and the worker start it in a background thread, so they are not held up; a search
arriving before it is done waits for that one build (see ``facets.facet_table``) rather than starting
another.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.exc import SQLAlchemyError

from catalog.context import ANONYMOUS, open_context
from catalog.search import SearchQuery, search_datasets
from catalog.search.documents import FACET_KEYS
from catalog.settings import Settings

log = logging.getLogger("banchi.search")
# Thai words a query would hold: segmenting them loads PyThaiNLP's dictionary and builds its word trie
SAMPLE = "ข้อมูลสถิติจำนวนประชากร กรุงเทพมหานคร"


def warm_search(settings: Settings | None = None) -> float:
    """Search the configured database as the public does (words; browsing with every facet and a result),
    so that all a search loads is loaded; returns the seconds it took. It only reads."""
    started = time.perf_counter()
    with open_context(ANONYMOUS, settings=settings) as ctx:
        search_datasets(ctx, SearchQuery(q=SAMPLE, rows=0))
        search_datasets(ctx, SearchQuery(rows=1, facet_fields=list(FACET_KEYS)))
    return time.perf_counter() - started


def warm_search_in_background(settings: Settings | None = None) -> threading.Thread:
    """``warm_search`` in a daemon thread; a database not set up yet is logged, not raised."""

    def warm() -> None:
        try:
            seconds = warm_search(settings)
        except SQLAlchemyError:  # no database yet (``banchi init`` not run): the first search builds it
            log.warning("search not warmed: the database is not ready", exc_info=True)
            return
        log.info("search warmed (facet table, Thai word dictionary) in %.2f s", seconds)

    thread = threading.Thread(target=warm, name="banchi-search-warm-up", daemon=True)
    thread.start()
    return thread
