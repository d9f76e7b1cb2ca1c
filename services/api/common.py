"""Responses every router documents: refusals as problem+json."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from schemas.messages import ProblemFields


class ProblemDetail(ProblemFields):
    """A problem as the API sends it: with ``message`` in the language the client asked for."""

    message: str


class ProblemResponse(BaseModel):
    """RFC 9457 problem details; ``errors`` names each offending field, in Thai and English."""

    type: str
    title: str
    status: int
    errors: list[ProblemDetail]


Responses = dict[int | str, dict[str, Any]]
DESCRIPTIONS = {400: "Bad request", 401: "Sign in or send a token", 403: "Not allowed",
                404: "Not found (or not visible to you)", 409: "Taken by another record (a name, title or email)",
                412: "Changed since you read it (If-Match)", 413: "Too large", 415: "Wrong content type",
                422: "Invalid input, each field named", 428: "If-Match required",
                429: "Too many requests or failed sign-ins (Retry-After)"}


def problem_responses(*statuses: int) -> Responses:
    return {status: {"model": ProblemResponse, "description": DESCRIPTIONS.get(status, "Problem"),
                     "content": {"application/problem+json": {}}} for status in statuses}


def content_responses(*media_types: str, description: str = "The document") -> Responses:
    """A 200 answered in any of ``media_types`` (files and open formats rather than JSON)."""
    return {200: {"description": description, "content": {media: {} for media in media_types}}}


class CkanErrorResponse(BaseModel):
    """CKAN's error envelope (``success`` false), so ckanapi raises what it raises for CKAN itself."""

    help: str
    success: bool
    error: dict[str, Any]


def ckan_responses(*statuses: int) -> Responses:
    return {status: {"model": CkanErrorResponse, "description": DESCRIPTIONS.get(status, "Problem")}
            for status in statuses}


# what any route may answer: an unknown or expired token (401), a parameter that is not storable text (422)
EVERY_ROUTE = problem_responses(401, 422)
READ_ERRORS = problem_responses(401, 403, 404, 422)
WRITE_ERRORS = problem_responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 428)
CKAN_ERRORS = ckan_responses(400, 401, 403, 404, 409, 413)  # CKAN answers invalid input with 409
