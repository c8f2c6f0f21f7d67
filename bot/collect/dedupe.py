"""Deciding what is the same article: canonical URLs, content hashes, near-duplicate
signatures (MinHash) and the salient terms that group related coverage into stories.

Pure functions: no I/O, no clock, no global state. Every value is deterministic across
processes and machines (crc32 and sha256, never the salted built-in `hash()`), because
hashes, signatures and terms are stored and compared with those of later runs. Nothing here
raises on odd input: a garbage URL comes back stripped, an empty text gets a signature that
matches only other empty texts.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import heapq
import re
import string
import struct
import unicodedata
import zlib
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import SplitResult, quote, unquote_plus, urlsplit

from bot.text.urls import display_url as display_url
from bot.text.urls import is_tracking as _is_tracking

# -- canonical URLs ------------------------------------------------------------------------

_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_HEX = frozenset(string.hexdigits)
# Characters left as they are (besides unreserved ones) inside a path segment and inside a
# query parameter's name or value; `&` never appears raw in a parameter (it separates them).
_PATH_SAFE = frozenset("!$&'()*+,;=:@")
_QUERY_SAFE = frozenset("!$'()*+,;=:@/?")
_AMP_CACHE = re.compile(r"^/(?:[a-z]{1,2}/)*(s/)?(.+)$")
_GOOGLE_HOST = re.compile(r"^(?:www\.)?google\.[a-z]{2,3}(?:\.[a-z]{2})?$")


def _normalise_escapes(part: str, safe: frozenset[str]) -> str:
    """Percent-encoding normalised (RFC 3986 §6.2.2): escapes of unreserved characters
    decoded, other escapes upper-cased, characters that may not appear raw (spaces,
    non-ASCII) encoded as UTF-8, and a stray `%` escaped."""
    out: list[str] = []
    i = 0
    while i < len(part):
        ch = part[i]
        if ch == "%":
            hexpair = part[i + 1 : i + 3]
            if len(hexpair) == 2 and _HEX.issuperset(hexpair):
                decoded = chr(int(hexpair, 16))
                out.append(decoded if decoded in _UNRESERVED else "%" + hexpair.upper())
                i += 3
                continue
            out.append("%25")
        elif ch in _UNRESERVED or ch in safe:
            out.append(ch)
        else:
            out.append(quote(ch, safe="", errors="replace"))
        i += 1
    return "".join(out)


def _canonical_path(path: str) -> str:
    segments: list[str] = []
    for raw in path.split("/"):
        segment = _normalise_escapes(raw, _PATH_SAFE)
        if segment in ("", "."):
            continue  # duplicate and trailing slashes collapse
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    # AMP variants of an article: /amp/story, /story/amp, /story.amp.html, /story.amp
    if segments and segments[0].lower() == "amp":
        segments = segments[1:]
    if segments and segments[-1].lower() == "amp":
        segments = segments[:-1]
    if segments:
        last = segments[-1]
        if last.lower().endswith(".amp.html"):
            segments[-1] = last[: -len(".amp.html")] + ".html"
        elif last.lower().endswith(".amp") and len(last) > len(".amp"):
            segments[-1] = last[: -len(".amp")]
    return "/" + "/".join(segments)


def _canonical_query(query: str) -> str:
    kept: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, eq, value = piece.partition("=")
        if _is_tracking(unquote_plus(name), unquote_plus(value)):
            continue
        kept.append(
            (_normalise_escapes(name, _QUERY_SAFE), eq + _normalise_escapes(value, _QUERY_SAFE))
        )
    kept.sort(key=lambda item: item[0])  # stable: a repeated parameter keeps its values' order
    return "&".join(name + rest for name, rest in kept)


def _canonical_host(parts: SplitResult) -> str | None:
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c.isspace() or c in '<>"{}|\\^`' for c in host):
        return None
    if not host.isascii():
        # An invalid internationalised name is kept as written (lower-cased).
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    stripped = True
    while stripped:
        stripped = False
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix) :]
                stripped = True
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    port = parts.port  # ValueError on a non-numeric or out-of-range port
    default = 80 if parts.scheme.lower() == "http" else 443
    return host if port in (None, default) else f"{host}:{port}"


def _unwrap_amp(parts: SplitResult) -> str | None:
    """The publisher's URL inside a Google AMP cache or AMP viewer URL, if this is one."""
    host = (parts.hostname or "").lower()
    path = parts.path
    if _GOOGLE_HOST.match(host) and path.startswith("/amp/"):
        path = path[len("/amp") :]
    elif not host.endswith(".cdn.ampproject.org"):
        return None
    match = _AMP_CACHE.match(path)
    if match is None:
        return None
    query = f"?{parts.query}" if parts.query else ""
    return f"{'https' if match.group(1) else 'http'}://{match.group(2)}{query}"


def canonical_url(url: str) -> str:
    """The URL that identifies an article: https, bare host, no tracking, no AMP, sorted query.

    Anything that is not http(s) comes back stripped and otherwise unchanged (a file: URL
    loses its fragment); so does anything that cannot be parsed. Never raises.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file":
            return url.split("#", 1)[0]
        if scheme not in ("http", "https"):
            return url
        unwrapped = _unwrap_amp(parts)
        if unwrapped is not None:
            return canonical_url(unwrapped)
        netloc = _canonical_host(parts)
        if netloc is None:
            return url
        query = _canonical_query(parts.query)
        return f"https://{netloc}{_canonical_path(parts.path)}" + (f"?{query}" if query else "")
    except ValueError:  # urlsplit and .port reject some garbage (UnicodeError is a ValueError)
        return url


# -- exact and near-duplicate content ------------------------------------------------------

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The text's words as hashes and sketches see them: NFKC, casefolded, punctuation gone."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def content_hash(text: str) -> str:
    """sha256 hex of the text's words: case, punctuation, quote style and spacing ignored."""
    return content_hash_of(words(text))


def content_hash_of(text_words: Sequence[str]) -> str:
    """`content_hash` of a text already split by `words`."""
    return hashlib.sha256(" ".join(text_words).encode()).hexdigest()


def _shingles(text_words: Sequence[str], size: int = 3) -> set[int]:
    seq = list(text_words)
    if len(seq) < size:
        # Padding with empty words gives a short text a shingle no longer text can contain.
        seq = seq + [""] * (size - len(seq))
    # crc32 is deterministic across processes and fast; 32 bits is plenty for one article.
    return {zlib.crc32(" ".join(seq[i : i + size]).encode()) for i in range(len(seq) - size + 1)}


def signature(text: str, *, num_perm: int = 64) -> tuple[int, ...]:
    """A bottom-k MinHash sketch: the `num_perm` smallest crc32 hashes of the word 3-shingles.

    One hash function and the k smallest values (rather than k hash functions and one minimum
    each) keeps it linear in the text's length; `similarity` estimates Jaccard from it. A text
    with fewer shingles than `num_perm` keeps all of them, so its sketch is exact.
    """
    return signature_of(words(text), num_perm=num_perm)


def signature_of(text_words: Sequence[str], *, num_perm: int = 64) -> tuple[int, ...]:
    """`signature` of a text already split by `words`."""
    return tuple(heapq.nsmallest(max(1, num_perm), _shingles(text_words)))


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two texts' shingles from their sketches (0..1).

    Both sketches must come from the same `num_perm`.
    """
    if not a or not b:
        return 0.0
    set_a, set_b = set(a), set(b)
    # The k smallest hashes of the union are a uniform sample of the union's shingles, and a
    # sketch holds every one of its own text's shingles below its largest value.
    union = heapq.nsmallest(max(len(a), len(b)), set_a | set_b)
    return sum(1 for h in union if h in set_a and h in set_b) / len(union)


# Syndicated copies of one ~300-word wire story (own intro, credits, a trimmed paragraph)
# measure 0.61-0.91 (true Jaccard 0.67-0.91); independent reports of one event 0.03-0.08.
# The 64-value estimate wobbles by about ±0.05: redrawn with 400 other hash functions, 1.5%
# of copy pairs fell below 0.6 and none below 0.5 (nor did any other pair rise above 0.1).
NEAR_DUPLICATE = 0.5


def is_near_duplicate(
    a: Sequence[int], b: Sequence[int], *, threshold: float = NEAR_DUPLICATE
) -> bool:
    """Whether two sketches are of copies of one text (a syndicated wire story)."""
    return similarity(a, b) >= threshold


def encode_signature(sig: Sequence[int]) -> str:
    """A sketch as compact ASCII for a TEXT column: base64 of little-endian uint32s."""
    return base64.b64encode(struct.pack(f"<{len(sig)}I", *sig)).decode("ascii")


def decode_signature(s: str) -> tuple[int, ...]:
    """The sketch stored by `encode_signature`; empty for an empty or malformed value."""
    try:
        raw = base64.b64decode(s.encode("ascii"), validate=True)
    except (ValueError, binascii.Error):
        return ()
    usable = len(raw) // 4 * 4
    return struct.unpack(f"<{usable // 4}I", raw[:usable])


# -- story terms ---------------------------------------------------------------------------

# Function words, plus words so common in news that sharing them says nothing about the
# event (reporting verbs, dates, numbers in words, site boilerplate).
_STOPWORDS = frozenset(
    """
    a about above across after again against ago ahead all almost already also although am
    among an and another any are around as at away back be because become been before being
    below between both but by can could day days did do does doing done down during each
    early either else end enough even ever every few first for from further get gets got had
    has have having he her here hers herself him himself his how however i if in including
    instead into is it its itself just last late later least less let like likely many may
    me might more most much must my near nearly never new next no nor not now of off often
    on once one only or other others our out over own per perhaps quite rather really said
    same says say saying see seen several she should since so some still such than that the
    their them themselves then there these they this those though three through thus to told
    too toward towards two under until up upon us use used very was we week weeks well were
    what when where whether which while who whom whose why will with within without would
    year years yet you your yes also added according asked called came come comes coming
    four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred
    thousand million millions billion billions trillion percent cent half dozen
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    tonight morning evening afternoon night month months time times
    january february march april june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    mr mrs ms dr st people thing things way part place number lot kind sort
    make made take took taken give gave given go going went put set keep kept tell think
    know known want wanted look looked find found seem seemed show showed shown call
    news report reports reported reporting editing editor read sign newsletter share
    shared article articles photo photos image video advertisement follow related coverage
    rights reserved copyright email inbox click subscribe subscriber subscribers
    statement spokesman spokeswoman spokesperson official officials
    """.split()
)
# Function words that an all-capitals heading may contain; other capitalised short words
# ("US", "EU", "WHO") are acronyms, so names.
_CAPITAL_STOPWORDS = frozenset(
    "a an and are as at be but by for from in is it of on or the to was with".split()
)
_TOKEN = re.compile(r"\w+(?:['’]\w+)*")
# What comes just before a sentence's first word: the start, a sentence end, a line break,
# an opening quote or bracket, a dash.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;…]['\"”’)\]]*\s+|\n\s*|[\"“‘(\[]\s*|[—–-]\s+)$")
_SINGULAR_KEEP = ("ss", "us", "is", "ics", "ous")
# One spelling for the commonest multi-word names, so "the United States" and "the US" agree
# and the name takes one term, not two generic ones.
_ALIASES = (  # (literals one of which a match holds, pattern, alias)
    (("European Union", "E.U."), re.compile(r"\bEuropean Union\b|\bE\.U\.(?!\w)"), "EU"),
    (
        ("United States", "U.S."),
        re.compile(r"\bUnited States(?: of America)?\b|\bU\.S\.(?:A\.)?(?!\w)"),
        "US",
    ),
    (("United Kingdom", "U.K."), re.compile(r"\bUnited Kingdom\b|\bU\.K\.(?!\w)"), "UK"),
    (("United Nations", "U.N."), re.compile(r"\bUnited Nations\b|\bU\.N\.(?!\w)"), "UN"),
)
# 20, not fewer: the topic's own words (steel, tariff, EU, US…) fill the first dozen places
# of every article on it, and the event's names come after them.
_K_TERMS = 20
_NAME_WEIGHT = 2.0  # a capitalised word inside a sentence is a name: people, places, firms
_NAME_RUN_BONUS = 1.0  # … more surely so when it is part of a run ("Marta Kovalenko")
_TITLE_WEIGHT = 1.0  # each occurrence in the title, on top of the body's count
_MIN_WEIGHT = 3.0  # a word mentioned once or twice in passing is not salient


def _fold(word: str) -> str:
    if word.isascii():  # nothing to decompose; ASCII casefolds as it lower-cases
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _term(word: str) -> str:
    """A word as a story term: accents and case folded, possessive and simple plural removed."""
    term = _fold(word)
    for apostrophe in ("'s", "’s"):
        term = term.removesuffix(apostrophe)
    if len(term) > 4 and term.endswith("ies"):
        return term[:-3] + "y"
    if len(term) > 3 and term.endswith("s") and not term.endswith(_SINGULAR_KEEP):
        return term[:-1]
    return term


def _salient(raw: str, term: str) -> bool:
    if term.isdigit():
        return False
    if len(raw) >= 2 and raw.isupper() and raw.isalpha():
        return term not in _CAPITAL_STOPWORDS  # "US", "EU", "WHO" are names, "THE" is not
    return len(term) >= 3 and raw.casefold() not in _STOPWORDS and term not in _STOPWORDS


@lru_cache(maxsize=1 << 16)
def _word(raw: str) -> tuple[str, bool, bool]:
    """What story terms need of one written word, worked out once per spelling (a news
    vocabulary repeats): its term, whether it is salient, and whether it is capitalised
    (a name's candidate)."""
    term = _term(raw)
    return term, _salient(raw, term), raw[0].isupper() and raw.casefold() not in _STOPWORDS


def _aliased(text: str) -> str:
    """The text with `_ALIASES` applied (a pattern whose literal is absent is not run)."""
    for literals, pattern, alias in _ALIASES:
        if any(literal in text for literal in literals):
            text = pattern.sub(alias, text)
    return text


def story_terms(title: str, text: str, *, k: int = _K_TERMS) -> frozenset[str]:
    """An article's salient terms: names and frequent content words, title words counting extra.

    Terms are single folded words (no spaces, so they can be stored space-separated). A word
    scores one per mention, two for a mention as a name (capitalised inside a sentence, or
    next to another capitalised word), one more inside a multi-word name, and one per mention
    in the title. The top `k` scoring at least 3 are kept; ties go to the earlier mention.
    """
    title, text = _aliased(title), _aliased(text)
    tokens = list(_TOKEN.finditer(text))
    words = [_word(m.group()) for m in tokens]
    last = len(tokens) - 1

    def in_name_run(i: int, j: int) -> bool:  # tokens i and j are adjacent words of one name
        return (
            0 <= i < j <= last
            and words[i][2]
            and words[j][2]
            and text[tokens[i].end() : tokens[j].start()] == " "
        )

    weights: dict[str, float] = {}
    first: dict[str, int] = {}
    for match in _TOKEN.finditer(title):
        term, salient, _ = _word(match.group())
        if salient:
            weights[term] = weights.get(term, 0.0) + _TITLE_WEIGHT
            first.setdefault(term, -1)
    for i, (term, salient, capital) in enumerate(words):
        if not salient:
            continue
        weight = 1.0
        if capital:  # a name when next to another capitalised word, or inside a sentence
            if in_name_run(i - 1, i) or in_name_run(i, i + 1):
                weight = _NAME_WEIGHT + _NAME_RUN_BONUS
            else:
                start = tokens[i].start()
                if not _SENTENCE_START.search(text[max(0, start - 4) : start]):
                    weight = _NAME_WEIGHT
        weights[term] = weights.get(term, 0.0) + weight
        first.setdefault(term, i)
    # Heavier words rank first, so the top k of those weighing enough are the top k's.
    heavy = [(term, weight) for term, weight in weights.items() if weight >= _MIN_WEIGHT]
    ranked = sorted(heavy, key=lambda item: (-item[1], first[item[0]]))
    return frozenset(term for term, _ in ranked[:k])


def term_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient |a∩b| / min(|a|, |b|), 0..1 (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


# On the tests' texts, independent reports of one event share 0.54-0.85 of their terms
# (syndicated copies 0.85-1.0); another trade dispute, an EU steel case about another
# product, or a football report 0.0-0.18. Articles on other angles of one negotiation (the
# demo's) spread over 0.0-0.5, so some of them join the story: without knowing which terms
# the whole topic shares, terms alone cannot tell an angle from a second report.
SAME_STORY = 0.45
_MIN_SHARED = 3  # two short texts sharing two words are not yet one story


def same_story(a: frozenset[str], b: frozenset[str], *, threshold: float = SAME_STORY) -> bool:
    """Whether two articles' salient terms say they cover the same event."""
    return len(a & b) >= _MIN_SHARED and term_overlap(a, b) >= threshold
