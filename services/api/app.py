"""The web application: the REST API, the CKAN-compatible API and the open metadata formats.

Routes call catalog actions and nothing else; every rule (permission, visibility, validation,
versions) is the catalog's. OpenAPI at ``/docs``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy.exc import SQLAlchemyError

from catalog.kept_files import sweep
from catalog.rate_limits import RateLimits
from catalog.scratch import remove_orphans
from catalog.search.warm import warm_search_in_background
from catalog.settings import get_settings
from services.api.base_url import RequestBaseURLMiddleware
from services.api.common import EVERY_ROUTE, ckan_responses, problem_responses
from services.api.docs import install_docs
from services.api.errors import install_error_handlers
from services.api.headers import SecurityHeadersMiddleware
from services.api.limits import BodyLimitMiddleware, rate_limited
from services.api.observe import ObserveMiddleware
from services.api.text import refuse_unstorable_parameters

log = logging.getLogger("banchi.api")

# each module's ``router`` is included in this order
ROUTERS = ("system", "auth", "accounts", "organizations", "datasets", "search", "governance", "evidence", "indicator",
           "dictionaries", "publishing", "portals", "jobs", "ckan", "exports")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start-up, remove the temporary uploads a killed process left (those in progress are held), and
    stored files nothing wants any more (copies kept for reports of replaced or deleted data); start
    warming the search (in the background: start-up does not wait for it)."""
    removed = remove_orphans(get_settings().effective_storage_dir)
    if removed:
        log.warning("removed %d temporary upload(s) left by a stopped process", len(removed))
    try:
        sweep()
    except SQLAlchemyError:  # no database yet (``banchi init`` not run): nothing is referred to, nothing to sweep
        log.warning("stored files not swept: the database is not ready", exc_info=True)
    warm_search_in_background()  # the facet table and Thai dictionary, before the first search asks
    yield


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=lifespan, docs_url=None, redoc_url=None,
        title="Banchi (บัญชีข้อมูล)",
        description="Data catalog and metadata registry for Thai government agencies. Errors are "
        "application/problem+json in Thai or English (Accept-Language). Writes carry the ETag they "
        "edited in If-Match. Authenticate with `Authorization: Bearer <token>`.",
        version="0.1.0",
        dependencies=[Depends(refuse_unstorable_parameters), Depends(rate_limited)],
    )
    settings = get_settings()
    app.state.rate_limits = RateLimits(settings)
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, upload_limit=settings.max_upload_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestBaseURLMiddleware)
    install_docs(app)
    for name in ROUTERS:
        module = importlib.import_module(f"services.api.routers.{name}")
        # any request can be over its address's rate limit (the CKAN-compatible API answers in CKAN's envelope)
        over_limit = ckan_responses(429) if name == "ckan" else problem_responses(429)
        app.include_router(module.router, responses=EVERY_ROUTE | over_limit)
    app.add_middleware(ObserveMiddleware)  # added last, so outermost: request id, log line and latency cover all
    return app
