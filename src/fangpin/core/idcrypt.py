"""ID numbers at rest: encrypted for reading back, and a keyed hash for exact lookup.

One 256-bit master key, from `FANGPIN_ID_KEY` (64 hex digits; a Django setting of the same
name wins, for tests). Without it, a key is generated once and kept in `DATA_DIR/id.key`
(mode 0600), so `fangpin demo` and `serve` need no setup; production sets the variable and
keeps the key away from the database and its backups.

Two keys are derived from it (HMAC-SHA256 over a label), so neither use weakens the other:
- encryption: AES-256-GCM (authenticated) with a random 96-bit nonce per value, stored as
  text `v1:<base64 of nonce + ciphertext + tag>`; a wrong key fails the tag check and raises
  `IdKeyMismatch` instead of returning garbage;
- lookup: `sha256(lookup_key_hex || id_number)` as 64 hex digits. HMAC would be the textbook
  choice, but the screening engines must compute the same hash in SQL over every department
  row, and DuckDB has `sha256()` but no HMAC (Spark spells it `sha2(x, 256)`). With a secret
  256-bit prefix the plain construction is a sound keyed hash here: length extension only
  yields hashes of longer inputs, which are never ID numbers. The hash is deterministic, so
  an equal number gives an equal hash (the unique index and joins work) while a reader of the
  database file cannot test candidate numbers without the key.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1:"
KEY_FILE = "id.key"
_HEX_KEY = re.compile(r"^[0-9a-fA-F]{64}$")
_AAD = b"fangpin.person.id_number"


class IdKeyMismatch(RuntimeError):
    """A stored ID number cannot be decrypted with the configured key."""

    def __init__(self) -> None:
        super().__init__(
            "身份证号无法解密:当前密钥与加密时所用的密钥不同,请检查环境变量 FANGPIN_ID_KEY"
            "(或数据目录中的 id.key)"
        )


def _master_hex() -> str:
    configured = getattr(settings, "FANGPIN_ID_KEY", None) or os.environ.get("FANGPIN_ID_KEY")
    if configured:
        if not _HEX_KEY.match(configured.strip()):
            raise ImproperlyConfigured("FANGPIN_ID_KEY 应为64位十六进制数字(256位密钥)")
        return configured.strip().lower()
    return _key_file(Path(settings.DATA_DIR) / KEY_FILE)


@functools.cache
def _key_file(path: Path) -> str:
    """The key kept in `path`, made (0600, in a 0700 directory if new) on first use."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: read theirs
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(os.urandom(32).hex() + "\n")
    text = path.read_text().strip()
    if not _HEX_KEY.match(text):
        raise ImproperlyConfigured(f"{path} 中的身份证号密钥格式错误(应为64位十六进制数字)")
    return text.lower()


@functools.cache
def _derived(master_hex: str) -> tuple[AESGCM, str]:
    master = bytes.fromhex(master_hex)
    cipher_key = hmac.digest(master, b"fangpin id_number encryption v1", "sha256")
    lookup_key = hmac.digest(master, b"fangpin id_number lookup v1", "sha256")
    return AESGCM(cipher_key), lookup_key.hex()


def lookup_key() -> str:
    """The lookup key as 64 hex digits (what the engines put before a number to hash it)."""
    return _derived(_master_hex())[1]


def digest(number: str, key: str | None = None) -> str:
    """The keyed hash of a normalised 18-character ID number (64 hex digits)."""
    return hashlib.sha256(((key or lookup_key()) + number).encode()).hexdigest()


def encrypt(number: str) -> str:
    aead = _derived(_master_hex())[0]
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, number.encode(), _AAD)
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def encrypt_many(numbers: list[str]) -> list[str]:
    """`encrypt` for many numbers, reading the key once (bulk generation)."""
    aead = _derived(_master_hex())[0]
    urandom, seal, encode = os.urandom, aead.encrypt, base64.b64encode
    return [
        PREFIX + encode((n := urandom(12)) + seal(n, x.encode(), _AAD)).decode() for x in numbers
    ]


def decrypt(stored: str) -> str:
    if not is_encrypted(stored):
        raise IdKeyMismatch
    aead = _derived(_master_hex())[0]
    try:
        raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
        return aead.decrypt(raw[:12], raw[12:], _AAD).decode()
    except (InvalidTag, ValueError, binascii.Error):
        raise IdKeyMismatch from None


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)
