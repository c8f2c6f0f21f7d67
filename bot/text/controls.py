"""Control characters out of markup before it is parsed. Pure; no parsing here.

A page or feed may carry raw C0 control characters or character references to them (`&#27;`,
`&#x1F;`), which XML forbids and which make lxml (under trafilatura and the feed parsers)
drop the text around them. Both become a space; tab, newline and carriage return stay.
References that name no character at all (`&#0;`, surrogates, beyond U+10FFFF) go too.
"""

from __future__ import annotations

import codecs
import re
from typing import overload

_REF = r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?"
_REF_STR = re.compile(_REF)
_REF_BYTES = re.compile(_REF.encode())
_C0 = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
_C0_STR = str.maketrans(dict.fromkeys(_C0, " "))
_C0_BYTES = bytes.maketrans(_C0.encode(), b" " * len(_C0))
# Encodings in which a C0 byte is not (only) a control character.
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _allowed(hex_digits: str | None, digits: str | None) -> bool:
    """Whether a numeric character reference names a character XML allows."""
    raw = hex_digits if hex_digits is not None else digits or ""
    if len(raw.lstrip("0")) > 8:
        return False
    code = int(raw, 16 if hex_digits is not None else 10)
    if code in (0x9, 0xA, 0xD):
        return True
    return (
        0x20 <= code <= 0x10FFFF
        and not 0xD800 <= code <= 0xDFFF
        and code
        not in (
            0xFFFE,
            0xFFFF,
        )
    )


def _ref_str(match: re.Match[str]) -> str:
    return match.group() if _allowed(match.group(1), match.group(2)) else " "


def _ref_bytes(match: re.Match[bytes]) -> bytes:
    hex_digits, digits = match.group(1), match.group(2)
    ok = _allowed(
        hex_digits.decode() if hex_digits is not None else None,
        digits.decode() if digits is not None else None,
    )
    return match.group() if ok else b" "


def is_wide(content: bytes) -> bool:
    """UTF-16 or UTF-32 (by byte-order mark or the NUL bytes around a leading `<`)."""
    head = content[:4]
    return head.startswith(_WIDE_BOMS) or (len(head) >= 2 and (head[0] == 0 or head[1] == 0))


@overload
def strip_controls(content: str) -> str: ...
@overload
def strip_controls(content: bytes) -> bytes | str: ...
def strip_controls(content: bytes | str) -> bytes | str:
    """Markup without control characters or references to them. Bytes in an ASCII-compatible
    encoding stay bytes (the parser still reads their declared charset); UTF-16/32 bytes are
    decoded first, since their NUL bytes are not controls."""
    if isinstance(content, bytes):
        if is_wide(content):
            text = content.decode(_wide_codec(content), errors="replace")
            return _REF_STR.sub(_ref_str, text.lstrip("\ufeff")).translate(_C0_STR)
        return _REF_BYTES.sub(_ref_bytes, content).translate(_C0_BYTES)
    return _REF_STR.sub(_ref_str, content).translate(_C0_STR)


def _wide_codec(content: bytes) -> str:
    head = content[:4]
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head[:3] == b"\0\0\0" or head[1:4] == b"\0\0\0":
        return "utf-32-be" if head[0] == 0 else "utf-32-le"
    return "utf-16-be" if head[0] == 0 else "utf-16-le"


def wide_codec(content: bytes) -> str | None:
    """The UTF-16/32 codec the bytes are in, or None for an ASCII-compatible encoding."""
    return _wide_codec(content) if is_wide(content) else None
