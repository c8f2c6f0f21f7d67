"""Whose words a sentence gives: who says it (named before its verb, or right after it),
who a question's role or office stands for, a quotation read whole across its sentences, and
the sentence or paragraph around a quote that says what it is about (pure).

Must not: decide whether a sentence answers a question (evidence.py does, with these).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from bot.answer.sentences import stem, stems
from bot.text.sentences import split_sentences

# A run of capitalised words outside quotation marks: a name ("Paul Drummond", "Forkly").
NAME_RUN = re.compile(r"(?<![\w’'])[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")


def spoken_by_another(sentence: str, speaker: AbstractSet[str]) -> bool:
    """Whether a sentence gives only the sayings of people other than the one asked about
    ("Deputy Camila Ortega said she would ask Quintanar …" is not Quintanar's words). A saying
    is by the names before its verb in its clause ("Quintanar, Celvanta's chief, said"), or
    by the name right after it ("…,” said Quintanar"); one by a pronoun or a role may be
    theirs, and so is never another's."""
    text = unquoted(sentence)
    another = False
    for verb in _SPEECH.finditer(text):
        clause = re.split(r";|\bthat\b|\bwhile\b|\bbut\b", text[: verb.start()])[-1]
        after = NAME_RUN.match(text, verb.end() + 1)
        if stems(clause) >= speaker:
            return False  # "Quintanar, Celvanta's chief, said", "Ruiz, the minister, said"
        found = [r for r in NAME_RUN.finditer(clause) if not _calendar(r.group())]
        runs = [r.group() for r in found if not _opening(text, clause, r)]
        if not runs and after is not None:
            if stems(after.group()) >= speaker:
                return False  # "…,” said Quintanar"
            runs = [after.group()]
        if not runs:
            return False  # "she said", "the minister said": perhaps the one asked about
        another = True
    return another


def _calendar(run: str) -> bool:
    return {w.casefold() for w in run.split()} <= CALENDAR


def _opening(text: str, clause: str, run: re.Match[str]) -> bool:
    """A sentence's capitalised first word standing alone ("The", "Shares"), unless the
    saying follows it at once ("Marrow said")."""
    return (
        text.startswith(clause)
        and run.start() == 0
        and " " not in run.group()
        and clause.strip() != run.group()
    )


_SPEECH = re.compile(
    r"\b(?:said|says|told|tells|added|adds|warned|warns|argued|argues|insisted|insists|"
    r"wrote|writes|replied|replies|responded|responds|asked|asks)\b"
)


CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december".split()
)


def speaker_words(person: str) -> AbstractSet[str]:
    """What a sentence must name to be someone's words: a name's surname ("Whitcombe said"
    names Daniel Whitcombe), or every word of a role ("Heliant's chief executive")."""
    # "the PM's office", "the minister's spokesman": the office speaks for its holder ("a
    # spokesman for Prime Minister Halvard Renko said")
    person = _SPEAKS_FOR.sub("", person.replace("’", "'"))
    words = person.split()
    if all(w[:1].isupper() for w in words):
        return {stem(words[-1])}
    # "the head of the medicines regulator": the head, and the regulator ("the regulator's
    # director general"); what kind of regulator is the passage's to say
    m = _ROLE_OF.match(person)
    if m is not None:
        return (stems(m.group(1)) | {stem(m.group(2))}) - _SPEAKER_STOPWORDS
    return stems(person) - _SPEAKER_STOPWORDS


_SPEAKS_FOR = re.compile(
    r"'s (?:press )?(?:office|spokes(?:man|woman|person|people)|camp|team|aides?)$", re.IGNORECASE
)


_ROLE_OF = re.compile(
    r"(?:the |its |their )?([a-z][\w -]*?) of (?:the )?(?:[a-z][\w-]* )*([a-z][\w-]+)$"
)


_SPEAKER_STOPWORDS = frozenset({"the", "of", "a", "an", "for", "at", "in", "on"})


def paragraph_around(text: str, quote: str) -> str:
    """The paragraph of an article that holds a quote, with the one before it when the quote
    opens its paragraph, as that one then says what the quote is about ("… in a televised
    address." / "“The deal is done.”"); empty when the quote is not found. A paragraph that
    introduces its speaker itself ("The mayor, Ana Holm, said …") is about its own news."""
    at = text.find(quote[: min(len(quote), 60)])
    if at < 0:
        return ""
    start = text.rfind("\n", 0, at) + 1
    if not text[start:at].strip(" “\"'‘"):
        before = text[:start].rstrip("\n")
        start = before.rfind("\n") + 1 if before else start
    end = text.find("\n", at)
    return text[start : end if end >= 0 else len(text)]


def unquoted(sentence: str) -> str:
    """A sentence without the words it quotes: "“The President wants a deal,” she said." is
    "she said."; a quotation left open or closed from the sentence before counts too."""
    out = re.sub(r"“[^”]*(?:”|$)", " ", sentence)
    out = re.sub(r"^[^“]*”", " ", out) if "”" in out else out
    out = re.sub(r'"[^"]*(?:"|$)', " ", out)
    return " ".join(out.split())


def lead_in(text: str, quote: str, speaker: str) -> str:
    """The sentence right before a quote in its paragraph when it is the speaker's own
    reported words ("Carvell said the framework was a package. “If one part …”"), which
    often says what the quote is about; empty otherwise."""
    at = text.find(quote[: min(len(quote), 60)])
    if at < 0 or not speaker.split():
        return ""
    start = text.rfind("\n", 0, at) + 1
    before = text[start:at].rstrip().rstrip('“"').rstrip()
    if not before or not before.endswith((".", ":")):
        return ""
    sentences = split_sentences(before)
    last = " ".join(sentences[-1].text.split()) if sentences else ""
    surname = speaker.split()[-1]
    if (
        not last
        or QUOTE_MARK.search(last)
        or not re.search(rf"\b{re.escape(surname)}\b", last)
        or not re.search(r"\b(?:said|says|told|warned|added|argued|insisted)\b", last)
    ):
        return ""
    return last


QUOTE_MARK = re.compile(r"[“”\"]")


# Sentences of one quotation read as one: its speaker is named after its last sentence.
QUOTE_SENTENCES = 3


def joined_quotes(sentences: Sequence[str]) -> list[str]:
    """Sentences with a quotation of a few sentences read as one ("“Seventy-two hours is not
    a suggestion. It is the law,” Albornoz said."): its first sentence alone names no
    speaker and says only part of it. A quotation left open longer stays cut."""
    out: list[str] = []
    i = 0
    while i < len(sentences):
        end = i
        if _open_quote(sentences[i]):
            end = next(
                (
                    j
                    for j in range(i + 1, min(i + QUOTE_SENTENCES, len(sentences)))
                    if not _open_quote(" ".join(sentences[i : j + 1]))
                ),
                i,
            )
        out.append(" ".join(sentences[i : end + 1]))
        i = end + 1
    return out


def _open_quote(text: str) -> bool:
    """Whether a quotation opened in the text is still open at its end."""
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def whole_quotes(sentence: str) -> str:
    """A sentence cut from a longer quotation, with its quotation marks made whole: "We could
    run out in May,” he said." reads “We could run out in May,” he said."; an opening mark
    the quotation closes in a later sentence is closed at the end."""
    first_close, first_open = sentence.find("”"), sentence.find("“")
    if first_close >= 0 and (first_open < 0 or first_close < first_open):
        sentence = "“" + sentence
    if sentence.count("“") > sentence.count("”"):
        sentence = sentence.rstrip() + "”"
    return sentence
