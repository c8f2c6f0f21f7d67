"""Coarse part of speech and lemmas from the tagger's fine tags, so the pipeline can run
without its attribute ruler and lemmatiser (about a sixth of the model's time, and the
parser and entity recogniser do not depend on them).

Lemmas are exact only for the verbs the rules know and for plural nouns; any other word is
returned in lower case, which is all the rules need: "is this a speech verb", "is this a
role noun". It must not guess anything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.summarise.attribution.verbs import (
    INVERTED,
    LISTENER,
    NAMING,
    PASSIVE_SPEAKER,
    SPEECH,
    WEAK,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

_COARSE = {
    "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "PRP": "PRON",
    "PRP$": "PRON", "WP": "PRON", "WP$": "PRON", "CD": "NUM", "JJ": "ADJ", "JJR": "ADJ",
    "JJS": "ADJ", "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "WRB": "ADV", "IN": "ADP",
    "RP": "ADP", "DT": "DET", "PDT": "DET", "WDT": "DET", "CC": "CCONJ", "UH": "INTJ",
    "MD": "AUX", "TO": "PART", "POS": "PART", "EX": "PRON",
}  # fmt: skip
_AUX = frozenset(
    "be is are was were been being am 's 're 'm have has had 've 'd do does did".split()
)
_IRREGULAR = {
    "said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write",
    "spoke": "speak", "spoken": "speak", "put": "put", "read": "read", "thought": "think",
    "made": "make", "went": "go", "gone": "go", "took": "take", "taken": "take",
    "gave": "give", "given": "give", "came": "come", "knew": "know", "known": "know",
    "saw": "see", "seen": "see", "got": "get", "found": "find", "left": "leave",
    "felt": "feel", "kept": "keep", "held": "hold", "brought": "bring", "met": "meet",
    "sought": "seek", "began": "begin", "begun": "begin", "ran": "run", "won": "win",
    "lost": "lose", "paid": "pay", "sent": "send", "built": "build", "meant": "mean",
}  # fmt: skip
_PLURALS = {"people": "person", "men": "man", "women": "woman", "children": "child"}


def _forms(base: str) -> set[str]:
    """Regular inflections of a verb (over-generating is harmless: they only map back)."""
    forms = {base, base + "s", base + "ed", base + "ing", base + "d", base + "es"}
    if base.endswith("e"):
        forms |= {base[:-1] + "ing"}
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        forms |= {base[:-1] + "ied", base[:-1] + "ies"}
    if len(base) > 2 and base[-1] not in "aeiouwxy" and base[-2] in "aeiou":
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}  # "quipped"
    return forms


_VERB_LEMMAS: dict[str, str] = {}
for _base in sorted(SPEECH | WEAK | NAMING | LISTENER | INVERTED | PASSIVE_SPEAKER):
    for _form in _forms(_base):
        _VERB_LEMMAS.setdefault(_form, _base)
_VERB_LEMMAS.update(_IRREGULAR)


def upos(token: Token) -> str:
    """Universal part of speech (VERB, AUX, NOUN, PROPN, PRON, NUM …) from the fine tag."""
    tag = token.tag_
    if tag.startswith("VB"):
        return "AUX" if token.lower_ in _AUX else "VERB"
    if not tag[:1].isalpha():
        return "PUNCT"
    return _COARSE.get(tag, "X")


def lemma(token: Token) -> str:
    """The lemma of a known verb or a plural noun; any other word in lower case."""
    low = token.lower_
    tag = token.tag_
    if tag.startswith("VB"):
        return _VERB_LEMMAS.get(low, low)
    if tag in ("NNS", "NNPS"):
        if low in _PLURALS:
            return _PLURALS[low]
        if low.endswith("men") and len(low) > 4:
            return low[:-3] + "man"  # spokesmen, chairwomen
        if low.endswith("ies") and len(low) > 4:
            return low[:-3] + "y"
        if low.endswith(("sses", "xes", "ches", "shes")):
            return low[:-2]
        if low.endswith("s") and not low.endswith("ss"):
            return low[:-1]
    return low
