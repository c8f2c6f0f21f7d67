"""Adaptive Cards (schema 1.5) for Teams: pure functions, data in, JSON-ready dicts out.

Every piece of text from articles, users or the LLM goes through `card_text`, which keeps it
looking the same but breaks the two constructs that could mislead in a card's Markdown subset:
a link whose label hides its target (`[label](url)`) and `<at>` mentions or `<url>` autolinks.
Links are made here only, from stored URLs, by `link`. A card bigger than Teams accepts (about
28 KB per message) is split into several cards, never cut silently. Every card takes the
message's full width; a citation is a link to its source, or "[n]" matching the source list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.answer.quotes import QuoteList, no_quote_text
from bot.answer.render import shown
from bot.briefing.view import ViewItem, ViewSection, briefing_view
from bot.chat import (
    AnswerReply,
    BriefingReply,
    ErrorReply,
    HelpReply,
    QuotesReply,
    Reply,
    SourcesReply,
    SubscriptionReply,
    SummaryReply,
    TopicSources,
    user_message,
)
from bot.models import Briefing, SourceRef
from bot.text.safe import safe_text
from bot.text.when import local_time

if TYPE_CHECKING:
    from bot.answer.engine import Answer
    from bot.summarise.ondemand import OnDemandSummary

Element = dict[str, Any]
Card = dict[str, Any]

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
# Teams refuses messages over ~28 KB; keep each card's JSON well under it.
CARD_LIMIT = 24_000
ZWSP = "\u200b"


def card_text(text: str) -> str:
    """Untrusted text made inert for a TextBlock: same look, no links, no mentions."""
    folded = safe_text(text)  # no invisible controls, nothing Teams would make a link
    return folded.replace("](", f"]{ZWSP}(").replace("<", f"<{ZWSP}")


def link(url: str, label: str) -> str:
    """A Markdown link built from a stored URL (only http and https become links)."""
    safe_label = card_text(label).replace("[", "(").replace("]", ")")
    if not re.match(r"^https?://", url, re.IGNORECASE):
        return safe_label
    target = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")
    return f"[{safe_label}]({target})"


def _cite(n: int, ref: SourceRef) -> str:
    """A citation: a link labelled n to its source, or "[n]" (numbered as in the source list)
    when the source has no web address."""
    if re.match(r"^https?://", ref.url, re.IGNORECASE):
        return link(ref.url, f"{n}")
    return f"[{n}]"


def _cites(numbers: Sequence[int], refs: dict[int, SourceRef]) -> str:
    return " ".join(_cite(n, refs[n]) for n in numbers if n in refs)


MAX_TEXT = 2000  # characters of one point or quote, so any single element fits a card


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rsplit(" ", 1)[0] + "…"


def _point(item: ViewItem, refs: dict[int, SourceRef]) -> str:
    cites = _cites(item.citations, refs)
    return f"{_clip(card_text(item.text))} {cites}".rstrip()


def text_block(text: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def card(body: Sequence[Element]) -> Card:
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": list(body),
        "msteams": {"width": "Full"},
    }


def attachment(content: Card) -> dict[str, Any]:
    return {"contentType": "application/vnd.microsoft.card.adaptive", "content": content}


def webhook_message(content: Card) -> dict[str, Any]:
    """The payload a Workflows webhook ("post a card when a webhook request is received")
    expects: a message with the card as its one attachment."""
    return {"type": "message", "attachments": [{**attachment(content), "contentUrl": None}]}


def size(content: Card) -> int:
    """Bytes of the message carrying the card, counted the large way (non-ASCII escaped)."""
    return len(json.dumps(webhook_message(content)).encode())


def _section_elements(section: ViewSection, refs: dict[int, SourceRef]) -> list[Element]:
    containers: list[list[Element]] = []
    if section.kind == "stories":
        for story in section.items:
            new = " 🆕" if story.is_new else ""
            items = [text_block(f"**{_point(story, refs)}**{new}")]
            items += [text_block(f"• {_point(p, refs)}", spacing="Small") for p in story.points]
            containers.append(items)
    elif section.kind == "quotes":
        items = [text_block(f"**{section.heading}**")]
        for q in section.items:
            who = card_text(q.speaker) if q.speaker else f"_{q.attribution}_"
            items.append(
                text_block(
                    f"“{card_text(q.text)}” — {who} {_cites(q.citations, refs)}",
                    spacing="Small",
                )
            )
        containers.append(items)
    else:
        items = [text_block(f"**{section.heading}**")]
        items += [text_block(f"• {_point(p, refs)}", spacing="Small") for p in section.items]
        if not section.items and section.empty_text:
            items.append(text_block(section.empty_text))
        containers.append(items)
    return [{"type": "Container", "separator": True, "items": items} for items in containers]


def briefing_elements(briefing: Briefing, *, hint: str) -> list[Element]:
    """All of a briefing's elements, in order (`briefing_cards` packs them into cards)."""
    view = briefing_view(briefing)
    refs = {r.n: r for r in view.sources}
    out: list[Element] = [
        text_block(f"{card_text(view.title)} — {view.date}", size="Large", weight="Bolder")
    ]
    if view.no_coverage:
        out.append(text_block(f"**{view.no_coverage_lead}** {view.no_coverage_rest}"))
        out.append(text_block(view.window_short, isSubtle=True, size="Small"))
        return out
    for section in view.sections:
        out += _section_elements(section, refs)
    out.append(text_block(f"**{view.sources_heading}**", separator=True))
    for r in view.sources:
        site = f" — {card_text(r.site)}" if r.site else ""
        out.append(text_block(f"{r.n}. {link(r.url, r.title)}{site}", spacing="None"))
    notes = [view.window_short, view.stats]
    notes += [f"⚠️ {notice.short}" for notice in view.notices]
    out.append(text_block(" · ".join(notes), isSubtle=True, size="Small", separator=True))
    out.append(text_block(hint, isSubtle=True, size="Small"))
    return out


def briefing_cards(briefing: Briefing, *, hint: str = "", limit: int = CARD_LIMIT) -> list[Card]:
    """The briefing as one card, or as several when one would be over Teams' size limit."""
    elements = briefing_elements(
        briefing, hint=hint or "Mention @briefbot to ask about today's coverage."
    )
    room = limit - 600  # for the "(continued, n of N)" line a later card starts with
    cards: list[list[Element]] = [[]]
    for element in elements:
        if cards[-1] and size(card([*cards[-1], element])) > room:
            cards.append([])
        cards[-1].append(element)
    if len(cards) == 1:
        return [card(cards[0])]
    total = len(cards)
    title = card_text(briefing.title)
    return [
        card(
            body
            if n == 1
            else [text_block(f"{title} (continued, {n} of {total})", weight="Bolder"), *body]
        )
        for n, body in enumerate(cards, start=1)
    ]


def fallback_text(briefing: Briefing) -> str:
    if briefing.no_coverage:
        return f"{card_text(briefing.title)}: no new coverage."
    return f"{card_text(briefing.title)}: {len(briefing.stories)} stories."


# ---------------------------------------------------------------------- answers, summaries, help


def _ref_line(ref: SourceRef) -> Element:
    site = f" — {card_text(ref.site)}" if ref.site else ""
    return text_block(f"{ref.n}. {link(ref.url, ref.title)}{site}", spacing="None")


def answer_card(answer: Answer) -> Card:
    """An answer with linked citations, or the refusal and the closest articles (never an
    empty TextBlock)."""
    answer = shown(answer)
    refs = {r.n: r for r in answer.sources}
    text = card_text(answer.text)
    if answer.answered:
        text = re.sub(r"\[(\d+)\]", lambda m: _cites((int(m.group(1)),), refs) or m.group(0), text)
    body = [text_block(text)]
    listed = answer.sources if answer.answered else answer.closest
    if listed:
        title = "**Sources**" if answer.answered else "**Closest articles**"
        body.append(text_block(title, separator=True))
        body += [_ref_line(r) for r in listed[:10]]
    if answer.degraded:
        body.append(
            text_block(
                "⚠️ answered offline (the language model was unavailable)",
                isSubtle=True,
                size="Small",
            )
        )
    return card(body)


def summary_card(summary: OnDemandSummary) -> Card:
    """Key points and verbatim quotes of one article, with its link."""
    title = link(summary.url, summary.title) if summary.url else card_text(summary.title)
    body = [text_block(f"**{title}**", size="Medium"), text_block("**Key points**")]
    body += [
        text_block(f"• {card_text(p.text)}", spacing="Small") for p in summary.summary.key_points
    ] or [text_block("_none found_")]
    if summary.summary.quotes:
        body.append(text_block("**Quotes**", separator=True))
        for q in summary.summary.quotes:
            who = card_text(q.speaker) if q.speaker else "_unattributed_"
            body.append(text_block(f"“{card_text(q.text)}” — {who}", spacing="Small"))
    else:
        body.append(text_block("No quotes found in the article.", isSubtle=True))
    if summary.summary.degraded:
        body.append(
            text_block("⚠️ summarised offline (the language model was unavailable)", isSubtle=True)
        )
    elif summary.summary.partly_degraded:
        body.append(
            text_block(
                "⚠️ some of what the language model wrote was not in the article; the "
                "article's own sentences are shown instead",
                isSubtle=True,
            )
        )
    return card(body)


HELP_LINES = (
    "**briefbot** — briefings on the stories this team follows",
    "• **today** — today's briefing",
    "• **ask** _question_ — an answer from the collected coverage, with sources",
    "• **summarize** _link or text_ — key points and quotes of one article",
    "• **quotes** _person_ — who said what: their verbatim quotes, newest first",
    "• **sources** — the topics, their sources and where each briefing is posted",
    "• **subscribe** _[topic] [7am] [time zone]_ — a daily briefing here "
    "(e.g. **subscribe 7:30am Europe/Brussels**)",
    "• **unsubscribe** _[topic]_ — stop it (a schedule from briefbot.toml is muted here)",
    "• **help** — this message",
    "Or just ask a question (in a channel, mention @briefbot). Reply in the same thread for "
    "follow-ups.",
)


def help_card(problem: str | None = None) -> Card:
    body = [text_block(line, spacing="Small") for line in HELP_LINES]
    if problem:
        body.insert(0, text_block(f"🤔 {card_text(problem)}"))
    return card(body)


def notice_card(text: str) -> Card:
    """A short message of ours; `text` is trusted."""
    return card([text_block(text)])


def error_card(exc: BaseException) -> Card:
    """A failure as a short card (the words are `user_message`'s)."""
    return warning_card(user_message(exc))


def warning_card(message: str) -> Card:
    """A user-safe one-line message of ours as a warning."""
    return notice_card(f"⚠️ {card_text(message)}")


def quotes_card(found: QuoteList) -> Card:
    """Who said what: each quote verbatim, its speaker and date, and its linked sources; or
    the one line saying there is none (or whom an ambiguous name could mean)."""
    if not found.quotes:
        return card([text_block(card_text(no_quote_text(found)))])
    head = f"Quotes from {found.person}" if found.person else "Latest quotes"
    body = [text_block(f"**{card_text(head)}**", size="Medium")]
    for q in found.quotes:
        sources = " · ".join(
            link(r.url, r.title) + (f" — {card_text(r.site)}" if r.site else "")
            for r in q.sources[:5]
        )
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    text_block(f"“{_clip(card_text(q.text))}”"),
                    text_block(
                        f"— **{card_text(q.speaker)}**, {local_time(q.at, found.timezone)}",
                        spacing="Small",
                    ),
                    text_block(sources, spacing="Small", isSubtle=True, size="Small"),
                ],
            }
        )
    return card(body)


# ---------------------------------------------------------------------------------- replies

ORIGINS = {
    "file": "set in briefbot.toml",
    "chat": "subscribed from chat",
    "muted": "set in briefbot.toml, muted from chat (**subscribe** there resumes it)",
}


def sources_card(topics: Sequence[TopicSources]) -> Card:
    """The topics, their sources and when each was last fetched, and where each briefing is
    posted and where that schedule comes from."""
    body: list[Element] = []
    for topic in topics:
        items = [text_block(f"**{card_text(topic.title)}** ({card_text(topic.name)})")]
        items += [
            text_block(f"• {card_text(s.label)} — {card_text(s.status)}", spacing="None")
            for s in topic.sources[:30]
        ]
        if len(topic.sources) > 30:
            items.append(text_block(f"… and {len(topic.sources) - 30} more", spacing="None"))
        items += [
            text_block(
                f"Briefing → {card_text(line.platform)} {card_text(line.channel)} at {line.at} "
                f"({card_text(line.timezone)}) — {ORIGINS[line.origin]}",
                spacing="Small",
                isSubtle=True,
            )
            for line in topic.schedules[:30]
        ]
        body.append({"type": "Container", "separator": True, "items": items})
    return card(body or [text_block("No topics are configured yet.")])


def subscription_text(reply: SubscriptionReply) -> str:
    """What changed in this conversation's schedule (Markdown of ours)."""
    topics = ", ".join(f"**{card_text(t)}**" for t in reply.topics)
    when = f"every day at {reply.at} ({card_text(reply.timezone or '')})"
    if reply.change == "subscribed":
        return f"✅ This conversation will get the {topics} briefing {when}."
    if reply.change == "changed":
        return f"✅ This conversation now gets the {topics} briefing {when}."
    if reply.change == "resumed":
        return f"✅ This conversation gets the {topics} briefing again, {when}."
    text = f"👋 No more {topics} briefings here."
    if reply.muted:
        muted = ", ".join(card_text(t) for t in reply.muted)
        text += (
            f" The schedule in briefbot.toml ({muted}) is muted for this conversation; "
            "**subscribe** resumes it."
        )
    return text


THREAD_HINT = "Reply here to ask about today's coverage."


def reply_cards(reply: Reply) -> list[tuple[Card, str]]:
    """The cards of a chat reply, each with its notification text."""
    match reply:
        case BriefingReply(briefings):
            return [
                (c, fallback_text(b))
                for b in briefings
                for c in briefing_cards(b, hint=THREAD_HINT)
            ] or [(notice_card("No topics are configured yet."), "No briefings")]
        case AnswerReply(answer):
            return [(answer_card(answer), card_text(answer.text)[:200])]
        case SummaryReply(summary):
            return [(summary_card(summary), f"Summary: {card_text(summary.title)[:200]}")]
        case QuotesReply(found):
            first = card_text(found.quotes[0].speaker) if found.quotes else "No quotes"
            return [(quotes_card(found), f"Quotes: {first[:200]}")]
        case SourcesReply(topics):
            return [(sources_card(topics), "Sources")]
        case SubscriptionReply():
            text = subscription_text(reply)
            return [(notice_card(text), text[:200])]
        case HelpReply(problem):
            return [(help_card(problem), "How to use briefbot")]
        case ErrorReply(message):
            return [(warning_card(message), "briefbot could not do that")]
