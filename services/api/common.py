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


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {400: "Bad request", 401: "Sign in or send a token", 403: "Not allowed",
                    404: "Not found (or not visible to you)", 412: "Changed since you read it (If-Match)",
                    413: "Too large", 415: "Wrong content type", 422: "Invalid input, each field named",
                    428: "If-Match required", 429: "Too many attempts"}
    return {status: {"model": ProblemResponse, "description": descriptions.get(status, "Problem"),
                     "content": {"application/problem+json": {}}} for status in statuses}


READ_ERRORS = problem_responses(401, 404, 422)
WRITE_ERRORS = problem_responses(400, 401, 403, 404, 412, 413, 415, 422, 428)
