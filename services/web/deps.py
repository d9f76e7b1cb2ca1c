"""What the portal's routes depend on: the page's transaction, a signed-in account, a valid form token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from catalog.context import Context
from catalog.errors import NotFound, PermissionDenied
from schemas.messages import Problem, ProblemsError
from services.api.uploads import UploadRoute
from services.web.errors import CsrfRefused
from services.web.security import CSRF_FIELD, csrf_valid, page_context

T = TypeVar("T")


def _page_ctx(request: Request) -> Iterator[Context]:
    with page_context(request) as ctx:
        yield ctx


# one transaction per page, committed before the response is sent
PageCtx = Annotated[Context, Depends(_page_ctx, scope="function")]


@contextmanager
def _page_caller(request: Request) -> Iterator[Context]:
    with page_context(request) as ctx:
        if not ctx.actor.authenticated:
            raise PermissionDenied("login")  # the sign-in page, before the upload is read
        yield ctx


class PageUploadRoute(UploadRoute):
    """An upload form's route: the signed-in account and its right to the target are checked before the
    body is read (the form's own CSRF token is in the body, and is checked once it is)."""

    @staticmethod
    def caller(request: Request) -> Any:
        return _page_caller(request)


def signed_in(ctx: PageCtx) -> Context:
    """The page's context, for a signed-in account only (others are sent to the sign-in page)."""
    if not ctx.actor.authenticated:
        raise PermissionDenied("login")
    return ctx


MemberCtx = Annotated[Context, Depends(signed_in)]


async def check_csrf(request: Request) -> None:
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    if not csrf_valid(request, submitted if isinstance(submitted, str) else None):
        raise CsrfRefused()


CSRF = Depends(check_csrf)


def attempt(request: Request, action: Callable[[Context], T]) -> tuple[T | None, list[Problem]]:
    """Run a form's action in its own transaction as the signed-in account.

    Bad input comes back as problems to show beside the fields (nothing was written); not found and not
    allowed go on to the error pages.
    """
    try:
        with page_context(request) as ctx:
            if not ctx.actor.authenticated:
                raise PermissionDenied("login")
            return action(ctx), []
    except (NotFound, PermissionDenied):
        raise
    except ProblemsError as exc:
        return None, exc.problems


def problem_status(problems: list[Problem]) -> int:
    """422 for bad input; 413 when what was refused is a file over the upload limit."""
    return 413 if any(p.code == "file_too_large" for p in problems) else 422
