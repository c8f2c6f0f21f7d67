"""The entity-declaration guard for feeds and sitemaps. Pure: bytes in, a refusal or nothing.

Entity declarations have no business in a feed or sitemap and are how "billion laughs" bombs
work; refusing them outright is simpler than trusting every parser's limits. The guard reads
what the parser would read: the document is decoded first (byte-order mark, UTF-16/32 without
one, the declared encoding, EBCDIC), and the whole prolog (everything before the root element)
is looked at, however long, so neither padding nor an encoding trick hides a declaration.
"""

from __future__ import annotations

import codecs
import re

from bot.errors import SourceError
from bot.text.controls import wide_codec

_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_EBCDIC_XML = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC
ENTITY_REFUSAL = "refused: the document declares XML entities (possible entity bomb)"


def readings(content: bytes) -> list[str]:
    """The document decoded every way a parser might read it (errors replaced)."""
    codecs_to_try: list[str] = []
    wide = wide_codec(content)
    if wide is not None:
        codecs_to_try.append(wide)
    elif content.startswith(_EBCDIC_XML):
        codecs_to_try.append("cp037")
    if content.startswith(codecs.BOM_UTF8):
        codecs_to_try.append("utf-8-sig")
    first = _decode(content, codecs_to_try[0] if codecs_to_try else "utf-8")
    declared = _DECLARED.match(first.lstrip("\ufeff")[:1024])
    if declared:
        codecs_to_try.append(declared.group(1))
    codecs_to_try.append("utf-8")
    texts: dict[str, None] = {}
    for name in codecs_to_try:
        texts.setdefault(_decode(content, name), None)
    return list(texts)


def _decode(content: bytes, name: str) -> str:
    try:
        return content.decode(name, errors="replace")
    except (LookupError, ValueError):
        return content.decode("utf-8", errors="replace")


def check_prolog(text: str) -> None:
    """Refuse entity declarations and inline DTDs anywhere before the root element."""
    pos, end = 0, len(text)
    while True:
        lt = text.find("<", pos)
        if lt < 0:
            return
        if text.startswith("<?", lt):
            close = text.find("?>", lt + 2)
            pos = end if close < 0 else close + 2
        elif text.startswith("<!--", lt):
            close = text.find("-->", lt + 4)
            pos = end if close < 0 else close + 3
        elif text[lt : lt + 9].upper() == "<!DOCTYPE":
            pos = _skip_doctype(text, lt + 9)
        elif text.startswith("<!", lt):  # <!ENTITY (or any declaration) outside a DOCTYPE
            raise SourceError(ENTITY_REFUSAL)
        else:
            return  # the root element: the prolog is over


def _skip_doctype(text: str, at: int) -> int:
    """Where a DOCTYPE without an internal subset ends; an internal subset is refused."""
    i = at
    while i < len(text):
        c = text[i]
        if c in "\"'":
            close = text.find(c, i + 1)
            i = len(text) if close < 0 else close + 1
            continue
        if c == "[":  # the internal subset: where entities are declared
            raise SourceError(ENTITY_REFUSAL)
        if c == ">":
            return i + 1
        i += 1
    return i


def refuse_entities(content: bytes) -> None:
    """A `SourceError` when the document declares entities (in any reading of it)."""
    for text in readings(content):
        check_prolog(text)
