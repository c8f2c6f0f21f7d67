"""Deciding what is the same article: canonical URLs, content hashes, near-duplicate
signatures (MinHash) and the salient terms that group related coverage into stories.

Pure functions: no I/O, no clock, deterministic across processes (no salted `hash()`).
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import re
import struct
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from urllib.parse import (
    SplitResult,
    parse_qsl,
    quote,
    unquote,
    urlencode,
    urlsplit,
    urlunsplit,
)

_TRACKING_EXACT = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "yclid",
    "_ga",
    "_gl",
    "ref",
    "ref_src",
    "cmpid",
    "ocid",
    "icid",
    "cmp",
    "src",
    "at_medium",
    "at_campaign",
    "smid",
    "sh",
    "taid",
    "s_cid",
    "ito",
    "amp",
    "outputtype",
    "guccounter",
    "spm",
    "share",
    "__twitter_impression",
}
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_UNRESERVED = "-._~"


def _is_tracking(name: str, value: str) -> bool:
    key = name.lower()
    if key.startswith(("utm_", "pk_", "mtm_", "hsa_")):
        return True
    if key == "outputtype":
        return value.lower() == "amp"
    return key in _TRACKING_EXACT


def _normalise_path(path: str) -> str:
    segments = [quote(unquote(s), safe="!$&'()*+,;=:@" + _UNRESERVED) for s in path.split("/")]
    path = "/" + "/".join(s for s in segments if s)
    if path.startswith("/amp/"):
        path = path[4:]
    for suffix in ("/amp", "/amp.html"):
        if path.endswith(suffix):
            path = path[: -len(suffix)] or "/"
    if path.endswith(".amp.html"):
        path = path[: -len(".amp.html")] + ".html"
    elif path.endswith(".amp"):
        path = path[: -len(".amp")]
    return path.rstrip("/") or "/"


def _unwrap_amp_cache(parts: SplitResult) -> str | None:
    # https://www-example-com.cdn.ampproject.org/c/s/www.example.com/path → the publisher URL
    host = (parts.hostname or "").lower()
    if not host.endswith(".cdn.ampproject.org"):
        return None
    match = re.match(r"^/(?:[a-z]/)*(s/)?(.+)$", parts.path)
    if not match:
        return None
    scheme = "https" if match.group(1) else "http"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{match.group(2)}{query}"


def canonical_url(url: str) -> str:
    """The URL that identifies an article: https, bare host, no tracking, no AMP, sorted query."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https"):
        return url.split("#", 1)[0]
    unwrapped = _unwrap_amp_cache(parts)
    if unwrapped is not None:
        return canonical_url(unwrapped)
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k, v)
    )
    return urlunsplit(("https", netloc, _normalise_path(parts.path), urlencode(query), ""))


def display_url(url: str) -> str:
    """The URL to show and link: tracking parameters and fragment removed, nothing else
    changed (unlike `canonical_url`, the scheme and host stay as fetched)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https"):
        return url
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k, v)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(folded)


def content_hash(text: str) -> str:
    """sha256 of the text's words (case, punctuation and spacing ignored)."""
    return hashlib.sha256(" ".join(_words(text)).encode()).hexdigest()


def _shingles(text: str, size: int = 3) -> set[int]:
    words = _words(text)
    if len(words) < size:
        words = words + [""] * (size - len(words))
    # crc32 is deterministic across processes and fast; 32 bits is plenty for one article.
    return {
        zlib.crc32(" ".join(words[i : i + size]).encode()) for i in range(len(words) - size + 1)
    }


def signature(text: str, *, num_perm: int = 64) -> tuple[int, ...]:
    """A bottom-k MinHash sketch: the k smallest 32-bit hashes of the text's word 3-shingles.

    One hash per shingle instead of k permutations keeps it linear in the text's length;
    `similarity` estimates Jaccard from the k smallest hashes of the union.
    """
    return tuple(heapq.nsmallest(num_perm, _shingles(text)))


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two sketches (0..1)."""
    if not a or not b:
        return 0.0
    k = max(len(a), len(b))
    set_a, set_b = set(a), set(b)
    union = heapq.nsmallest(k, set_a | set_b)
    return sum(1 for h in union if h in set_a and h in set_b) / len(union)


NEAR_DUPLICATE = 0.5


def is_near_duplicate(
    a: Sequence[int], b: Sequence[int], *, threshold: float = NEAR_DUPLICATE
) -> bool:
    """Whether two texts are copies of one another (a syndicated wire story)."""
    return similarity(a, b) >= threshold


def encode_signature(sig: Sequence[int]) -> str:
    return base64.b64encode(struct.pack(f"<{len(sig)}I", *sig)).decode("ascii")


def decode_signature(s: str) -> tuple[int, ...]:
    raw = base64.b64decode(s.encode("ascii")) if s else b""
    return struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4])


_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over own
    said says same she should so some such than that the their them then there these they this
    those through to too under until up very was we were what when where which while who whom
    why will with would you your yes according told added new one two three year years week
    monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr percent per cent
    people last first since may might must many much like well still even back get got make
    made take took say""".split()
)
_CAPITALISED = re.compile(r"\b([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)")


def story_terms(title: str, text: str, *, k: int = 12) -> frozenset[str]:
    """The article's salient terms: names and frequent content words, title words counting
    double. Used to group independent reports of the same event into one story."""
    counts: Counter[str] = Counter()
    lead = text[:3000]
    for source, weight in ((title, 3), (lead, 1)):
        for word in _words(source):
            if len(word) > 2 and word not in _STOPWORDS and not word.isdigit():
                counts[word] += weight
        for name in _CAPITALISED.findall(source):
            parts = [p.casefold() for p in name.split()]
            if len(parts) >= 2:
                counts[" ".join(parts)] += 2 * weight
    return frozenset(term for term, _ in counts.most_common(k))


def term_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient |a∩b| / min(|a|,|b|), 0..1."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


SAME_STORY = 0.4


def same_story(a: frozenset[str], b: frozenset[str], *, threshold: float = SAME_STORY) -> bool:
    """Whether two articles' salient terms say they report the same event."""
    return term_overlap(a, b) >= threshold
