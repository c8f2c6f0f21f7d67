"""The question evaluation: the three scenario days' coverage stored as collection stores it,
each day's briefing made at its time, then every question of tests/fixtures/questions.json
asked at that day's briefing time (follow-ups in the conversation of the question they follow).

A question that can be answered is answered right when the answer says every string it must
contain and cites one of the articles that say it; one that cannot must be refused. Used by
tests/answer/test_question_eval.py (the gate; -s prints the figures)."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.answer import Answer, QuestionEngine
from bot.answer.quotes import QuoteFinder
from bot.collect import relevance
from bot.config import TopicConfig
from bot.store import Store
from bot.store.quotes import Quotes
from tests.briefing.test_scenario import QUERY, SCENARIO, TOPIC, _service, _store
from tests.helpers.clock import Clock
from tests.scenario import Question, Scenario, load_questions, load_scenario

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
QUESTIONS = load_questions()
# A second set written apart from the engine's development (by a helper that never saw the
# first set's questions), measured rather than tuned on.
HELD_OUT = load_questions(FIXTURES / "questions_heldout.json")
# A third set, written later by another helper that saw neither the engine nor the other
# sets' questions, first measured before any change made with it in view.
FRESH = load_questions(FIXTURES / "questions_fresh.json")
# A fourth, written blind like the third (this session: 16/45 right, 13/15 refused before any
# change made with it in view).
BLIND = load_questions(FIXTURES / "questions_blind.json")
# A fifth, written blind like the third and fourth in a later session (29/45 right, 10/15
# refused when first measured, before any change made with it in view).
BLIND2 = load_questions(FIXTURES / "questions_blind2.json")
# A sixth, written blind like the others in a later session (26/45 right, 13/15 refused when
# first measured, before any change made with it in view).
BLIND3 = load_questions(FIXTURES / "questions_blind3.json")
# A seventh, written blind like the others in a later session (34/45 right, 13/15 refused
# when first measured, before any change made with it in view).
BLIND4 = load_questions(FIXTURES / "questions_blind4.json")
# An eighth, written blind like the others in a later session (28/45 right, 12/15 refused
# when first measured at 038b4f6, before any change made with it in view).
BLIND5 = load_questions(FIXTURES / "questions_blind5.json")

# Two other fictional worlds, each written with its questions by a helper that saw neither the
# engine nor any question set (platform-work regulation; a battery takeover and recall): how
# the engine does on coverage it was not developed on (19/45 right, 10/15 refused and 14/45,
# 12/15 at their first measure, at 9051a42 plus the he/she change).
PLATFORMS_DIR = FIXTURES / "scenario_platforms"
PLATFORMS = load_questions(FIXTURES / "questions_platforms.json")
BATTERIES_DIR = FIXTURES / "scenario_batteries"
BATTERIES = load_questions(FIXTURES / "questions_batteries.json")
# A third, a water-utility crisis, written the same way in a later session: 15/45 right, 11/15
# refused at its first measure (4731a41), the same as at that session's start (83dab55).
WATER_DIR = FIXTURES / "scenario_water"
WATER = load_questions(FIXTURES / "questions_water.json")
# A fourth, a pharmaceutical story (an approval, a price talk, a recall, a patent case),
# written the same way in a later session: 16/45 right, 10/15 refused at its first measure
# (5dee79a, before any change made with it in view).
PHARMA_DIR = FIXTURES / "scenario_pharma"
PHARMA = load_questions(FIXTURES / "questions_pharma.json")
# A fifth, a telecoms story (a data breach, a regulator, a spectrum auction, a merger review),
# written the same way at the end of that session: 25/45 right, 11/15 refused at its first
# measure (0196898), the same answers as at that session's start (5dee79a).
TELECOM_DIR = FIXTURES / "scenario_telecom"
TELECOM = load_questions(FIXTURES / "questions_telecom.json")
# A sixth and a seventh, an aviation week (a grounding, a controllers' pay dispute, a takeover,
# a runway) and a farming week (an animal disease, tractor protests, a price war, a drought),
# written the same way at the start of a later session: 18/45 right, 11/15 refused and 28/45
# right, 9/15 refused at their first measure, the same at that session's start (507c301) and
# after its first five changes (not made with them in view).
AVIATION_DIR = FIXTURES / "scenario_aviation"
AVIATION = load_questions(FIXTURES / "questions_aviation.json")
FARMING_DIR = FIXTURES / "scenario_farming"
FARMING = load_questions(FIXTURES / "questions_farming.json")
ENERGY_DIR = FIXTURES / "scenario_energy"
ENERGY = load_questions(FIXTURES / "questions_energy.json")
CITYHALL_DIR = FIXTURES / "scenario_cityhall"
CITYHALL = load_questions(FIXTURES / "questions_cityhall.json")
# Two more, a shipping week (a dock strike, a tanker spill, a takeover, a canal toll) and an
# election week (coalition talks, a recount, a party-finance inquiry, a rate decision),
# written the same way at the start of a later session: 25/45 right, 11/15 refused and 22/45,
# 12/15 at their first measure (at that session's start, 1062e4b).
SHIPPING_DIR = FIXTURES / "scenario_shipping"
SHIPPING = load_questions(FIXTURES / "questions_shipping.json")
ELECTION_DIR = FIXTURES / "scenario_election"
ELECTION = load_questions(FIXTURES / "questions_election.json")
# And a bank run and rescue, and an online-safety regulator against a video platform, written
# the same way at the start of a still later session, with casual Slack wording: 10/45 right,
# 12/15 refused and 15/45, 8/15 at their first measure (at that session's start, aa6b7ca).
BANK_DIR = FIXTURES / "scenario_bank"
BANK = load_questions(FIXTURES / "questions_bank.json")
ONLINE_DIR = FIXTURES / "scenario_online"
ONLINE = load_questions(FIXTURES / "questions_online.json")


@dataclass
class Result:
    question: Question
    answer: Answer
    scenario: Scenario = SCENARIO

    @property
    def right(self) -> bool:
        q, a = self.question, self.answer
        if not q.answerable:
            return not a.answered
        wanted = {x.url.split("?")[0] for x in self.scenario.articles if x.id in q.source_ids}
        cited = {s.url.split("?")[0].split("#")[0] for s in a.sources}
        text = a.text.casefold()
        return (
            a.answered
            and all(m.casefold() in text for m in q.must_contain)
            and bool(cited & wanted)
        )


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    def share(self, *, answerable: bool, **only: object) -> tuple[int, int]:
        chosen = [
            r
            for r in self.results
            if r.question.answerable is answerable
            and all(getattr(r.question, k) == v for k, v in only.items())
        ]
        return sum(r.right for r in chosen), len(chosen)

    def lines(self) -> list[str]:
        right, total = self.share(answerable=True)
        refused, unanswerable = self.share(answerable=False)
        reworded = self.share(answerable=True, reworded=True)
        out = [
            f"answerable answered right {right}/{total} ({100 * right / max(total, 1):.1f} %), "
            f"reworded {reworded[0]}/{reworded[1]}, unanswerable refused "
            f"{refused}/{unanswerable}"
        ]
        kinds = Counter(r.question.kind for r in self.results if r.question.answerable)
        for kind in sorted(kinds):
            got = sum(
                r.right for r in self.results if r.question.kind == kind and r.question.answerable
            )
            out.append(f"  {kind:<13} {got}/{kinds[kind]}")
        return out

    def wrong(self) -> list[str]:
        return [
            f"{r.question.id}: {r.question.question!r} -> answered={r.answer.answered} "
            f"{r.answer.text[:200]!r}"
            for r in self.results
            if not r.right
        ]


def world(folder: Path) -> tuple[Scenario, TopicConfig, relevance.Query]:
    """Another fictional world (tests/fixtures/scenario_*/), with the relevance query an editor
    would write for it: its keywords, minus the words of its off-topic bait."""
    scenario = load_scenario(folder)
    meta = json.loads((folder / "scenario.json").read_text(encoding="utf-8"))
    must_not = tuple(str(w) for w in meta.get("must_not", ()))
    topic = TopicConfig(
        name=scenario.topic,
        title=scenario.title,
        query={"may": list(scenario.keywords), "must_not": list(must_not)},
    )
    return scenario, topic, relevance.Query(may=scenario.keywords, must_not=must_not, min_score=0.2)


async def evaluate(
    folder: Path | None = None,
    questions: list[Question] | None = None,
    *,
    scenario_dir: Path | None = None,
) -> Report:
    folder = folder or Path(tempfile.mkdtemp())
    scenario, topic, query = world(scenario_dir) if scenario_dir else (SCENARIO, TOPIC, QUERY)
    store = Store.from_url(f"sqlite+aiosqlite:///{folder / 'questions.db'}")
    await store.db.migrate()
    clock = Clock(scenario.days[0].window_start)
    briefings = _service(store, clock)
    engine = QuestionEngine(
        store.articles,
        store.search,
        store.chat,
        now=clock.now,
        briefings=store.deliveries,
        quotes=QuoteFinder(Quotes(store.db), now=clock.now),
    )
    stored: dict[str, int] = {}
    report = Report()
    questions = QUESTIONS if questions is None else questions
    by_id = {q.id: q for q in questions}

    def root(q: Question) -> str:
        while q.previous is not None:
            q = by_id[q.previous]
        return q.id

    try:
        for day in scenario.days:
            await _store(
                store,
                [a for a in scenario.articles if day.contains(a.fetched_at)],
                stored,
                scenario=scenario,
                topic=topic,
                query=query,
            )
            clock.current = day.briefing_at
            await briefings.brief(topic)
            for q in (q for q in questions if q.day == day.day):
                answer = await engine.ask(
                    q.question,
                    topic=topic.name,
                    zone=scenario.timezone,
                    conversation=f"{day.day}-{root(q)}",
                )
                report.results.append(Result(q, answer, scenario))
    finally:
        await store.close()
    return report


def holds_the_bar(
    report: Report, questions: list[Question], right_at_least: int, refused_at_least: int
) -> None:
    """Assert a set's figures are at least the ratchet's (printed with -s for the note)."""
    print("\n".join(report.lines()))
    right, answerable = report.share(answerable=True)
    refused, unanswerable = report.share(answerable=False)
    assert answerable >= 30 and unanswerable >= 10
    assert right >= right_at_least, "\n".join(report.wrong())
    assert refused >= refused_at_least, "\n".join(report.wrong())
    # Every answer cites, and never with an empty text.
    for r in report.results:
        assert r.answer.text.strip()
        if r.answer.answered:
            assert r.answer.sources and "[1]" in r.answer.text
    assert all(q.previous is not None for q in questions if q.kind == "follow-up")
