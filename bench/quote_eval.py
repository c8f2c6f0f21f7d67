"""Scoring quotation attribution against the hand-labelled set in tests/fixtures/quotes/.

Each fixture is one original, fictional news article (JSON: id, title, text, quotes) whose
quotations are labelled with their speaker (None when the article names nobody), the
attribution style they exercise, and `"kind": "scare"` for scare quotes, titles and
nicknames that are not speech. `load_cases` reads the set; `score` runs an attributor (a
function from article text to `(quote text, speaker or None)` pairs) over it and counts:

- found: a gold quote (not a scare quote) that some predicted quote matches. Texts are
  normalised (casefolded, whitespace collapsed, surrounding punctuation and quote marks
  stripped) and match when one contains the other or their words overlap by at least 60 %
  (Dice); pairs are taken best first, each gold and each predicted quote at most once.
- right: a found quote whose predicted speaker is one of the accepted names (titles and a
  leading article ignored; a surname alone or a longer form of the name also counts), or,
  for a quote whose speaker is not given, a found quote with no speaker.
- wrong: a found quote given a speaker that is not right (any speaker at all, for a quote
  whose speaker is not given).
- unattributed: a found quote with a known speaker that came back with none.
- scare returned: scare quotes that came back as quotes (neither right nor wrong).
- not verbatim: predicted quote texts that are not in the article (whitespace normalised).

Percentages are of all gold quotes that are not scare quotes. `current_attributor` and
`spacy_attributor` adapt the product's attributors; they import `bot` only when called, so
this module depends on the standard library alone.
"""

from __future__ import annotations

import importlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

Prediction = tuple[str, str | None]
Attribute = Callable[[str], Sequence[Prediction]]

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "quotes"

STYLES = (
    "said-after",
    "pronoun",
    "spokesperson",
    "according-to",
    "split",
    "verbs",
    "surname",
    "partial",
    "continuation",
    "distractor",
    "colon",
    "no-speaker",
    "scare",
)

_MARKS = "\"'“”‘’«»„‟‹›`´"
_STRIP = _MARKS + " \t\n.,;:!?…—–-()[]"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_TITLES = frozenset(
    "mr mrs ms miss mx dr prof professor sir dame lord lady rev mme mlle herr frau".split()
)
_ARTICLES = ("the ", "a ", "an ")


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One labelled quotation; `speaker` None means the article does not name one."""

    text: str
    speaker: str | None
    style: str
    accept: tuple[str, ...] = ()
    scare: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    """One article of the set with its labelled quotations."""

    id: str
    title: str
    text: str
    quotes: tuple[GoldQuote, ...]


@dataclass(slots=True)
class Tally:
    """Counts for one slice of the set (all of it, or one style)."""

    total: int = 0
    found: int = 0
    right: int = 0
    wrong: int = 0
    unattributed: int = 0
    scare_total: int = 0
    scare_returned: int = 0

    def pct(self, count: int) -> float:
        """`count` as a percentage of this slice's quotations (scare quotes excluded)."""
        return 100.0 * count / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class Failure:
    """A quotation the attributor missed or got wrong, for debugging."""

    case_id: str
    quote: str
    style: str
    expected: str | None
    got: str  # "not found", "None" or the predicted speaker


@dataclass(slots=True)
class Scores:
    """What `score` counted over the whole set."""

    articles: int = 0
    overall: Tally = field(default_factory=Tally)
    by_style: dict[str, Tally] = field(default_factory=dict)
    not_verbatim: list[tuple[str, str]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    predicted: int = 0

    @property
    def found_pct(self) -> float:
        return self.overall.pct(self.overall.found)

    @property
    def right_pct(self) -> float:
        return self.overall.pct(self.overall.right)

    @property
    def wrong_pct(self) -> float:
        return self.overall.pct(self.overall.wrong)

    @property
    def unattributed_pct(self) -> float:
        return self.overall.pct(self.overall.unattributed)

    def report(self, failures: int | None = 40) -> str:
        """A plain-text report; `failures` caps the failure lines (None: all of them)."""
        o = self.overall
        lines = [
            f"{self.articles} articles, {o.total} quotations (+{o.scare_total} scare quotes), "
            f"{self.predicted} predicted quotes",
            f"found         {o.found:4d}  {self.found_pct:5.1f} %",
            f"right         {o.right:4d}  {self.right_pct:5.1f} %",
            f"wrong         {o.wrong:4d}  {self.wrong_pct:5.1f} %",
            f"unattributed  {o.unattributed:4d}  {self.unattributed_pct:5.1f} %",
            f"scare quotes returned as quotes: {o.scare_returned} of {o.scare_total}",
            f"not verbatim: {len(self.not_verbatim)}",
            "",
            f"{'style':<14}{'n':>4}{'found':>8}{'right':>8}{'wrong':>8}{'unattr':>8}",
        ]
        for style in sorted(self.by_style, key=_style_order):
            t = self.by_style[style]
            if style == "scare":
                lines.append(f"{style:<14}{t.scare_total:>4}   returned {t.scare_returned}")
                continue
            lines.append(
                f"{style:<14}{t.total:>4}{t.pct(t.found):>7.0f}%{t.pct(t.right):>7.0f}%"
                f"{t.pct(t.wrong):>7.0f}%{t.pct(t.unattributed):>7.0f}%"
            )
        for case_id, text in self.not_verbatim:
            lines.append(f"not verbatim [{case_id}] {_short(text)!r}")
        shown = self.failures if failures is None else self.failures[:failures]
        if shown:
            lines += ["", f"failures ({len(self.failures)}):"]
            lines += [
                f"  [{f.case_id}] {f.style}: {_short(f.quote)!r} expected {f.expected!r}, "
                f"got {f.got}"
                for f in shown
            ]
            if len(shown) < len(self.failures):
                lines.append(f"  … {len(self.failures) - len(shown)} more")
        return "\n".join(lines)


def _style_order(style: str) -> int:
    return STYLES.index(style) if style in STYLES else len(STYLES)


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- loading ------------------------------------------------------------------------------


def load_case(path: Path) -> Case:
    """One fixture file as a Case (KeyError or TypeError when a field is missing)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    quotes = []
    for q in raw["quotes"]:
        speaker = q.get("speaker")
        accept = tuple(q.get("accept") or ([speaker] if speaker else []))
        quotes.append(
            GoldQuote(
                text=str(q["text"]),
                speaker=speaker,
                style=str(q["style"]),
                accept=accept,
                scare=q.get("kind") == "scare",
            )
        )
    return Case(str(raw["id"]), str(raw["title"]), str(raw["text"]), tuple(quotes))


def load_cases(folder: Path | None = None) -> list[Case]:
    """Every `*.json` fixture in `folder` (default: tests/fixtures/quotes), by file name."""
    return [load_case(p) for p in sorted((folder or FIXTURES).glob("*.json"))]


# --- matching -----------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Casefolded, apostrophes unified, whitespace collapsed, outer punctuation stripped."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    return " ".join(text.split()).strip(_STRIP)


def _words(normalised: str) -> list[str]:
    return _WORD.findall(normalised)


def match_strength(gold: str, predicted: str) -> float:
    """How well two quote texts match: 0 for no match, else their word overlap (Dice)."""
    a, b = normalise_text(gold), normalise_text(predicted)
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    shared = sum((Counter(wa) & Counter(wb)).values())
    dice = 2 * shared / (len(wa) + len(wb))
    pa, pb = f" {' '.join(wa)} ", f" {' '.join(wb)} "
    if a == b or pa in pb or pb in pa:
        return max(dice, 1e-6)
    return dice if dice >= 0.6 else 0.0


def _pairs(gold: Sequence[GoldQuote], predicted: Sequence[Prediction]) -> dict[int, int]:
    """Gold index -> predicted index, best matches first, each side used at most once."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, (text, _) in enumerate(predicted):
            strength = match_strength(g.text, text)
            if strength > 0:
                candidates.append((-strength, gi, pi))
    candidates.sort()
    taken_gold: dict[int, int] = {}
    taken_pred: set[int] = set()
    for _, gi, pi in candidates:
        if gi not in taken_gold and pi not in taken_pred:
            taken_gold[gi] = pi
            taken_pred.add(pi)
    return taken_gold


def normalise_speaker(name: str) -> list[str]:
    """A speaker as lower-case tokens, without titles or a leading article."""
    name = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES).casefold().strip()
    for article in _ARTICLES:
        if name.startswith(article):
            name = name[len(article) :]
            break
    tokens = [t for t in re.split(r"[\s,]+", name.replace(".", " ")) if t]
    return [t for t in tokens if t not in _TITLES]


def speaker_matches(predicted: str, accept: Iterable[str]) -> bool:
    """Whether `predicted` names one of `accept`: the same, a surname alone, or a longer form."""
    got = normalise_speaker(predicted)
    if not got:
        return False
    for name in accept:
        want = normalise_speaker(name)
        if not want:
            continue
        if got == want:
            return True
        if set(got) <= set(want) and got[-1] == want[-1]:
            return True  # "Okafor" for "Adaeze Okafor"
        if set(want) <= set(got):
            return True  # "Trade Minister Adaeze Okafor" for "Adaeze Okafor"
    return False


def _verbatim(text: str, article: str) -> bool:
    return " ".join(text.split()) in " ".join(article.split())


# --- scoring ------------------------------------------------------------------------------


def score(cases: Sequence[Case], attribute: Attribute) -> Scores:
    """Run `attribute` over every case and count what it found and who it said spoke."""
    scores = Scores(articles=len(cases))
    for case in cases:
        predicted = list(attribute(case.text))
        scores.predicted += len(predicted)
        scores.not_verbatim += [(case.id, t) for t, _ in predicted if not _verbatim(t, case.text)]
        matched = _pairs(case.quotes, predicted)
        for gi, gold in enumerate(case.quotes):
            style = scores.by_style.setdefault(gold.style, Tally())
            pi = matched.get(gi)
            got = None if pi is None else predicted[pi][1]
            for tally in (scores.overall, style):
                _count(tally, gold, pi is not None, got)
            if gold.scare:
                continue
            if pi is None:
                scores.failures.append(
                    Failure(case.id, gold.text, gold.style, gold.speaker, "not found")
                )
            elif not _is_right(gold, got):
                scores.failures.append(
                    Failure(case.id, gold.text, gold.style, gold.speaker, repr(got))
                )
    return scores


def _is_right(gold: GoldQuote, got: str | None) -> bool:
    if gold.speaker is None:
        return got is None
    return got is not None and speaker_matches(got, gold.accept)


def _count(tally: Tally, gold: GoldQuote, found: bool, got: str | None) -> None:
    if gold.scare:
        tally.scare_total += 1
        tally.scare_returned += found
        return
    tally.total += 1
    if not found:
        return
    tally.found += 1
    if _is_right(gold, got):
        tally.right += 1
    elif got is None:
        tally.unattributed += 1
    else:
        tally.wrong += 1


# --- adapters -----------------------------------------------------------------------------


def _pairs_of(quotes: Iterable[Any]) -> list[Prediction]:
    return [(str(q.text), None if q.speaker is None else str(q.speaker)) for q in quotes]


def current_attributor(text: str) -> list[Prediction]:
    """The rule-based attributor in `bot.summarise.extract_quotes`."""
    module = importlib.import_module("bot.summarise")
    return _pairs_of(cast(Iterable[Any], module.extract_quotes(text)))


def spacy_unavailable() -> str | None:
    """Why the spaCy attributor cannot run (None when `extract_quotes` is there to call)."""
    try:
        module = importlib.import_module("bot.summarise.attribution")
    except ImportError as exc:
        return f"bot.summarise.attribution cannot be imported ({exc})"
    if not callable(getattr(module, "extract_quotes", None)):
        return "bot.summarise.attribution has no extract_quotes yet"
    return None


def spacy_attributor(text: str) -> list[Prediction]:
    """The spaCy-based attributor in `bot.summarise.attribution` (RuntimeError when absent)."""
    reason = spacy_unavailable()
    if reason is not None:
        raise RuntimeError(f"the spaCy attributor is not available: {reason}")
    module = importlib.import_module("bot.summarise.attribution")
    return _pairs_of(cast(Iterable[Any], module.extract_quotes(text)))


ATTRIBUTORS: dict[str, Attribute] = {
    "current": current_attributor,
    "spacy": spacy_attributor,
}
