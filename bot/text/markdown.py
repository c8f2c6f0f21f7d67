"""Markdown for untrusted text: escaping that keeps article, user and model text plain, and
source lines whose links are built only from stored URLs. Pure."""

from __future__ import annotations

import re
from datetime import datetime

from bot.text.safe import safe_text
from bot.text.when import local_time

# Enough to stop links, images, HTML, emphasis and headings; "(ESPC)" stays readable.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def md_escape(text: str) -> str:
    """Escape Markdown syntax and fold newlines, so untrusted text stays plain text (without
    invisible controls, and with nothing a viewer would auto-link)."""
    return _MD_SPECIAL.sub(r"\\\1", safe_text(text))


def md_url(url: str) -> str:
    """A URL for a Markdown link target: the characters that would end it early are escaped."""
    return url.replace(" ", "%20").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def md_source_line(
    n: int, title: str, url: str, site: str | None, at: datetime | None, zone: str = "UTC"
) -> str:
    """`n. [title](url) — site, date` with the title and site escaped, the date in `zone`."""
    where = f" — {md_escape(site)}" if site else ""
    return f"{n}. [{md_escape(title)}]({md_url(url)}){where}, {local_time(at, zone)}"
