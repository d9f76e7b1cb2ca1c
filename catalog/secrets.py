"""Secrets kept at rest (portals' API keys): encrypted with Fernet (AES-128-CBC and HMAC-SHA256).

The key is ``BANCHI_SECRET_KEY`` when set (every process of a deployment must share it), otherwise a
file ``secret.key`` in the data directory, made on first use readable by its owner only. Losing the key
loses the stored API keys (register the portals again); the database alone does not reveal them.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from catalog.errors import ValidationFailed
from catalog.settings import Settings
from schemas.messages import problem

KEY_FILE = "secret.key"


def _key(settings: Settings) -> bytes:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    path = settings.data_dir / KEY_FILE
    if not path.exists():
        _create(path)
    return path.read_bytes().strip()


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: two processes starting at once keep one key
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(handle, "wb") as out:
        out.write(Fernet.generate_key())


def encrypt_secret(settings: Settings, secret: str) -> str:
    return Fernet(_key(settings)).encrypt(secret.encode()).decode()


def decrypt_secret(settings: Settings, token: str) -> str:
    """The secret, or a bilingual problem when the key it was stored with is gone."""
    try:
        return Fernet(_key(settings)).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValidationFailed([problem("secret_unreadable", "api_key")]) from None
