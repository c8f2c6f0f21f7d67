"""Capitals and seats that news writing uses for their governments ("Beijing said", "Brussels
pushed back"): a question that names the seat is about the country or body, and a passage
that names only the country answers it. Pure data and one lookup; no store, no model.

A seat only stands for its government when it acts: "talks in Geneva" names a place, and
the caller keeps place names as they are (see `acting_seats`).
"""

from __future__ import annotations

import re

# seat (folded) -> the names a passage may use for what it stands for (folded)
SEATS: dict[str, tuple[str, ...]] = {
    "washington": ("america", "american", "administration"),
    "beijing": ("china", "chinese"),
    "brussels": ("eu", "european", "union", "commission", "bloc"),
    "moscow": ("russia", "russian", "kremlin"),
    "kremlin": ("russia", "russian", "moscow"),
    "kyiv": ("ukraine", "ukrainian"),
    "kiev": ("ukraine", "ukrainian"),
    "london": ("britain", "british", "uk", "kingdom"),
    "westminster": ("britain", "british", "uk", "parliament"),
    "whitehall": ("britain", "british", "uk", "government"),
    "tokyo": ("japan", "japanese"),
    "seoul": ("korea", "korean"),
    "pyongyang": ("korea", "korean"),
    "taipei": ("taiwan", "taiwanese"),
    "delhi": ("india", "indian"),
    "berlin": ("germany", "german"),
    "paris": ("france", "french"),
    "rome": ("italy", "italian"),
    "madrid": ("spain", "spanish"),
    "lisbon": ("portugal", "portuguese"),
    "warsaw": ("poland", "polish"),
    "vienna": ("austria", "austrian"),
    "bern": ("switzerland", "swiss"),
    "stockholm": ("sweden", "swedish"),
    "oslo": ("norway", "norwegian"),
    "copenhagen": ("denmark", "danish"),
    "helsinki": ("finland", "finnish"),
    "dublin": ("ireland", "irish"),
    "athens": ("greece", "greek"),
    "budapest": ("hungary", "hungarian"),
    "prague": ("czech", "czechia"),
    "ankara": ("turkey", "turkish", "türkiye"),
    "tehran": ("iran", "iranian"),
    "riyadh": ("saudi", "arabia"),
    "cairo": ("egypt", "egyptian"),
    "ottawa": ("canada", "canadian"),
    "canberra": ("australia", "australian"),
    "wellington": ("zealand",),
    "brasilia": ("brazil", "brazilian"),
    "brasília": ("brazil", "brazilian"),
    "pretoria": ("africa", "african"),
    "jakarta": ("indonesia", "indonesian"),
    "hanoi": ("vietnam", "vietnamese"),
    "bangkok": ("thailand", "thai"),
    "manila": ("philippines", "philippine", "filipino"),
    "islamabad": ("pakistan", "pakistani"),
    "abuja": ("nigeria", "nigerian"),
    "nairobi": ("kenya", "kenyan"),
    "singapore": ("singapore", "singaporean"),
}

# "in Geneva", "to Beijing", "from Brussels": the place, not its government
_PLACE = re.compile(
    r"\b(?:in|at|to|from|near|outside|around|across|via|into|visit|visits|visited|visiting)"
    r"\s+$",
    re.IGNORECASE,
)


def acting_seats(question: str) -> dict[str, tuple[str, ...]]:
    """The seats a question names as actors ("What did Beijing say?"), with what each may be
    called in a passage instead; seats named as places ("talks in Geneva") are left out."""
    out: dict[str, tuple[str, ...]] = {}
    for m in re.finditer(r"\b[A-Z][\w’'-]*", question):
        word = m.group(0).casefold().removesuffix("'s").removesuffix("’s")
        if word in SEATS and not _PLACE.search(question[: m.start()]):
            out[word] = SEATS[word]
    return out
