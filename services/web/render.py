"""Rendering pages: Jinja2 templates with the page language, the profile's labels and the form token."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.templating import Jinja2Templates

from catalog.context import ANONYMOUS, Actor
from catalog.settings import get_settings
from schemas.buddhist_era import bangkok_time, date_input_text, format_be_date, local_day, read_entered_date
from schemas.labels import value_label
from schemas.profile import InputKind, Profile, load_profile
from schemas.urls import safe_href
from services.web.flash import FLASH_COOKIE, take_flash
from services.web.i18n import LANG_COOKIE, language, requested_language, translate
from services.web.security import CSRF_FIELD, csrf_token, finish_cookies

TEMPLATES_DIR = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)
_env.filters["href"] = safe_href  # every link to an address people entered goes through it
_env.filters["date_input"] = date_input_text  # a date input shows the Buddhist Era (31/03/2564)
templates = Jinja2Templates(env=_env)
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


@dataclass
class Page:
    """What every template reads as ``page``: the language, the acting account and helpers in that language."""

    request: Request
    lang: str
    actor: Actor
    profile: Profile

    def t(self, key: str, **params: Any) -> str:
        return translate(self.lang, key, **params)

    def label(self, key: str, profile: Profile | None = None) -> str:
        """A GD Catalog field's label in the page language, from the metadata profile; a portal's own
        package field (``tags``, ``private``…) from the value labels."""
        profile = profile or self.profile
        if profile.field_spec(key) is not None:
            return profile.label(key, self.lang)
        tags = next((spec for spec in profile.dataset_fields if spec.input is InputKind.tags), None)
        if key == "tags" and tags is not None:
            return tags.label.get(self.lang)
        return value_label("portal_field", key, self.lang)

    def term(self, key: str, value: Any, profile: Profile | None = None) -> str:
        """A stored value shown as people read it in the page language (vocabulary labels, yes/no, lists)."""
        return (profile or self.profile).display_value(key, value, self.lang)

    def word(self, kind: str, key: Any) -> str:
        """A stored key (a state, a job kind, a gate…) by its label in the page language (schemas.labels)."""
        return value_label(kind, key, self.lang)

    def date(self, value: Any) -> str:
        """A stored ISO date (or moment) as people read it: Buddhist Era in Thai."""
        if value in (None, ""):
            return ""
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
            except ValueError:
                try:  # a date as a person typed it (31/03/2564), shown back for them to confirm
                    value = read_entered_date(value)
                except ValueError:
                    return value
        day = local_day(value)  # a moment is shown as the day it was in Bangkok, not in UTC
        if self.lang == "th":
            return format_be_date(day)
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"

    def moment(self, value: dt.datetime | None) -> str:
        """A stored UTC moment as people read it: the day (Buddhist Era in Thai) and time in Asia/Bangkok."""
        if value is None:
            return ""
        local = bangkok_time(value)
        return f"{self.date(local.date())} {local:%H:%M:%S}"

    def switch_url(self) -> str:
        """This page in the other language."""
        other = "en" if self.lang == "th" else "th"
        params = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"] + [("lang", other)]
        return f"{self.request.url.path}?{urlencode(params)}"

    @property
    def csrf_field(self) -> str:
        return CSRF_FIELD

    @property
    def csrf(self) -> str:
        return csrf_token(self.request)


def page_for(request: Request) -> Page:
    actor = getattr(request.state, "actor", None) or ANONYMOUS
    return Page(request=request, lang=language(request), actor=actor, profile=load_profile(get_settings().profile))


def render(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    page = page_for(request)
    flash = take_flash(request, page.lang)
    values = {"page": page, "t": page.t, "label": page.label, "term": page.term, "flash": flash, **(context or {})}
    response = templates.TemplateResponse(request, template, values, status_code=status, headers=headers)
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
    response.headers["Content-Language"] = page.lang
    chosen = requested_language(request)
    if chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax", path="/")
    finish_cookies(request, response)
    return response
