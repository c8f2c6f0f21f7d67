"""Teams' own thumbs up/down (its feedback loop) under answers, stored with Slack's votes."""

from __future__ import annotations

from typing import Any

import httpx

from bot.runtime import Runtime
from bot.store import Store
from testkit.teams import FakeTeams
from tests.helpers.teams import message
from tests.teams.test_chat_verbs import send


def feedback(fake: FakeTeams, reply_to: str, reaction: str) -> dict[str, Any]:
    """The invoke Teams sends when someone clicks a thumb under a message."""
    activity = message("", fake)
    activity.update(
        type="invoke",
        name="message/submitAction",
        replyToId=reply_to,
        value={"actionName": "feedback", "actionValue": {"reaction": reaction, "feedback": ""}},
    )
    del activity["text"]
    return activity


async def test_an_answer_carries_feedback_and_a_vote_is_stored(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams, corpus: Store
) -> None:
    await send(http, app, message("ask What deadline did the Commission set?", fake_teams))
    answer = fake_teams.activities()[-1].body
    assert answer["channelData"]["feedbackLoop"] == {"type": "default"}
    sent_id = f"activity-{len(fake_teams.received)}"  # the stand-in numbers what it receives
    response = await http.post(
        f"{app.url}/api/messages", json=feedback(fake_teams, sent_id, "like")
    )
    assert response.status_code == 200
    response = await http.post(
        f"{app.url}/api/messages", json=feedback(fake_teams, sent_id, "dislike")
    )  # a changed mind replaces the vote
    assert response.status_code == 200
    [count] = await corpus.feedback.counts()
    assert (count.kind, count.up, count.down) == ("answer", 0, 1)


async def test_help_and_refusals_carry_no_feedback(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams, corpus: Store
) -> None:
    await send(http, app, message("ask What is the capital of Peru?", fake_teams))
    assert "channelData" not in fake_teams.activities()[-1].body or "feedbackLoop" not in (
        fake_teams.activities()[-1].body.get("channelData") or {}
    )
