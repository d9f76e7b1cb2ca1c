"""The API documentation pages (/docs: Swagger UI, /redoc: ReDoc), with every asset served by Banchi itself.

FastAPI's own pages load Swagger UI and ReDoc from a CDN and start them with an inline script, which the
site's Content-Security-Policy (``services.api.headers``) forbids. Here the assets come from the
``fastapi-offline`` package (it ships Swagger UI's and ReDoc's builds as package data) under
``/api-docs/``, and Swagger UI is started by ``static/swagger-init.js``. ReDoc's build asks ReDoc's CDN
for its attribution logo; it is served with that address pointed at Banchi's own icon.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from services.api.headers import REDOC_CSP

ASSETS = "/api-docs"
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
OWN_STATIC = Path(__file__).parent / "static"


def _page(title: str, head: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<link rel="icon" href="{ASSETS}/favicon.png">\n{head}</head>\n<body>\n{body}</body>\n</html>\n')


@cache
def _redoc_bundle() -> bytes:
    """ReDoc's build with its one outside request (the attribution logo, from ReDoc's CDN) pointed here."""
    bundle = resources.files("fastapi_offline").joinpath("static/redoc.standalone.js").read_bytes()
    return bundle.replace(REDOC_LOGO, f"{ASSETS}/favicon.png".encode())


def install_docs(app: FastAPI) -> None:
    """Serve /docs and /redoc (the app is made with ``docs_url=None, redoc_url=None``)."""
    @app.get(f"{ASSETS}/redoc.standalone.js", include_in_schema=False)
    def redoc_script() -> Response:
        return Response(_redoc_bundle(), media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=86400"})

    app.mount(ASSETS, StaticFiles(directory=OWN_STATIC, packages=[("fastapi_offline", "static")]), name="api-docs")
    openapi_url = app.openapi_url or "/openapi.json"
    title = f"{app.title} API"
    swagger = _page(title, f'<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">\n',
                    f'<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>\n'
                    f'<script src="{ASSETS}/swagger-ui-bundle.js"></script>\n'
                    f'<script src="{ASSETS}/swagger-init.js"></script>\n')
    redoc = _page(title, "", f'<redoc spec-url="{openapi_url}"></redoc>\n'
                             f'<script src="{ASSETS}/redoc.standalone.js"></script>\n')

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger)

    @app.get("/redoc", include_in_schema=False)
    def redoc_page() -> HTMLResponse:
        # ReDoc styles itself with <style> elements it writes (styled-components) and searches in a worker
        return HTMLResponse(redoc, headers={"Content-Security-Policy": REDOC_CSP})
