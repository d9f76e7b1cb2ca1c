"""What makes a password acceptable: hard to guess, judged by zxcvbn (Dropbox's estimator, which knows
common and leaked passwords, keyboard patterns, repeats, dates and names) against the account's own
email and name too. A refused password is never repeated back: problems about it carry no value.
"""

from __future__ import annotations

import re

from zxcvbn import zxcvbn

from schemas.messages import Problem

# zxcvbn's scores run 0-4; 3 is "safely unguessable" against online guessing with throttling
MIN_SCORE = 3
# zxcvbn's matching grows quickly with length; past this many characters a password is long enough
SCORED_CHARS = 64


def password_problems(password: str, *, email: str, display_name: str | None = None,
                      field: str = "password") -> list[Problem]:
    """Problems with ``password`` for the account of ``email`` (empty when it is acceptable)."""
    lowered = password.strip().lower()
    own = [email.lower(), *re.split(r"[@._+-]+", email.lower()), *(display_name or "").lower().split()]
    if lowered == email.lower() or lowered in {part for part in own if len(part) >= 4}:
        return [_weak(field, "มีแต่อีเมลหรือชื่อของบัญชีเอง", "it is the account's own email or name")]
    result = zxcvbn(password[:SCORED_CHARS], user_inputs=[part for part in own if part])
    if result["score"] < MIN_SCORE:
        return [_weak(field, "เป็นคำหรือรูปแบบที่ใช้กันทั่วไปหรือเคยรั่วไหล หรือมีอีเมลหรือชื่อของบัญชีอยู่ด้วย",
                      "it is a common or leaked password or pattern, or holds the account's email or name")]
    return []


def _weak(field: str, why_th: str, why_en: str) -> Problem:
    return Problem(
        field=field, code="weak_password",
        th=f"รหัสผ่านคาดเดาง่ายเกินไป ({why_th}) กรุณาใช้วลียาวที่ผู้อื่นเดาไม่ได้",
        en=f"The password is too easy to guess ({why_en}); use a longer phrase others cannot guess",
    )
