"""The context every action runs in: one transaction, the acting person, the clock and the profile.

As in CKAN's action layer, the CLI, the API and the web pages all call the same actions through a
context; an action never commits by itself, so several actions can form one all-or-nothing change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from catalog.errors import AlreadyTaken, ValidationFailed
from catalog.links import current_base_url, link_base
from catalog.models.types import utcnow
from catalog.settings import Settings, get_settings
from schemas.messages import problem
from schemas.profile import Profile, load_profile
from schemas.text import unstorable_places


@dataclass(frozen=True)
class Actor:
    """Who acts. ``roles`` maps organization id → role names (filled in by the accounts layer).

    ``evaluator_years`` are the fiscal years (Buddhist Era) the account evaluates for every agency;
    ``scopes`` limit what a personal token may do (None: a password login or the CLI, unrestricted);
    ``token_id`` is the token (or web session) the request came with, so changing a password can keep it.
    """

    name: str
    person_id: str | None = None
    sysadmin: bool = False
    roles: dict[str, frozenset[str]] = field(default_factory=dict)
    account_id: str | None = None
    evaluator_years: frozenset[int] = frozenset()
    scopes: frozenset[str] | None = None
    token_id: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.sysadmin or self.account_id is not None


SYSTEM = Actor(name="system", sysadmin=True)
ANONYMOUS = Actor(name="anonymous")


@dataclass
class Context:
    session: Session
    actor: Actor
    settings: Settings
    clock: Callable[[], dt.datetime] = utcnow
    # the base URL of the request this context serves (None on the command line): see ``catalog.links``
    base_url: str | None = field(default_factory=current_base_url)

    def now(self) -> dt.datetime:
        return self.clock()

    @property
    def site_url(self) -> str:
        """What Banchi's own links start with: ``BANCHI_SITE_URL`` if set, else the request's base URL, else ""
        (links are then paths from the site's root)."""
        return link_base(self.settings, self.base_url)

    @property
    def profile(self) -> Profile:
        return load_profile(self.settings.profile)

    def profile_for(self, profile_id: str) -> Profile:
        return load_profile(profile_id)


@contextmanager
def open_context(
    actor: Actor = SYSTEM,
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    clock: Callable[[], dt.datetime] = utcnow,
) -> Iterator[Context]:
    """One transaction: committed when the block ends normally, rolled back on any exception.

    A unique constraint that two concurrent writers raced for is reported as :class:`AlreadyTaken`
    (naming the field), whether the database noticed it at a flush or at the commit.
    """
    from catalog.db import engine_for

    settings = settings or get_settings()
    engine = engine or engine_for(settings.effective_database_url)
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield Context(session=session, actor=actor, settings=settings, clock=clock)
    except IntegrityError as exc:  # two writers raced for one unique value: name it, as a check would
        taken = AlreadyTaken.from_integrity_error(exc)
        if taken is None:
            raise
        raise taken from exc


@event.listens_for(Session, "before_flush")
def _refuse_unstorable_text(session: Session, _context: object, _instances: object) -> None:
    """No record keeps a NUL character or a lone surrogate, whichever interface brought it (a multipart
    field, a workbook, the command line): refused naming the field, the same on both databases."""
    places: list[str] = []
    for record in [*session.new, *session.dirty]:
        state = inspect(record)
        for attribute in state.mapper.column_attrs:
            value = state.dict.get(attribute.key)
            if value is not None and not isinstance(value, int | float | bool):
                places.extend(place.removeprefix("extras.") for place in unstorable_places(value, attribute.key))
    if places:
        raise ValidationFailed([problem("invalid_characters", place) for place in dict.fromkeys(places)])
