"""Unguessable one-time codes for deep links; only their hash is stored."""

from __future__ import annotations

import hashlib
import re
import secrets

# Telegram's deep-link payload: up to 64 characters of A-Z, a-z, 0-9, _ and -.
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def new_code() -> str:
    return secrets.token_urlsafe(18)  # 144 bits, 24 characters


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def is_payload(text: str) -> bool:
    return bool(PAYLOAD.match(text))
