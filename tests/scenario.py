"""A typed loader for the three-day simulated news scenario (tests/fixtures/scenario/, described
in its README.md) and the question set over it (tests/fixtures/questions.json). Standard library
only; the loader checks types as it reads and raises ValueError on a malformed file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal, cast, get_args

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCENARIO_DIR = FIXTURES / "scenario"
QUESTIONS_FILE = FIXTURES / "questions.json"

OFFTOPIC = "offtopic"
Kind = Literal["fact", "figure", "who-said", "what-changed", "follow-up"]
KINDS: tuple[str, ...] = get_args(Kind)
Reason = Literal["repeated", "stale"]
REASONS: tuple[str, ...] = get_args(Reason)

_Obj = Mapping[str, object]


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    host: str


@dataclass(frozen=True)
class ScenarioArticle:
    id: str
    outlet: str
    url: str
    title: str
    published_at: datetime | None
    fetched_at: datetime
    text: str
    copy_of: str | None
    story: str
    author: str | None

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n\n")

    @property
    def is_copy(self) -> bool:
        return self.copy_of is not None

    @property
    def offtopic(self) -> bool:
        return self.story == OFFTOPIC


@dataclass(frozen=True)
class Development:
    """A fact an editor expects in that day's briefing and in its "new since the last briefing"
    section. Any correct point about it contains every string in `must_contain`."""

    day: date
    story: str
    fact: str
    must_contain: tuple[str, ...]
    source_ids: tuple[str, ...]
    top: bool


@dataclass(frozen=True)
class OldFact:
    """A fact in that day's coverage that must not be marked new: repeated from an earlier day,
    or stale (from an old article that only arrived that day). A point is about it when it
    contains every string in `must_contain`."""

    day: date
    story: str
    fact: str
    must_contain: tuple[str, ...]
    source_ids: tuple[str, ...]
    reason: Reason
    first_reported: date


@dataclass(frozen=True)
class Day:
    day: date
    window_start: datetime
    briefing_at: datetime
    developments: tuple[Development, ...]
    old_facts: tuple[OldFact, ...]

    def contains(self, when: datetime) -> bool:
        """Whether `when` falls in this day's briefing window [window_start, briefing_at)."""
        return self.window_start <= when < self.briefing_at


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    day: date
    answerable: bool
    reworded: bool
    must_contain: tuple[str, ...]
    source_ids: tuple[str, ...]
    kind: Kind
    previous: str | None


@dataclass(frozen=True)
class Scenario:
    title: str
    topic: str
    timezone: str
    keywords: tuple[str, ...]
    outlets: tuple[Outlet, ...]
    stories: Mapping[str, str]
    articles: tuple[ScenarioArticle, ...]
    days: tuple[Day, ...]

    def article(self, article_id: str) -> ScenarioArticle:
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)

    def day(self, when: date) -> Day:
        for d in self.days:
            if d.day == when:
                return d
        raise KeyError(when)

    def arriving_for(self, when: date) -> list[ScenarioArticle]:
        """The articles fetched in the window of the briefing on `when`, oldest fetch first."""
        window = self.day(when)
        return sorted(
            (a for a in self.articles if window.contains(a.fetched_at)), key=lambda a: a.fetched_at
        )

    def fetched_before(self, when: datetime) -> list[ScenarioArticle]:
        return sorted((a for a in self.articles if a.fetched_at < when), key=lambda a: a.fetched_at)

    @property
    def developments(self) -> list[Development]:
        return [dev for d in self.days for dev in d.developments]


def _load(path: Path) -> object:
    return cast(object, json.loads(path.read_text(encoding="utf-8")))


def _obj(value: object, where: str) -> _Obj:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object")
    return cast(_Obj, value)


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list")
    return cast(list[object], value)


def _str(o: _Obj, key: str, where: str) -> str:
    value = o.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where}: {key!r} must be a non-empty string")
    return value


def _opt_str(o: _Obj, key: str, where: str) -> str | None:
    return None if o.get(key) is None else _str(o, key, where)


def _bool(o: _Obj, key: str, where: str) -> bool:
    value = o.get(key)
    if not isinstance(value, bool):
        raise ValueError(f"{where}: {key!r} must be true or false")
    return value


def _strs(o: _Obj, key: str, where: str) -> tuple[str, ...]:
    items = _list(o.get(key), f"{where}: {key!r}")
    if not all(isinstance(s, str) and s for s in items):
        raise ValueError(f"{where}: {key!r} must hold non-empty strings")
    return tuple(cast(list[str], items))


def _when(o: _Obj, key: str, where: str) -> datetime:
    value = datetime.fromisoformat(_str(o, key, where))
    if value.tzinfo is None:
        raise ValueError(f"{where}: {key!r} has no UTC offset")
    return value


def _date(o: _Obj, key: str, where: str) -> date:
    return date.fromisoformat(_str(o, key, where))


def _article(o: _Obj, where: str) -> ScenarioArticle:
    return ScenarioArticle(
        id=_str(o, "id", where),
        outlet=_str(o, "outlet", where),
        url=_str(o, "url", where),
        title=_str(o, "title", where),
        published_at=None if o.get("published_at") is None else _when(o, "published_at", where),
        fetched_at=_when(o, "fetched_at", where),
        text=_str(o, "text", where),
        copy_of=_opt_str(o, "copy_of", where),
        story=_str(o, "story", where),
        author=_opt_str(o, "author", where),
    )


def _development(o: _Obj, where: str) -> Development:
    return Development(
        day=_date(o, "day", where),
        story=_str(o, "story", where),
        fact=_str(o, "fact", where),
        must_contain=_strs(o, "must_contain", where),
        source_ids=_strs(o, "source_ids", where),
        top=_bool(o, "top", where),
    )


def _old_fact(o: _Obj, day: date, where: str) -> OldFact:
    reason = _str(o, "reason", where)
    if reason not in REASONS:
        raise ValueError(f"{where}: unknown reason {reason!r}")
    return OldFact(
        day=day,
        story=_str(o, "story", where),
        fact=_str(o, "fact", where),
        must_contain=_strs(o, "must_contain", where),
        source_ids=_strs(o, "source_ids", where),
        reason=cast(Reason, reason),
        first_reported=_date(o, "first_reported", where),
    )


def _day(o: _Obj, where: str) -> Day:
    day = _date(o, "day", where)
    devs = _list(o.get("developments"), f"{where}: developments")
    olds = _list(o.get("old_facts"), f"{where}: old_facts")
    return Day(
        day=day,
        window_start=_when(o, "window_start", where),
        briefing_at=_when(o, "briefing_at", where),
        developments=tuple(
            _development(_obj(d, f"{where} #{i}"), f"{where} #{i}") for i, d in enumerate(devs)
        ),
        old_facts=tuple(
            _old_fact(_obj(d, f"{where} old #{i}"), day, f"{where} old #{i}")
            for i, d in enumerate(olds)
        ),
    )


def load_scenario(folder: Path = SCENARIO_DIR) -> Scenario:
    meta = _obj(_load(folder / "scenario.json"), "scenario.json")
    outlets = tuple(
        Outlet(
            key=_str(o, "key", "outlet"),
            name=_str(o, "name", "outlet"),
            host=_str(o, "host", "outlet"),
        )
        for o in (_obj(x, "outlet") for x in _list(meta.get("outlets"), "outlets"))
    )
    stories_obj = _obj(meta.get("stories"), "stories")
    stories = {key: _str(stories_obj, key, "stories") for key in stories_obj}
    articles = tuple(
        _article(_obj(_load(path), path.name), path.name)
        for path in sorted((folder / "articles").glob("*.json"))
    )
    devs = _obj(_load(folder / "developments.json"), "developments.json")
    days = tuple(
        _day(_obj(d, f"developments day #{i}"), f"developments day #{i}")
        for i, d in enumerate(_list(devs.get("days"), "developments.json: days"))
    )
    return Scenario(
        title=_str(meta, "title", "scenario.json"),
        topic=_str(meta, "topic", "scenario.json"),
        timezone=_str(meta, "timezone", "scenario.json"),
        keywords=_strs(meta, "keywords", "scenario.json"),
        outlets=outlets,
        stories=stories,
        articles=articles,
        days=days,
    )


def _question(o: _Obj, where: str) -> Question:
    kind = _str(o, "kind", where)
    if kind not in KINDS:
        raise ValueError(f"{where}: unknown kind {kind!r}")
    return Question(
        id=_str(o, "id", where),
        question=_str(o, "question", where),
        day=_date(o, "day", where),
        answerable=_bool(o, "answerable", where),
        reworded=_bool(o, "reworded", where),
        must_contain=_strs(o, "must_contain", where),
        source_ids=_strs(o, "source_ids", where),
        kind=cast(Kind, kind),
        previous=_opt_str(o, "previous", where),
    )


def load_questions(path: Path = QUESTIONS_FILE) -> list[Question]:
    return [
        _question(_obj(q, f"question #{i}"), f"question #{i}")
        for i, q in enumerate(_list(_load(path), "questions.json"))
    ]
