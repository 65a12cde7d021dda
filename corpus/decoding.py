"""Text files as users save them: UTF-8, UTF-16 ("Unicode" in Windows editors, with or without a byte-order
mark), UTF-32 with a mark, or Windows-1252 (older editors; Latin-1 is a part of it). Binary data is refused."""

from __future__ import annotations

import codecs
from pathlib import Path

from corpus.errors import UnreadableDocument

_BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_text(path: Path) -> str:
    """The file's text (`decode_text`); raises `UnreadableDocument` naming the file."""
    try:
        return decode_text(path.read_bytes())
    except ValueError as exc:
        raise UnreadableDocument(f"{path.name}: {exc}") from None


def decode_text(data: bytes) -> str:
    """Text in UTF-8, UTF-16 (what "Unicode" text editors save, with or without a byte-order mark) or UTF-32
    (with one), else Windows-1252 (what older editors save; Latin-1 is a part of it). Binary data (NUL bytes
    outside UTF-16's pattern) raises `ValueError`, saying why, as does anything else that is not text."""
    for bom, encoding in _BYTE_ORDER_MARKS:  # UTF-32's marks begin with UTF-16's: they are tried first
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise ValueError(f"marked as {encoding.upper()} text but not valid {encoding.upper()}") from None
    if b"\x00" in data:  # no UTF-8 or 8-bit text holds a NUL byte: UTF-16 without a mark, or not text at all
        unmarked = _unmarked_utf16(data)
        if unmarked is not None:
            try:
                return data.decode(unmarked)
            except UnicodeDecodeError:
                pass
        raise ValueError("not text (binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValueError("not valid UTF-8, UTF-16 or Windows-1252 text") from None


def _unmarked_utf16(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the NUL bytes sit where UTF-16 puts them: in text mostly of Latin script
    every character's high byte is NUL, the second byte of each pair (little-endian) or the first (big-endian),
    and the other byte almost never is. Binary data has NULs at both. (charset-normalizer's guess takes a
    short run of bytes with one NUL for UTF-16 too.)"""
    pairs = len(data) // 2
    if pairs == 0 or len(data) % 2:
        return None
    first, second = data[0::2].count(0), data[1::2].count(0)
    for high, low, encoding in ((second, first, "utf-16-le"), (first, second, "utf-16-be")):
        if high >= 0.3 * pairs and low <= 0.01 * pairs:
            return encoding
    return None
