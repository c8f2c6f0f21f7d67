"""The analysis' fast paths give what the plain ones gave: story terms worked out once per
spelling, accents stripped in one pass, relevance not reading a text it has nothing to find
in, and the passage-term frequencies counted through a contentless scratch index.

The reference functions below are the implementations before the fast paths, kept verbatim
so that any drift in a stored value (story terms are stored and compared across runs) fails
here. The texts are written for this file, plus seeded random ones mixing names, accents,
curly apostrophes, capitals, aliases and sentence breaks.
"""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from bot.collect import dedupe, relevance

# -- the implementations before the fast paths ----------------------------------------------

_ALIASES = (
    (re.compile(r"\bEuropean Union\b|\bE\.U\.(?!\w)"), "EU"),
    (re.compile(r"\bUnited States(?: of America)?\b|\bU\.S\.(?:A\.)?(?!\w)"), "US"),
    (re.compile(r"\bUnited Kingdom\b|\bU\.K\.(?!\w)"), "UK"),
    (re.compile(r"\bUnited Nations\b|\bU\.N\.(?!\w)"), "UN"),
)


def _old_fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _old_term(word: str) -> str:
    term = _old_fold_word(word)
    for apostrophe in ("'s", "’s"):
        term = term.removesuffix(apostrophe)
    if len(term) > 4 and term.endswith("ies"):
        return term[:-3] + "y"
    if len(term) > 3 and term.endswith("s") and not term.endswith(dedupe._SINGULAR_KEEP):
        return term[:-1]
    return term


def _old_salient(raw: str, term: str) -> bool:
    if term.isdigit():
        return False
    if len(raw) >= 2 and raw.isupper() and raw.isalpha():
        return term not in dedupe._CAPITAL_STOPWORDS
    return (
        len(term) >= 3 and raw.casefold() not in dedupe._STOPWORDS and term not in dedupe._STOPWORDS
    )


def old_story_terms(title: str, text: str, *, k: int = 20) -> frozenset[str]:
    for pattern, alias in _ALIASES:
        title, text = pattern.sub(alias, title), pattern.sub(alias, text)
    tokens = list(dedupe._TOKEN.finditer(text))
    capital = [
        m.group()[0].isupper() and m.group().casefold() not in dedupe._STOPWORDS for m in tokens
    ]

    def in_name_run(i: int, j: int) -> bool:
        return (
            0 <= i < j < len(tokens)
            and capital[i]
            and capital[j]
            and text[tokens[i].end() : tokens[j].start()] == " "
        )

    weights: dict[str, float] = {}
    first: dict[str, int] = {}
    for match in dedupe._TOKEN.finditer(title):
        term = _old_term(match.group())
        if _old_salient(match.group(), term):
            weights[term] = weights.get(term, 0.0) + 1.0
            first.setdefault(term, -1)
    for i, match in enumerate(tokens):
        raw = match.group()
        term = _old_term(raw)
        if not _old_salient(raw, term):
            continue
        weight = 1.0
        run = in_name_run(i - 1, i) or in_name_run(i, i + 1)
        inside = not dedupe._SENTENCE_START.search(text[max(0, match.start() - 4) : match.start()])
        if capital[i] and (inside or run):
            weight = 2.0 + (1.0 if run else 0.0)
        weights[term] = weights.get(term, 0.0) + weight
        first.setdefault(term, i)
    ranked = sorted(weights.items(), key=lambda item: (-item[1], first[item[0]]))
    return frozenset(term for term, weight in ranked[:k] if weight >= 3.0)


_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "þ": "th"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


def old_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_LETTERS).translate(_APOSTROPHES)


# -- texts -------------------------------------------------------------------------------------

WRITTEN = [
    (
        "Ørsted and the E.U. agree on wind quotas",
        "Copenhagen — Ørsted's chief, Mads Nipper, met European Union ministers on Tuesday. "
        "The U.S. delegation, led by Gina Raimondo, said the United States of America would "
        "watch. “Quotas are not tariffs,” Nipper said. Ørsted’s shares rose; ØRSTED ADRs fell.\n"
        "The U.K. and the United Nations stayed out. Élodie Marchand of the WTO called it "
        "a début. NATO and the EU’s Commission said nothing. STEEL STEEL steel.",
    ),
    (
        "THE TALKS ARE OVER",
        "Straße closures in Łódź hit Þingvellir tourists; Æsir Ltd and Œuvre SA filed duties. "
        "Duties, duties' and duty's meanings differ. ıstanbul is written with a dotless i. "
        "ﬁnance (a ligature) and ｆｕｌｌｗｉｄｔｈ letters fold too. U.S.A. or U.S.? The "
        "United Kingdom's envoy, Sir Keir Starmer, and Ursula von der Leyen met in Brussels.",
    ),
    ("", ""),
    ("Only a title with Names In It", "lowercase words only, nothing capitalised here at all"),
]

SYLLABLES = ["ka", "lo", "mé", "tur", "ss", "ies", "ø", "ñ", "us", "is", "ous", "quo", "ta"]
GLUE = [" ", " ", " ", ", ", ". ", "! ", "? ", " — ", "\n", ": ", " “", "” ", " (", ") ", "  "]
EXTRAS = ["E.U.", "U.S.", "United States", "the", "The", "US", "WHO", "THE", "said", "’s", "'s"]


def random_text(rng: random.Random, words: int) -> str:
    out: list[str] = []
    for _ in range(words):
        if rng.random() < 0.1:
            word = rng.choice(EXTRAS)
        else:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
            if rng.random() < 0.3:
                word = word.capitalize()
            elif rng.random() < 0.05:
                word = word.upper()
            if rng.random() < 0.1:
                word += rng.choice(["'s", "’s", "s", "ies", "1"])
        out.append(word + rng.choice(GLUE))
    return "".join(out)


def texts() -> list[tuple[str, str]]:
    rng = random.Random(18)
    generated = [(random_text(rng, 8), random_text(rng, rng.randint(0, 400))) for _ in range(150)]
    return WRITTEN + generated


# -- the checks --------------------------------------------------------------------------------


def test_story_terms_equal_the_plain_path() -> None:
    for title, text in texts():
        assert dedupe.story_terms(title, text) == old_story_terms(title, text), (title, text)
        for k in (1, 5):
            assert dedupe.story_terms(title, text, k=k) == old_story_terms(title, text, k=k)


def test_story_terms_are_the_same_whatever_was_seen_before() -> None:
    # Words are worked out once per spelling and remembered: the order of articles is moot.
    pairs = texts()
    forward = [dedupe.story_terms(t, x) for t, x in pairs]
    dedupe._word.cache_clear()
    backward = [dedupe.story_terms(t, x) for t, x in reversed(pairs)]
    assert forward == backward[::-1]


def test_fold_equals_the_plain_path() -> None:
    for title, text in texts():
        assert relevance.fold(text) == old_fold(text)
        assert relevance.fold(title) == old_fold(title)
    assert relevance.fold("Ångström’s ÆON ﬁle") == "angstrom's aeon file"


@pytest.mark.parametrize(
    "query",
    [
        relevance.Query(),
        relevance.Query(must_not=("football",)),
        relevance.Query(must=("?!",)),  # a term without letters is left out
        relevance.Query(may=("quotas", "tariff"), must_not=("football",)),
    ],
)
def test_relevance_without_terms_to_find_is_unchanged(query: relevance.Query) -> None:
    title, text = WRITTEN[0]
    got = relevance.score(query, title, text)
    if query.may:
        assert got.relevant and got.matched == ("quotas", "tariff")
    else:
        assert got == relevance.Relevance(1.0, True, (), "no query terms: everything is relevant")
    football = relevance.score(query, "Football tonight", text)
    assert football.relevant == (not query.must_not)  # must-not still reads the text
