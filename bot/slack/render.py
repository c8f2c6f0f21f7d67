"""Block Kit for briefings, answers and summaries: pure functions, data in, JSON-ready dicts out.

Every piece of text from articles, users or the LLM goes through `escape` (`&`, `<`, `>`), so it
can never become a mention (`<!channel>`, `<!here>`, `<@U…>`) or a link whose label hides its
target; links are made here only, from stored URLs, by `link`. Messages stay within Slack's
limits (50 blocks, 3,000 characters per section, 150 per header); a long briefing is split
into a first message and follow-ups for its thread, never truncated silently, and every message
carries a plain-text fallback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

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
from bot.slack.feedback import feedback_block
from bot.text.safe import safe_text, strip_invisible
from bot.text.when import local_time

if TYPE_CHECKING:
    from bot.answer.engine import Answer
    from bot.summarise.ondemand import OnDemandSummary

Block = dict[str, Any]
Message = tuple[str, list[Block]]  # (plain-text fallback, blocks)

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_CONTEXT_ELEMENTS = 10


PARTLY_OWN_WORDS = (
    "some of what the language model wrote was not in the article; the article's own "
    "sentences are shown instead"
)


def escape(text: str) -> str:
    """Untrusted text made inert for mrkdwn: control characters become entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> str:
    """Untrusted text with white space folded, invisible controls removed and nothing left
    that Slack would turn into a link (for escaping, or for `plain_text`)."""
    return safe_text(text)


def plain_text(text: str) -> str:
    """Untrusted text for plain_text fields and fallbacks: angle brackets become look-alikes,
    so nothing in it is ever read as a mention or a link, whatever the field."""
    return plain(text).replace("<", "‹").replace(">", "›")


def link(url: str, label: str) -> str:
    """A link whose label is escaped and whose target cannot break out of the link syntax."""
    if not re.match(r"^https?://", url, re.IGNORECASE):
        return escape(label)
    target = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
    return f"<{target}|{escape(plain(label))[:300]}>"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _cites(numbers: Sequence[int], refs: dict[int, SourceRef]) -> str:
    return " ".join(link(refs[n].url, f"[{n}]") for n in numbers if n in refs)


def _point(item: ViewItem, refs: dict[int, SourceRef]) -> str:
    return f"{escape(plain(item.text))} {_cites(item.citations, refs)}".rstrip()


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, MAX_SECTION)}}


def _context(*texts: str) -> Block:
    elements = [{"type": "mrkdwn", "text": _clip(t, MAX_SECTION)} for t in texts if t]
    return {"type": "context", "elements": elements[:MAX_CONTEXT_ELEMENTS]}


def _section_blocks(section: ViewSection, refs: dict[int, SourceRef]) -> list[Block]:
    if section.kind == "stories":
        blocks = []
        for story in section.items:
            lines = [f"*{_point(story, refs)}*" + ("  :new:" if story.is_new else "")]
            lines += [f"• {_point(p, refs)}" for p in story.points]
            blocks.append(_section("\n".join(lines)))
        return blocks
    if section.kind == "quotes":
        quotes = [
            f"> “{escape(plain(q.text))}” — "
            f"{escape(plain(q.speaker)) if q.speaker else f'_{q.attribution}_'} "
            f"{_cites(q.citations, refs)}"
            for q in section.items
        ]
        return [_section(f"*{section.heading}*\n" + "\n".join(quotes))]
    text = "\n".join(f"• {_point(p, refs)}" for p in section.items) or (section.empty_text or "")
    return [_section(f"*{section.heading}*\n{text}")]


THREAD_HINT = "Reply in this thread to ask about today's coverage."
NO_THREAD_HINT = "Ask about today's coverage with `/brief ask …`, or mention me in a channel."


def briefing_blocks(briefing: Briefing, *, threaded: bool = True) -> list[Block]:
    """All the blocks of a briefing, in order (use `split_messages` before posting);
    `threaded`: its thread is answered (an ephemeral message has no thread to promise)."""
    view = briefing_view(briefing)
    refs = {r.n: r for r in view.sources}
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": _clip(f"{plain_text(view.title)} — {view.date}", MAX_HEADER),
            },
        }
    ]
    if view.no_coverage:
        blocks.append(_section(f"*{view.no_coverage_lead}* {view.no_coverage_rest}"))
        blocks.append(_context(view.window_short))
        return blocks
    for section in view.sections:
        blocks += _section_blocks(section, refs)
    blocks.append({"type": "divider"})
    sources = [
        f"{r.n}. {link(r.url, r.title)}" + (f" — {escape(plain(r.site))}" if r.site else "")
        for r in view.sources
    ]
    for start in range(0, len(sources), 10):  # keep each sources section well under the limit
        heading = f"*{view.sources_heading}*\n" if start == 0 else ""
        blocks.append(_section(heading + "\n".join(sources[start : start + 10])))
    notes = [view.window_short, view.stats]
    notes += [f":warning: {notice.short}" for notice in view.notices]
    blocks.append(_context(*notes))
    blocks.append(_context(THREAD_HINT if threaded else NO_THREAD_HINT))
    return blocks


def fallback_text(briefing: Briefing) -> str:
    """The plain-text version Slack shows in notifications and to screen readers."""
    head = f"{plain_text(briefing.title)}: "
    if briefing.no_coverage:
        return head + "no new coverage."
    first = plain_text(briefing.stories[0].headline.text)
    return _clip(head + f"{len(briefing.stories)} stories. {first}", 300)


def split_messages(blocks: Sequence[Block], *, max_blocks: int = MAX_BLOCKS) -> list[list[Block]]:
    """Blocks grouped into messages of at most max_blocks (the first is posted, the rest go
    into its thread); a header stays with the first message."""
    messages: list[list[Block]] = []
    current: list[Block] = []
    for block in blocks:
        if len(current) >= max_blocks:
            messages.append(current)
            current = []
        current.append(block)
    if current:
        messages.append(current)
    return messages


# ---------------------------------------------------------------------- answers, summaries, help


def _ref_line(ref: SourceRef) -> str:
    site = f" — {escape(plain(ref.site))}" if ref.site else ""
    return f"{ref.n}. {link(ref.url, ref.title)}{site}"


def answer_blocks(answer: Answer) -> list[Block]:
    """An answer with linked citations, or the refusal and the closest articles (never an
    empty section: Slack refuses the whole message)."""
    answer = shown(answer)
    refs = {r.n: r for r in answer.sources}
    text = escape(plain(answer.text))
    if answer.answered:
        # [n] markers are ours: turn each into a link to its source, leave the rest escaped.
        text = re.sub(
            r"\[(\d+)\]",
            lambda m: _cites((int(m.group(1)),), refs) or m.group(0),
            text,
        )
    blocks = [_section(text)]
    listed = answer.sources if answer.answered else answer.closest
    if listed:
        title = "*Sources*" if answer.answered else "*Closest articles*"
        blocks.append(_section(title + "\n" + "\n".join(_ref_line(r) for r in listed[:10])))
    if answer.degraded:
        blocks.append(_context(":warning: answered offline (the language model was unavailable)"))
    return blocks


def answer_fallback(answer: Answer) -> str:
    return _clip(plain_text(shown(answer).text), 300)


def summary_blocks(summary: OnDemandSummary) -> list[Block]:
    """Key points and verbatim quotes of one article, with its link."""
    title = link(summary.url, summary.title) if summary.url else escape(plain(summary.title))
    points = [f"• {escape(plain(p.text))}" for p in summary.summary.key_points]
    blocks = [
        _section(f"*{title}*"),
        _section("*Key points*\n" + ("\n".join(points) or "_none found_")),
    ]
    if summary.summary.quotes:
        quotes = [
            f"> “{escape(plain(q.text))}” — "
            + (escape(plain(q.speaker)) if q.speaker else "_unattributed_")
            for q in summary.summary.quotes
        ]
        blocks.append(_section("*Quotes*\n" + "\n".join(quotes)))
    else:
        blocks.append(_context("No quotes found in the article."))
    if summary.summary.degraded:
        blocks.append(_context(":warning: summarised offline (the language model was unavailable)"))
    elif summary.summary.partly_degraded:
        blocks.append(_context(":warning: " + PARTLY_OWN_WORDS))
    return blocks


def summary_fallback(summary: OnDemandSummary) -> str:
    return _clip(f"Summary: {plain_text(summary.title)}", 300)


HELP = (
    "*/brief* — briefings on the stories this workspace follows\n"
    "• `/brief today` — today's briefing, just for you (`/brief today public` posts it here)\n"
    "• `/brief ask <question>` — an answer from the collected coverage, with sources\n"
    "• `/brief summarize <link or text>` — key points and quotes of one article\n"
    "• `/brief sources` — the topics, their sources and where each briefing is posted\n"
    "• `/brief quotes [person]` — who said what: their verbatim quotes, newest first\n"
    "• `/brief subscribe [topic] [7am | 07:00] [time zone]` — a daily briefing in this channel "
    "(e.g. `/brief subscribe 7:30am Europe/Brussels`)\n"
    "• `/brief unsubscribe [topic]` — stop it (a schedule from briefbot.toml is muted here)\n"
    "Reply in a briefing's thread, or mention me, to ask follow-up questions."
)


def help_blocks(problem: str | None = None) -> list[Block]:
    """The /brief help, after a note on what was not understood (the note is ours, with the
    user's word already escaped by the parser's caller)."""
    blocks = [_section(HELP)]
    if problem:
        blocks.insert(0, _section(f":thinking_face: {escape(problem)}"))
    return blocks


def error_text(exc: BaseException) -> str:
    """A failure as a short mrkdwn message (the words are `user_message`'s)."""
    return warning_text(user_message(exc))


def warning_text(message: str) -> str:
    """A user-safe one-line message of ours as a warning, escaped."""
    return f":warning: {escape(message)}"


def notice_blocks(text: str) -> list[Block]:
    """A short message of ours (errors, confirmations); `text` is trusted mrkdwn."""
    return [_section(text)]


ORIGINS = {
    "file": "set in briefbot.toml",
    "chat": "subscribed from chat",
    "muted": "set in briefbot.toml, muted from chat (`/brief subscribe` there resumes it)",
}


def sources_blocks(topics: Sequence[TopicSources]) -> list[Block]:
    """The topics, their sources and when each was last fetched, and where each briefing is
    posted and where that schedule comes from."""
    blocks: list[Block] = []
    for topic in topics:
        lines = [f"*{escape(plain(topic.title))}* (`{escape(topic.name)}`)"]
        for source in topic.sources[:20]:
            status = source.status
            # the operator's own configuration, not untrusted text: shown as written
            label = " ".join(strip_invisible(source.label).split())
            lines.append(f"• {escape(label)} — {escape(status)}")
        if len(topic.sources) > 20:
            lines.append(f"… and {len(topic.sources) - 20} more")
        for line in topic.schedules[:20]:
            where = channel_ref(line.channel) if line.platform == "slack" else escape(line.channel)
            lines.append(
                f"Briefing → {escape(line.platform)} {where} at {line.at} "
                f"({escape(line.timezone)}) — {ORIGINS[line.origin]}"
            )
        blocks.append(_section("\n".join(lines)))
    return blocks[:MAX_BLOCKS] or [_section("No topics are configured yet.")]


def channel_ref(channel: str) -> str:
    """A channel mention for a channel id we know (only Slack ids become links)."""
    return f"<#{channel}>" if re.fullmatch(r"[CG][A-Z0-9]{2,20}", channel) else escape(channel)


# ---------------------------------------------------------------------------------- quotes


def quotes_blocks(found: QuoteList) -> list[Block]:
    """Who said what: each quote verbatim, its speaker and date, and its linked sources; or
    the one line saying there is none (or whom an ambiguous name could mean)."""
    if not found.quotes:
        return [_section(f":mag: {escape(plain(no_quote_text(found)))}")]
    head = f"Quotes from {found.person}" if found.person else "Latest quotes"
    blocks = [_section(f"*{escape(plain(head))}*")]
    for q in found.quotes[: MAX_BLOCKS - 1]:
        sources = " · ".join(
            link(r.url, r.title) + (f" — {escape(plain(r.site))}" if r.site else "")
            for r in q.sources[:5]
        )
        blocks.append(
            _section(
                f"> “{escape(_clip(plain(q.text), 1500))}”\n"
                f"— *{escape(plain(q.speaker))}*, {local_time(q.at, found.timezone)}\n{sources}"
            )
        )
    return blocks


def quotes_fallback(found: QuoteList) -> str:
    if not found.quotes:
        return _clip(plain_text(no_quote_text(found)), 300)
    first = found.quotes[0]
    return _clip(plain_text(f"{first.speaker}: “{first.text}”"), 300)


# ---------------------------------------------------------------------------------- replies


def subscription_text(reply: SubscriptionReply) -> str:
    """What changed in a channel's schedule, in one message of ours (mrkdwn)."""
    here = channel_ref(reply.channel)
    topics = ", ".join(f"*{escape(t)}*" for t in reply.topics)
    when = f"every day at {reply.at} ({escape(reply.timezone or '')})"
    if reply.change == "subscribed":
        return f":white_check_mark: {here} will get the {topics} briefing {when}."
    if reply.change == "changed":
        return f":white_check_mark: {here} now gets the {topics} briefing {when}."
    if reply.change == "resumed":
        return f":white_check_mark: {here} gets the {topics} briefing again, {when}."
    text = f":wave: No more {topics} briefings here."
    if reply.muted:
        muted = ", ".join(f"`{escape(t)}`" for t in reply.muted)
        text += (
            f" The schedule in briefbot.toml ({muted}) is muted for this channel; "
            "`/brief subscribe` resumes it."
        )
    return text


def reply_messages(reply: Reply, *, threaded: bool = True, feedback: bool = False) -> list[Message]:
    """The Slack messages of a chat reply, in order (a long briefing is several);
    `threaded`: the messages are posted where a thread reply is answered; `feedback`: an
    answer or a briefing ends with thumbs up/down."""
    messages = _reply_messages(reply, threaded=threaded)
    if feedback and messages:
        rated: tuple[Literal["answer", "briefing"], str] | None = None
        if isinstance(reply, AnswerReply) and reply.answer.answered:
            rated = ("answer", reply.answer.question)
        elif isinstance(reply, BriefingReply) and reply.briefings:
            first = reply.briefings[0]
            rated = ("briefing", f"{first.topic}:{first.generated_at.date().isoformat()}")
        if rated is not None:
            text, blocks = messages[-1]
            messages[-1] = (text, [*blocks, feedback_block(*rated)])
    return messages


def _reply_messages(reply: Reply, *, threaded: bool) -> list[Message]:
    match reply:
        case BriefingReply(briefings):
            out: list[Message] = []
            for briefing in briefings:
                text = fallback_text(briefing)
                blocks = briefing_blocks(briefing, threaded=threaded)
                out += [(text, part) for part in split_messages(blocks)]
            return out or [("No briefings", notice_blocks("No topics are configured yet."))]
        case AnswerReply(answer):
            return [(answer_fallback(answer), answer_blocks(answer))]
        case SummaryReply(summary):
            return [(summary_fallback(summary), summary_blocks(summary))]
        case QuotesReply(found):
            return [(quotes_fallback(found), quotes_blocks(found))]
        case SourcesReply(topics):
            return [("Sources", sources_blocks(topics))]
        case SubscriptionReply():
            text = subscription_text(reply)
            return [(text, notice_blocks(text))]
        case HelpReply(problem):
            return [("How to use briefbot", help_blocks(problem))]
        case ErrorReply(message):
            text = warning_text(message)
            return [(text, notice_blocks(text))]
