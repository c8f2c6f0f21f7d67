"""Which sentence answers a question: pure functions of text, no store, no model.

A question is read for its content words (stemmed, with the common synonyms of news writing
folded together, so "shuts" meets "close" and "walkout" meets "strike"), the names it
mentions, and what kind of answer it wants (a figure, a time, a person, someone's words). A
sentence answers when it has that kind of thing and enough of the question's words; names
must all be in its passage. The answer engine adds similarity of meaning on top.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from bot.answer.seats import SEATS
from bot.answer.wording import CHAT, IRREGULAR, fold_phrases
from bot.answer.wording import FOLD as _FOLD
from bot.text import money

if TYPE_CHECKING:
    from spacy.tokens import Doc

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
STOPWORDS = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been being
    has have had do does did it its this that these those he she they we you i me my his her
    him them us himself herself itself themselves
    their theirs ours yours hers our your what which who whom whose when where why how will
    would could should can
    may might must about into over after before since than then there here so if not no any
    all some more most say said says tell told latest newest recent recently today yesterday
    week last past days day now currently exactly please also just happen happened happens
    happening much many
    big far long supposed able going still yet get got make made new next being one there's
    overnight
    each every per both either another other such very really roughly approximately around
    nearly almost reportedly apparently currently precisely actually so-called
    remind wonder wondering curious anything something news take took taken less fewer meant
    reckon reckons reckoned believe believes believed think thinks having
    under anyone whether ever go goes went
    guy guys bloke blokes chap chaps fella fellas folks lot lots
    come comes came between monday tuesday wednesday thursday friday saturday sunday
    didn't doesn't don't isn't aren't wasn't weren't hasn't haven't hadn't can't couldn't won't
    wouldn't shouldn't they're we're you're i've we've they've it's that's while even too""".split()
)
# Words after "what" that only say what kind of answer is wanted.
KIND_WORDS = frozenset(
    "time date day hour month year rate share percentage proportion portion fraction number amount"
    " figure timeframe period".split()
)
# Times of year: when something happened, not a thing the answer must name.
SEASONS = frozenset("spring summer autumn winter".split())
# What a figure question may count without naming a thing the answer must repeat.
GENERIC_FOCUS = frozenset(
    "money material amount number figure sum quantity value cash funding much many unit units "
    "item items more less extra".split()
)
NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|half|quarter|dozen)\b",
    re.IGNORECASE,
)
# Months as wire copy abbreviates them before a day ("Oct. 6", "Sept. 30", "Jan 12").
_MONTH_ABBR = r"(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?\s+\d{1,2}\b"
_TIME = re.compile(
    rf"\b{_MONTH_ABBR}|"
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|"
    r"tonight|yesterday|week|month|year|morning|evening|night|noon|midnight|spring|summer|"
    r"autumn|winter|\d{1,2}:\d{2}|(?:19|20)\d{2}|hours?|days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[“”\"]")
# "spent the day", "all year", "for hours": a span of time that dates nothing
_UNQUANTIFIED = re.compile(
    r"(?:(?<!\bof )(?<!\bin )(?<!\bby )(?<!\bat )(?<!\bduring )(?<!\buntil )\bthe|\ball|\bfor|"
    r"\bthat|\bwhat|\bwhole|\bentire)\s+(?:day|week|month|year|hours?|days|weeks|months|"
    r"years|morning|evening|night)$",
    re.IGNORECASE,
)
# "aged 3 to 7", "a 6-year-old", "under-fives", "18 and over": an age
_AGE = re.compile(
    r"\baged?\s+(?:between\s+|from\s+|under\s+|over\s+)?\d|"
    r"\d+[- ](?:year|month|week)s?[- ]olds?\b|\d+\s+(?:years?|months?) old\b|"
    r"\bunder[- ](?:\d+|fives?|tens?)s?\b|\b\d+ and (?:over|older|under)\b",
    re.IGNORECASE,
)
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today)"
_REPORTED_WHEN = re.compile(
    rf"\b(?:said|says|told \w+|announced|confirmed|warned|added|wrote)\s+(?:(?:late|early|"
    rf"earlier|later)\s+)?(?:on\s+)?{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?\b|"
    rf"\b(?:on\s+)?{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?,?\s+(?:said|announced|"
    rf"confirmed|warned)\b",
    re.IGNORECASE,
)
# "by the end of March", "before 1 January", "no later than Friday": what must be done by when
_DEADLINE = re.compile(
    r"\b(?:by|before|until|till|no later than)\s+(?:the\s+)?(?:(?:end|middle|start|beginning|"
    r"close) of\s+(?:the\s+)?)?(?:\d|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?\s+\d|"
    r"january|february|march|april|may|june|july|august|"
    r"september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|next|this|year|month|week|spring|summer|autumn|winter|tomorrow|tonight|midnight|"
    r"noon|midday|close of (?:business|play|trading)|(?:the )?end of (?:the )?(?:day|week|month))"
    r"|\b(?:a|the) deadline (?:of|on|set for)\s+\w"
    r"|\b(?:\d{1,2}|midnight|noon|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"today|tomorrow)['’]s)\s+deadline\b",
    re.IGNORECASE,
)
# An amount, as opposed to a count: money, a share, a measure.
_AMOUNT = re.compile(
    rf"{money.SUM}|\d[\d.,]*\s*(?:%|per ?cent|percent|million|billion|trillion|bn|"
    r"tonnes?|tons?|kg|kilo\w*|barrels?|points?|basis points)\b",
    re.IGNORECASE,
)
_CAPITAL = re.compile(r"\b[A-Z][a-zà-ÿ'’-]+")


_DOUBLED = frozenset("bdgmnprt")  # consonants doubled before -ed/-ing ("ll", "ss" are the word's)


@cache
def stem(word: str) -> str:
    """A word folded to its stem and synonym group ("closing", "shuts" -> "close"); cached,
    as a question's evidence stems the same words thousands of times."""
    w = word.casefold().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = IRREGULAR.get(w, w)
    if w in _FOLD:
        return _FOLD[w]
    if short_verb := _short_verb(w):
        return stem(short_verb)  # "owed", "using", "died": owe, use, die
    for suffix, keep in (
        ("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""),
        ("ment", ""), ("er", ""), ("ly", ""),
    ):  # fmt: skip
        # "reply", "never", "comment" stay whole
        short = 5 if suffix == "ment" else 4 if suffix in ("er", "ly") else 3
        if w.endswith(suffix) and len(w) - len(suffix) >= short and not w.endswith("ss"):
            base = w[: len(w) - len(suffix)] + keep
            doubled = len(base) >= 4 and base[-1] == base[-2] and base[-1] in _DOUBLED
            if suffix in ("ing", "ed") and doubled:
                base = base[:-1]  # "stopped", "getting", "planned": stop, get, plan
            for candidate in (base, base + "e", base[:-1] if base[-1:] == base[-2:-1] else ""):
                if candidate and candidate in _FOLD:
                    return _FOLD[candidate]
            # "answered" -> "answer" -> "answ", as "answer" itself stems
            again = base.endswith(("er", "ment"))  # "postponements" as "postponement"
            return _FOLD.get(base) or (stem(base) if again else base[:6])
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]  # "agree" and "agreed", "licence" and "licences" meet
    return w[:6]


_VOWELS = frozenset("aeiouy")


def _short_verb(w: str) -> str:
    """The verb of three letters ending in e that a short inflected word is ("owed", "used",
    "suing", "dying": owe, use, sue, die), which the suffix rules leave too short to strip;
    empty for any other word ("feed", "shed", "thing", "being")."""
    if len(w) == 4 and w.endswith("ed") and not w.endswith("eed") and _VOWELS & set(w[:2]):
        return w[:2] + "e"
    if len(w) == 5 and w.endswith("ing") and w not in ("being", "doing", "going"):
        if w[1] == "y":
            return w[0] + "ie"  # "dying", "lying", "tying"
        if _VOWELS & set(w[:2]) and w[1] not in _VOWELS | {"h"}:
            return w[:2] + "e"  # "owing", "using", "aging"
        if w[1] in "ue" and w[0] not in _VOWELS:
            return w[:2] + "e"  # "suing", "ruing"
    return ""


# Kept, because every question reads the same passages' sentences again.
@lru_cache(maxsize=1 << 16)
def stems(text: str) -> frozenset[str]:
    """The stems of a text's words; a hyphenated word counts whole and by its parts."""
    out: set[str] = set()
    for w in WORD.findall(fold_phrases(text)):
        out.add(stem(w))
        if "-" in w:
            out.update(stem(part) for part in w.split("-") if len(part) > 2)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Asked:
    """What a question asks: its content stems, the names it mentions, the kind of answer."""

    terms: tuple[str, ...]  # content stems (names included)
    names: tuple[str, ...]  # folded words of capitalised names after the first word
    wants: str  # "figure", "time", "deadline", "person", "words" … or ""
    focus: str = ""  # the stem of the thing counted or priced ("how many jobs" -> "job")
    others: tuple[str, ...] = ()  # the content stems that are not names


# Verbs a question leans on without asking about them, in any of their forms ("getting",
# "tried": the stems the suffix rules give them).
_LIGHT = frozenset(stem(w) for w in ("get", "getting", "gets", "try", "trying", "tried", "tries"))


# A price asked in a few words, as a follow-up ("closing price?", "and the toll?")
_PRICE_ALONE = re.compile(
    r"\s*(?:and |so |what about |how about )?(?:the |its |their )?(?:[\w'’-]+ ){0,2}"
    r"(?:price|cost|fee|toll|fine|valuation|value|premium|payout)s?\s*\??\s*"
)


def read_question(question: str) -> Asked:
    question = fold_phrases(question)
    words = WORD.findall(question)
    terms: dict[str, None] = {}
    for i, w in enumerate(words):
        low = w.casefold().replace("’", "'").removesuffix("'s")  # "what's", "yesterday's"
        if low in STOPWORDS or (len(low) <= 2 and not low.isdigit()):
            continue
        if stem(low) in _LIGHT:
            continue  # "getting", "trying": another form of a word that says nothing asked
        if w in CHAT:
            continue  # "who runs it atm": typed in lower case, "at the moment" (not an ATM)
        if low == "out" and i + 1 < len(words) and words[i + 1].casefold() == "of":
            continue  # "out of how much spending?"
        if i and words[i - 1].casefold() == "how":
            continue  # "how large", "how badly": what kind of answer, not what it is about
        if i and words[i - 1].casefold() in ("what", "which") and low in KIND_WORDS:
            continue  # "what time", "what date", "what rate"
        if low in SEASONS and i and words[i - 1].casefold() in ("the", "this", "last", "in"):
            continue  # "since the autumn"
        terms.setdefault(stem(w), None)
    named = {stem(w) for w in words[1:] if w[:1].isupper() and w.casefold() not in STOPWORDS}

    def is_name(w: str) -> bool:
        return w[:1].isupper() and w.casefold() not in STOPWORDS and not w.isupper()

    # A person's first name may be left out where the coverage names them again ("Daniel
    # Whitcombe" -> "Whitcombe said"): of a run of capitalised words, the last one must match.
    names = tuple(
        dict.fromkeys(
            w.casefold()
            for i, w in enumerate(words[1:], 1)
            if is_name(w) and not (i + 1 < len(words) and is_name(words[i + 1]))
        )
    )
    q = question.casefold()
    wants = ""
    if re.search(r"\bhow long\b|\b(?:over|in|within) what (?:timeframe|time frame|period)\b", q):
        wants = "duration"  # "how long": a span ("six weeks"), not any time word
    elif _MONEY_ASKED.search(q):
        wants = "money"  # a sum of money, not a share or a tonnage
    elif _asks_for_figure(q) or re.search(
        r"\bhow (?:many|much|big|large|far|badly|high|low)\b|\bwhat (?:price|share|"
        r"percentage|proportion|portion|fraction|figure|number|amount|tariff|rate|quota|"
        r"population|cutoff|cut-off|threshold|ceiling)\b|"
        # "how hard did Rydo's stock get hit?": by how much
        r"\bhow hard\b.{0,60}\b(?:hit|fall|fell|drop|dropped|suffer|suffered|hammer\w*|batter\w*|"
        r"pummel\w*|slump\w*|sink|sank|plunge\w*|tank\w*)\b|"
        r"\bby how\b",
        q,
    ):
        wants = "figure"
    elif re.search(r"\bhow old\b|\bwhat ages?\b", q):
        wants = "age"  # "how old are they?": an age, not any figure
    elif re.search(r"\bby when\b|\bwhat(?:'s| is| was)? (?:the )?deadline\b", q):
        wants = "deadline"  # "by when must it close?": the date it must be done by
    elif re.search(r"\bwhen\b|\bwhat (?:time|date|day)\b|\bhow (?:soon|quickly|fast)\b", q):
        wants = "time"  # "how soon do they get the money?": within a time, or by one
    elif _WHERE_CLOSED.search(q):
        wants = "figure"  # "where did the shares close?": a level, not a place
    elif re.search(r"^\s*where\b|\bin which (?:city|town|country|place)\b", q) and not re.search(
        r"\b(?:come|comes|coming|came) from\b", q
    ):
        wants = "place"  # not "where's the money coming from?": a source, not a place
    elif re.match(r"\s*who\b", q) or NAMES_OF.search(q):
        wants = "person"  # "who announced the framework?" asks who, not for their words
    elif re.search(
        r"\b(?:say|said|says|saying|comment\w*|react\w*|respond\w*|reply|replied|tell|told|"
        r"speak|think of|"
        r"spoke|spoken|statement|remarks?|quotable|quotes?|quoted|announce[sd]?|reaction|"
        r"response|stance|justify|justified|explain|explained|defend|defended)\b|"
        # "Marrow's line on a guarantee" is a stance; "the production line", "Line 3" are not
        r"(?:'s|’s|\btheir|\bhis|\bher|\bits|\bofficial|\bparty) line\b(?!\s*\d)|"
        r"\bhow did .{3,60} take\b",
        q,
    ):
        wants = "words"
    elif re.search(r"^\s*who\b", q) or which_head(q):
        wants = "person"  # "which Kestrian firms have applied?": names
    if wants == "place":  # "where is X putting its fab?": where it goes, not a putting
        terms = {t: None for t in terms if t not in _PLACING}
    elif wants == "deadline":  # "what is the deadline for …?": a date, not the word
        terms = {t: None for t in terms if t != _DEADLINE_WORD}
    if NAMES_OF.search(q):
        terms = {t: None for t in terms if t != _NAME_WORD}  # the names, not the word
    generic = {stem(w) for w in GENERIC_FOCUS}
    others = tuple(t for t in terms if t not in named and t not in generic)
    if wants == "figure" and re.search(
        r"\bhow much\b|\bwhat (?:price|share|percentage|proportion|portion|fraction|amount)\b", q
    ):
        wants = "amount"  # money, a share or a measure, not a count
    elif not wants and re.search(rf"\bwhat (?:{_MEASURED})\b", q):
        wants = "amount"  # "what loss did X report?": a figure, not a mention
    elif not wants and _PRICE_ALONE.fullmatch(q):
        wants = "amount"  # "closing price?", "and the fee?": a figure asked in a few words
    elif wants in ("", "figure") and re.search(r"\bbe fined\b|\b(?:fine|penalty)\b", q):
        wants = "amount"  # "what would X be fined?": a sum, or a share of its turnover
    return Asked(tuple(terms), names, wants, _focus(q), others)


_WHERE_CLOSED = re.compile(
    r"^\s*(?:and |so )?where (?:did|does|do|will|has|have|had|is|are|was|were)\b.{0,60}?"
    r"\b(?:close|closed|closing|end|ended|ending|finish|finished|settle|settled|stand|stood|"
    r"trade|traded|trading|open|opened)\b"
)
_PLACING = frozenset(stem(w) for w in "put puts putting".split())
_DEADLINE_WORD = stem("deadline")
# "what are the names of the two men arrested?": people, by name
NAMES_OF = re.compile(r"\bwhat (?:are|were|is|was) (?:the )?names? of\b|\bwho are the\b")
_NAME_WORD = stem("names")


_WHICH = re.compile(
    r"\bwhich (?:[\w'’-]+ )?(firms?|compan(?:y|ies)|countr(?:y|ies)|ministers?|officials?|"
    r"producers?|makers?|manufacturers?|banks?|groups?|suppliers?|exporters?|importers?|"
    r"carmakers?|chipmakers?|steelmakers?|lenders?|investors?|members?|nations?|states?|"
    # people named by what they do: "which judge is hearing the case?" wants a name
    r"judges?|lawyers?|inspectors?|investigators?|analysts?|economists?|lawmakers?|senators?|"
    # bodies named by name: "which body has opened an inquiry?"
    r"bod(?:y|ies)|agency|agencies|authorit(?:y|ies)|organi[sz]ations?|institutions?)\b",
    re.IGNORECASE,
)


def which_head(question: str) -> str:
    """The stem of the kind of named thing a "which …" question asks for ("Which Kestrian
    firms have applied?" -> firm): the answer names them, and need not repeat the word."""
    m = _WHICH.search(question)
    return stem(m.group(1)) if m else ""


# Things that are measured in money or shares: "what revenue …?" wants a figure.
# What is counted in money: "what revenue …?", "how much profit …?" want a sum.
_MONEY_NOUNS = (
    r"revenues?|profits?|earnings|income|turnover|valuation|wages?|salar(?:y|ies)|fees?|fines?|"
    r"budget|payouts?"
)
# What may be given in money or a share ("what sales …?", "what loss …?"): a figure.
_MEASURED = rf"{_MONEY_NOUNS}|sales|loss|losses|cost|costs|deficit|surplus|price|prices"
# "how much money …", "how much did it cost": a sum of money.
_MONEY_ASKED = re.compile(
    r"\bhow much (?:money|cash|funding|public money|compensation)\b|"
    r"\bhow much (?:[\w'’-]+ ){0,5}(?:cost|costs|spend|spent|raise|raised|collect|collected|"
    r"earn|earned|paid|pay|worth)\b|"
    # "what does a controller earn?", "what will the strike cost them?": a sum
    r"\bwhat(?:'s| is| are| do| does| did| will| would)\b[\w\s'’-]{0,60}?"
    r"\b(?:earn|earns|cost|costs|charge|charges)\b(?! of)|"
    # "what's the contract worth?", "what is it worth now?": a sum
    r"\bwhat(?:'s|’s| is| was| are| were)\b[\w\s'’-]{0,60}?\bworth\b(?! (?:of|\w+ing)\b)|"
    # "how big is the first aid payment?": a sum, not a count of instalments
    r"\bhow (?:big|large|small)\b (?:is|was|are|were|will be) (?:the |a |an |its |their |his |"
    rf"her )?(?:[\w'’-]+ ){{0,3}}(?:payments?|grants?|loans?|subsid(?:y|ies)|{_MONEY_NOUNS})\b|"
    r"\bin (?:euros|dollars|pounds|yen|yuan|francs|krona|kronor)\b|"
    r"\bin (?:euro|dollar|pound|yen|yuan|cash|money) terms\b|"
    # "what revenue is X forecasting?", "how much profit": a sum, not a share of it
    r"\b(?:what|how much) (?:(?!share|percentage|proportion|portion|fraction|part|growth|rise|"
    r"fall|drop|increase|decrease|change)[\w'’-]+ ){0,3}?"
    rf"(?:{_MONEY_NOUNS})\b"
)
_MONEY = re.compile(money.SUM, re.IGNORECASE)
_SPAN = re.compile(
    r"\b(?:\d[\d.,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|eighteen|twenty|thirty|forty|fifty|sixty|ninety|a|an|a few|several|many|"
    r"half an?|a half)[\s-]+(?:more\s+|further\s+|full\s+|working\s+|business\s+)?"
    r"(?:minutes?|hours?|days?|weeks?|months?|years?|decades?|quarters?)\b"
    r"(?!\s+(?:after|before|earlier|later|ago)\b)"  # "a day after": when, not how long
    r"|\bovernight\b|\buntil\b|\bthrough\b",
    re.IGNORECASE,
)

# What a "what X" question asks for when X is one of these: a figure ("what duty …?").
FIGURE_NOUNS = frozenset(
    "tariff duty levy rate quota price share percentage figure number amount".split()
)


def _asks_for_figure(q: str) -> bool:
    """ "What duty …?", "how dependent is X on …?", "how did X's shares do?"."""
    head = re.search(r"\bwhat ([^\W_]+)", q)
    if head is not None and stem(head.group(1)) in {stem(w) for w in FIGURE_NOUNS}:
        return True
    if re.search(r"\bhow (?:dependent|reliant|exposed|important)\b", q):
        return True
    return bool(re.search(r"\bhow did .{0,40}\b(?:shares?|stocks?|index|markets?)\b", q))


_MARKET = re.compile(
    r"\b(?:how did|how have|how has|how are|how were|what happened to)\b.{0,40}\b(?:shares?|"
    r"stocks?)\b|\b(?:shares?|stocks?)\b.{0,30}\b(?:do|did|react|take|move|fare|perform)",
    re.IGNORECASE,
)


def market_asked(question: str) -> bool:
    """Whether a question asks how a named firm's shares moved ("How did Corvex's stock take
    the news?"): the answer must name the firm, in whatever words it gives the move
    ("Corvex … closed 7.5 percent lower")."""
    return _MARKET.search(question) is not None


_AUX = (
    r"(?:do|does|did|is|are|was|were|will|would|has|have|had|can|could|should|might|must|"
    r"of|per|in|on|at|for|to|from|a|an|the)"
)


def _focus(q: str) -> str:
    """The head of the noun phrase a figure question counts: "how many export licences has
    ..." -> licences; "what price per tonne" -> price. Empty when there is none."""
    m = re.search(
        rf"\b(?:how (?:many|much)|what (?:price|share|percentage|number|amount|rate))"
        rf"((?:\s+(?!{_AUX}\b)[^\W_][\w'’-]*){{0,3}})",
        q,
    )
    if m is None:
        # "what quota …?", "how big a quota …?": the figure is of that thing
        head = re.search(r"\b(?:what|how (?:big|large|high|steep|generous) an?)\s+([^\W_]+)", q)
        if head is not None and stem(head.group(1)) in {stem(w) for w in FIGURE_NOUNS}:
            return stem(head.group(1))
        # "what revenue did X report?": a figure of revenue, not of a loss
        money = re.search(rf"\bwhat (?:[\w'’-]+ )?({_MONEY_NOUNS})\b", q)
        if money is not None:
            return stem(money.group(1))
        # "how big is trade between …", "how large is the first instalment": that thing
        size = re.search(
            r"\bhow (?:big|large) (?:is|are|was|were|will be) (?:the |a |an )?"
            r"((?:[^\W\d_][\w'’-]* ){0,2}?[^\W\d_][\w'’-]*)"
            r"(?=\s+(?:between|of|for|at|in|on|that|the|from|which|to|with|outside|inside|near|"
            r"after|before|over|under|during|since|by|about|against)\b|\s*[?.!]|\s*$)",
            q,
        )
        if size is not None and size.group(1).split()[-1] not in STOPWORDS:
            return stem(size.group(1).split()[-1])
        return ""
    if m.group(0).startswith("what "):
        # "what share of Heliant's sales" counts the sales; "what price per tonne" the price
        of = re.search(
            rf"\bwhat (?:share|percentage|proportion|portion|fraction|number|amount|rate) of"
            rf"(?:\s+(?:the|a|an))?"
            rf"((?:\s+(?!{_AUX}\b)[^\W_][\w'’-]*){{1,4}})",
            q,
        )
        if of is None:
            return stem(m.group(0).split()[1])
        # the last noun before a verb or preposition, not a possessive: "of Heliant's sales",
        # "of sales goes to …", "of the Tarrow works' production ends up …"
        tags = {t.lower_: t.tag_ for t in parsed(q)}
        words = []
        for w in of.group(1).split():
            if tags.get(w, "").startswith("VB") or w in _OF_STOP:
                break
            words.append(w)
        nouns = [
            w
            for w in words
            if tags.get(w) in ("NN", "NNS") and not w.endswith(("'", "’", "'s", "’s"))
        ]
        # "what share of them …?": of what the question follows, not of "them"
        last = nouns[-1] if nouns else (words or of.group(1).split())[-1]
        return "" if last in STOPWORDS else stem(last)
    group = m.group(1).split()
    while group and group[0] in _FILLERS:
        group = group[1:]  # "how many actually use it?": the use is counted, not "actually"
    # "how many jobs go if …": the noun phrase ends where a clause or a verb begins
    tags = {t.lower_: t.tag_ for t in parsed(q)} if group else {}
    # … and "how many ended up in hospital?" counts no thing at all: a verb comes first
    cut = next(
        (
            i
            for i, w in enumerate(group)
            if (i and w in STOPWORDS) or w in _CLAUSE or tags.get(w, "").startswith(("VB", "MD"))
        ),
        len(group),
    )
    group = group[:cut]
    if group and tags.get(group[-1], "") in ("JJR", "RBR"):
        return ""  # "how much cheaper will theirs be?": by how much, not a count of a thing
    words = [w for w in group if w not in GENERIC_FOCUS]
    return stem(words[-1]) if words and group[-1] == words[-1] else ""


_CLAUSE = frozenset("go goes went gone come comes came get gets got unless while".split())
_FILLERS = frozenset("actually actualy really exactly roughly approximately just even".split())


_OF_STOP = frozenset("to in for with by that which at on from into".split())


# "in Lusmore", "off Cape Ardry", "outside Keldport": a place named after its preposition
_PLACE = re.compile(
    r"\b(?:in|at|to|from|near|off|outside|into|onto|along|across)\s+(?:the\s+)?[A-Z][a-zà-ÿ'’-]+"
)


def has_kind(sentence: str, wants: str, question: str = "") -> bool:
    """Whether a sentence holds the kind of thing the question wants (a time: one the
    question does not say itself; "what date in January?" is not told by "in January")."""
    if wants == "figure":
        return bool(NUMBER.search(sentence))
    if wants == "deadline":
        return bool(_DEADLINE.search(sentence))
    if wants == "age":
        return bool(_AGE.search(sentence))
    if wants == "time":
        # "X said late on Monday that it would …" dates the saying, not what is asked about
        told = _REPORTED_WHEN.sub(" ", sentence)
        return any(
            not _UNQUANTIFIED.search(told, 0, m.end())
            and (
                m.group(0).strip().casefold() not in question.casefold()
                or re.search(r"\d", told[max(0, m.start() - 4) : m.end() + 4]) is not None
            )
            for m in _TIME.finditer(told)
        )
    if wants == "words":
        return bool(_QUOTE.search(sentence)) or bool(
            re.search(r"\b(?:said|says|told|added|warned|argued|stated|declared)\b", sentence)
        )
    if wants == "amount":
        return bool(_AMOUNT.search(sentence))
    if wants == "money":
        return bool(_MONEY.search(sentence))
    if wants == "duration":
        return bool(_SPAN.search(sentence))
    if wants == "place":
        return bool(_PLACE.search(sentence))
    if wants == "person":
        return len(_CAPITAL.findall(sentence[1:])) > 0
    return True


def term_coverage(asked: Asked, text_stems: Iterable[str]) -> float:
    """The share of the question's content stems present."""
    if not asked.terms:
        return 0.0
    present = set(text_stems)
    return sum(1 for t in asked.terms if t in present) / len(asked.terms)


def names_in(asked: Asked, text: str) -> bool:
    """Every name of the question is in the text (a name's words, case-folded)."""
    return names_met(asked, text) == {stem(n) for n in asked.names}


def names_met(asked: Asked, text: str) -> set[str]:
    """The stems of the question's names that the text names: by the name, its adjective
    ("Kestrian"), or for a seat of government what it stands for ("Beijing": "China")."""
    words: set[str] = set()
    for w in WORD.findall(text):
        low = w.casefold().removesuffix("'s").removesuffix("’s")
        words.add(low)
        words.update(low.split("-"))  # "Castellmar-based"
    met = set()
    for name in asked.names:
        n = name.removesuffix("'s").removesuffix("’s")
        if _named(n, words) or any(_named(alt, words) for alt in SEATS.get(n, ())):
            met.add(stem(name))
    return met


def same_name(a: str, b: str) -> bool:
    """The same (folded) name, or a name and its adjective ("kestria", "kestrian")."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 4 and long.startswith(short) and len(long) - len(short) <= 3:
        return True
    # "china" and "chinese", "canada" and "canadian": a shared stem, short endings
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(short))
    return common >= 4 and len(long) - common <= 3 and len(short) - common <= 1


def _named(name: str, words: set[str]) -> bool:
    return any(same_name(name, w) for w in words)


@cache
def parsed(question: str) -> Doc:
    """The question (idioms folded) as the English pipeline quote attribution uses parses it:
    once per question, for its nouns, its verbs and what it takes a part of."""
    from bot.summarise.attribution.model import load_pipeline

    return load_pipeline()(fold_phrases(question))
