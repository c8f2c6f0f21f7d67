"""URLs as shown to readers: tracking parameters and fragments removed. Pure, never raises."""

from __future__ import annotations

from urllib.parse import unquote_plus, urlsplit

_TRACKING_NAMES = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga",
        "_gl", "ref", "ref_src", "cmpid", "ocid", "icid", "cmp", "src", "at_medium",
        "at_campaign", "smid", "sh", "taid", "s_cid", "ito", "amp", "guccounter", "spm",
        "share", "__twitter_impression", "usqp",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "amp_")


def is_tracking(name: str, value: str) -> bool:
    """Whether a query parameter only tracks the reader (utm_source, fbclid, …)."""
    key = name.casefold()
    if key == "outputtype":
        return value.casefold() == "amp"
    return key in _TRACKING_NAMES or key.startswith(_TRACKING_PREFIXES)


def display_url(url: str) -> str:
    """The URL to show and link: tracking parameters and fragment removed, nothing else
    changed (unlike `canonical_url`, the scheme, host and parameter order stay as fetched)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https"):
        return url
    kept = [
        piece
        for piece in parts.query.split("&")
        if piece and not is_tracking(*map(unquote_plus, piece.partition("=")[::2]))
    ]
    query = "&".join(kept)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{query}" if query else "")
