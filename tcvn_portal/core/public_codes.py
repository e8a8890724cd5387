"""Codes that anonymous people type or scan (stamp serials, certificate check codes).

A public page has no logged-in tenant, yet every row sits behind PostgreSQL RLS. So the code itself names
its tenant, and a keyed MAC makes a forged or altered code fail before any database hit:

    code = base32( tenant id (2 bytes) | random (8 bytes, 64 bits) | HMAC-SHA256(kind, …)[:2] )

20 characters of [A-Z2-7], inside GS1's 82-character set and its 20-character limit for a serial.
Guessing a live code means guessing 64 random bits; the MAC only turns away forgeries cheaply.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings

_RANDOM_BYTES = 8
_MAC_BYTES = 2
CODE_LENGTH = 20


@dataclass(frozen=True)
class PublicCode:
    tenant_id: int
    code: str


def _mac(kind: str, payload: bytes) -> bytes:
    key = hashlib.sha256(f"tcvn-public-code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, kind.encode() + b"|" + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def make_code(*, kind: str, tenant_id: int) -> str:
    """A fresh unguessable code of `kind` (e.g. "stamp", "certificate") for the tenant."""
    if not 0 < tenant_id < 2**16:
        raise ValueError("tenant id out of range for a public code")
    payload = tenant_id.to_bytes(2, "big") + secrets.token_bytes(_RANDOM_BYTES)
    return base64.b32encode(payload + _mac(kind, payload)).decode().rstrip("=")


def make_codes(*, kind: str, tenant_id: int, count: int) -> list[str]:
    """Many codes at once (a million stamps): the same as make_code, without per-call overhead."""
    if not 0 < tenant_id < 2**16:
        raise ValueError("tenant id out of range for a public code")
    key = hashlib.sha256(f"tcvn-public-code:{settings.SECRET_KEY}".encode()).digest()
    prefix = tenant_id.to_bytes(2, "big")
    kind_bytes = kind.encode() + b"|"
    randoms = secrets.token_bytes(_RANDOM_BYTES * count)
    codes = []
    for i in range(count):
        payload = prefix + randoms[i * _RANDOM_BYTES : (i + 1) * _RANDOM_BYTES]
        mac = hmac.new(key, kind_bytes + payload, hashlib.sha256).digest()[:_MAC_BYTES]
        codes.append(base64.b32encode(payload + mac).decode().rstrip("="))
    return codes


def read_code(code: str, *, kind: str) -> PublicCode | None:
    """The tenant a genuine-looking code belongs to; None for anything malformed or forged."""
    if not isinstance(code, str) or len(code) != CODE_LENGTH:
        return None
    try:
        raw = base64.b32decode(code.upper() + "====", casefold=False)
    except (ValueError, base64.binascii.Error):
        return None
    if base64.b32encode(raw).decode().rstrip("=") != code.upper():
        return None  # the last character's spare bits must be zero: one code, one spelling
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    if not hmac.compare_digest(mac, _mac(kind, payload)):
        return None
    tenant_id = int.from_bytes(payload[:2], "big")
    return PublicCode(tenant_id=tenant_id, code=code.upper()) if tenant_id else None
