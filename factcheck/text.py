"""Reading an article from disk and normalising its text without moving any character offset."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from .errors import InputError
from .files import read_regular

MAX_ARTICLE_BYTES = 4 * 1024 * 1024
"""Articles are a few kilobytes; anything over 4 MiB is a wrong file, not an article."""

_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))
_LEGACY_ENCODINGS = ("gb18030", "big5")


@dataclass(frozen=True)
class Article:
    """An article as decoded: offsets in claims point into `text`."""

    path: str
    text: str
    encoding: str
    sha256: str


def read_article(path: str | Path, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read and decode an article file, raising InputError with a one-line reason."""
    p = Path(path)
    return article_from_bytes(read_regular(p, max_bytes, "an article"), str(p))


def article_from_bytes(data: bytes, name: str, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Decode an article given as bytes (standard input, an upload) under the limits of a file."""
    if len(data) > max_bytes:
        raise InputError(
            f"{name}: {len(data)} bytes is over the {max_bytes}-byte limit for an article"
        )
    text, encoding = decode_text(data, name)
    return Article(name, text, encoding, hashlib.sha256(data).hexdigest())


def decode_text(data: bytes, name: str = "input") -> tuple[str, str]:
    """Decode article bytes: BOM, then strict UTF-8, then GB18030 or Big5 (whichever reads best)."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    for encoding, bom in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data, encoding, name), name), encoding
    if b"\x00" in data:
        raise InputError(f"{name}: looks like a binary file (NUL bytes), not text")
    try:
        return _checked(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data):
            raise InputError(
                f"{name}: not valid UTF-8 at byte {exc.start} ({exc.reason}), "
                "though the rest of the file is UTF-8"
            ) from None
    fits = [enc for enc in _LEGACY_ENCODINGS if _decodes(data, enc)]
    if not fits:
        raise InputError(f"{name}: not valid UTF-8, GB18030 or Big5 text")
    if len(fits) > 1:
        best = from_bytes(data, cp_isolation=list(fits)).best()
        fits = [best.encoding] if best is not None else fits
    encoding = "big5" if fits[0].startswith("big5") else fits[0]
    return _checked(data.decode(encoding), name), encoding


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding, errors="strict")
    except UnicodeDecodeError as exc:
        label = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise InputError(
            f"{name}: not valid {label} (as its byte order mark says) at byte {exc.start} "
            f"({exc.reason})"
        ) from None


def _mostly_utf8(data: bytes) -> bool:
    # Legacy Chinese encodings almost never form valid multi-byte UTF-8 sequences: a file whose
    # non-ASCII text is nearly all valid UTF-8 is UTF-8 with a few bad bytes, not GB18030.
    decoded = data.decode("utf-8", errors="surrogateescape")
    bad = sum(1 for ch in decoded if "\udc80" <= ch <= "\udcff")
    good = sum(1 for ch in decoded if ord(ch) > 0x7F and not "\udc80" <= ch <= "\udcff")
    return good >= 8 and bad * 20 <= good


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _checked(text: str, name: str) -> str:
    # Control characters other than line breaks and tabs mean a binary file that happened to decode.
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f")
    if controls > max(2, len(text) // 100):
        raise InputError(f"{name}: looks like a binary file, not text")
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    return text


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified script, guaranteed to keep the length (falls back char by char)."""
    converted: str = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    out = []
    for ch in text:
        one: str = _t2s().convert(ch)
        out.append(one if len(one) == 1 else ch)
    return "".join(out)


class _OneCharFold(dict[int, int]):
    """str.translate table, filled on first sight: a character's NFKC form when that is one
    character (full-width digits and punctuation), else the character itself."""

    def __missing__(self, code: int) -> int:
        folded = unicodedata.normalize("NFKC", chr(code))
        self[code] = ord(folded) if len(folded) == 1 else code
        return self[code]


_FOLD = _OneCharFold()


def normalize(text: str) -> str:
    """Full-width → half-width (NFKC per character) and Traditional → Simplified, same length.

    Every character maps to exactly one character, so an offset into the result is an offset into
    the original: extraction runs on this form and reports spans of the original.
    """
    return to_simplified(text.translate(_FOLD))


# C0 and C1 controls, DEL, and the bidirectional overrides and isolates ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """text without control characters that a terminal would act on (tabs and line breaks stay)."""
    return _UNSAFE.sub("", text)


def escape_controls(text: str) -> str:
    """text with those characters written as \\uXXXX, visible and still valid inside JSON strings."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
