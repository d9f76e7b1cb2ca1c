"""The whole Banchi site: the API application (``services.api.app``, its routes unchanged) with the
portal's pages and their static files added. ``banchi serve`` runs this factory."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from services.api.app import create_app
from services.web.errors import install_page_errors

STATIC_DIR = Path(__file__).parent / "static"
# each module's ``router`` is included in this order (fixed paths such as /dataset/new before /dataset/{name})
ROUTERS = ("session", "workspace", "datasets_edit", "resources", "dictionary", "report", "governance", "publish",
           "portals", "evaluation", "public")

# the lifecycle and task pages (issue 15): no path of theirs is matched by another's, so their place is free
TASK_ROUTERS = ("lifecycle", "accounts", "working_group", "catalog_import", "organization_edit")


def create_site() -> FastAPI:
    app = create_app()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for name in ROUTERS:
        app.include_router(importlib.import_module(f"services.web.routers.{name}").router)
    for name in TASK_ROUTERS:
        app.include_router(importlib.import_module(f"services.web.routers.{name}").router)
    install_page_errors(app)
    return app
