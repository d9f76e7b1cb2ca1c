"""Sarabun, the Thai government's document typeface (OFL), shipped by the ``fontpkg-sarabun`` package from PyPI.

Embedded in the report's CSS, so the HTML prints and the PDF renders Thai the same on any machine, with no
system font installed.
"""

from __future__ import annotations

import base64
from functools import cache

import fontpkg_sarabun

FACES = (("Sarabun-Regular.ttf", "normal"), ("Sarabun-Bold.ttf", "bold"))


@cache
def font_face_css() -> str:
    rules = []
    for filename, weight in FACES:
        data = base64.b64encode((fontpkg_sarabun.ROOT / "files" / filename).read_bytes()).decode("ascii")
        rules.append(f"@font-face {{ font-family: 'Sarabun'; font-weight: {weight}; font-style: normal; "
                     f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}")
    return "\n".join(rules)
