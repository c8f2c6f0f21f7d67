"""The words and phrases news writing and its readers use for the same thing ("walkout" is a
strike, "down tools" is to strike): data and one folding function, pure.

Each synonym group folds to its first word; `FOLD` maps every word of a group to it.
"""

from __future__ import annotations

import re

# Words news writing uses for the same thing (each group folds to its first word).
_SYNONYMS = [
    "close shut shutdown closure",
    "strike walkout stoppage picket",
    "rise climb jump gain increase up surge rally higher hike",
    "fall drop slump slide lose decline tumble plunge down sink lower shrink",
    "cut reduce slash trim lowering reduction",
    "big large huge major",
    "biggest largest",
    "tool equipment machine machinery",
    "firm company group utility",
    "maker manufacturer producer",
    "job worker employee staff employ workforce post position",
    "customer client buyer payer ratepayer billpayer",
    "share stock",
    "side camp",
    "tariff duty levy",
    "trade commerce",
    "car vehicle automobile",
    "quota allowance allocation",
    "produce output manufacture",
    "export shipment",
    "condition conditional string catch",
    "fund pot kitty",
    "charge impose",
    "ahead off cancel scrap suspend",
    "deal agreement accord pact framework",
    "agree settle",
    "talk negotiation session",
    "chief head boss lead leader executive",
    "delegation negotiator team",
    "rule regulation requirement regime",
    "curb restriction control limit cap ceiling",
    "aid subsidy support lifeline bailout rescue",
    "president head",
    "say declare announce claim tell grumble complain insist",
    "offer propose proposal bid bidder",
    "decide decision",
    "set fix determine calculate",
    "withdraw withdrawal abandon exit quit leave",
    "apply application",
    "review reconsider rethink reassess reexamine reverse reversal backtrack u-turn",
    "threaten warn",
    "ask request demand want seek push",
    "start begin open",
    "end finish",
    "sign signing",
    "promise pledge guarantee commit",
    "delay postpone defer",
    "price cost",
    "licence license permit",
    "sale revenue business turnover",
    "people resident inhabitant population crowd ppl",
    "lobby federation association guild",
    "year annual yearly",
    "above beyond exceeding",
    "respond answer reply react response reaction",
    "factory plant facility",
    "city town",
    "household home dwelling",
    "debt bond borrowing",
    "sick ill illness infected",
    "fine penalty sanction",
    "law legislation statute act",
    "regulator watchdog authority regulatory",
    "hurt injure injury wound casualty",
    "earn earnings income",
    "app platform",
    "child children kid youngster",
    "chair chairman chairwoman chairperson",
    "resign resignation departure depart",
    "notice spot detect discover uncover learn realise realize",
    "hack hacker breach intrusion intruder cyberattack",
    "fault failure malfunction blame",
    "injection jab",
    "delay hold-up holdup",
    "forecast outlook guidance guide expect",
    "technology tech technological",
    "information info",
    "typical normal average ordinary",
    "compensation compensate payout reimburse reimbursement",
    "outage blackout unavailable offline",
    "interim acting caretaker temporary temporarily",
    "passenger pax traveller traveler flyer",
    "dispute row spat feud standoff stand-off wrangle",
    "objection objector gripe grievance complaint",
    "total overall altogether combined",
    "inflation cpi",
    # readers' short forms
    "january jan",
    "february feb",
    "march mar",
    "april apr",
    "june jun",
    "july jul",
    "august aug",
    "september sep sept",
    "october oct",
    "november nov",
    "december dec",
    "hour hrs hr",
    "minute mins",
    "government govt",
    "department dept",
    "account acct",
    "percent pct",
]
# Chat shorthand that asks nothing ("atm": at the moment, "tbh", "pls"), when typed in lower case.
CHAT = frozenset("atm tbh btw fyi imo okay pls plz thx lol".split())
FOLD: dict[str, str] = {}
for _group in _SYNONYMS:
    _words = _group.split()
    for _w in _words:
        FOLD.setdefault(_w, _words[0])

# Irregular forms of the verbs of news copy, each to its base ("rose" is to rise).
IRREGULAR = {
    "said": "say", "says": "say", "rose": "rise", "risen": "rise", "fell": "fall",
    "fallen": "fall", "lost": "lose", "took": "take", "taken": "take", "gave": "give",
    "given": "give", "won": "win", "went": "go", "gone": "go", "told": "tell", "shut": "shut",
    "cut": "cut", "set": "set", "put": "put", "hit": "hit", "led": "lead", "paid": "pay",
    "sold": "sell", "bought": "buy", "held": "hold", "met": "meet", "left": "leave",
    "began": "begin", "begun": "begin", "sought": "seek", "thought": "think", "people": "people",
    # the other common irregular verbs of news copy ("stole" and "stolen" meet "steal")
    "found": "find", "got": "get", "gotten": "get", "made": "make", "kept": "keep",
    "knew": "know", "known": "know", "brought": "bring", "caught": "catch", "struck": "strike",
    "spent": "spend", "built": "build", "drew": "draw", "drawn": "draw", "grew": "grow",
    "grown": "grow", "chose": "choose", "chosen": "choose", "fought": "fight", "wrote": "write",
    "written": "write", "spoke": "speak", "spoken": "speak", "broke": "break",
    "broken": "break", "came": "come", "saw": "see", "seen": "see", "heard": "hear",
    "sent": "send", "felt": "feel", "meant": "mean", "ran": "run", "stole": "steal",
    "stolen": "steal", "withdrew": "withdraw", "withdrawn": "withdraw", "froze": "freeze",
    "frozen": "freeze", "dealt": "deal", "stood": "stand", "understood": "understand",
    "sank": "sink", "sunk": "sink", "shook": "shake", "shaken": "shake", "hid": "hide",
    "hidden": "hide", "flew": "fly", "flown": "fly", "threw": "throw", "thrown": "throw",
    "fled": "flee", "forgave": "forgive", "forgiven": "forgive", "oversaw": "oversee",
    "overseen": "oversee", "overtook": "overtake", "overtaken": "overtake",
    "undertook": "undertake", "upheld": "uphold", "withheld": "withhold",
    "taught": "teach", "lent": "lend", "drove": "drive", "driven": "drive", "rode": "ride",
    "ridden": "ride", "arose": "arise", "arisen": "arise", "woke": "wake", "woken": "wake",
    "wore": "wear", "worn": "wear", "tore": "tear", "torn": "tear", "swore": "swear",
    "sworn": "swear", "slept": "sleep", "swept": "sweep", "wept": "weep", "shot": "shoot",
    "sped": "speed", "bled": "bleed", "dug": "dig", "stuck": "stick", "stung": "sting",
    "swung": "swing", "hung": "hang", "shrank": "shrink", "shrunk": "shrink",
    "forbade": "forbid", "forbidden": "forbid", "foresaw": "foresee", "foreseen": "foresee",
    "mistook": "mistake", "mistaken": "mistake", "overcame": "overcome", "overran": "overrun",
    "overthrew": "overthrow", "overthrown": "overthrow", "withstood": "withstand",
    "ate": "eat", "eaten": "eat", "sang": "sing", "sung": "sing", "rang": "ring",
    "rung": "ring", "bore": "bear", "borne": "bear", "laid": "lay", "lain": "lie",
    "slid": "slide", "strove": "strive", "striven": "strive", "spun": "spin",
    "sat": "sit",
}  # fmt: skip

# Phrases news writing and readers use for one word ("down tools" is to strike).
_PHRASES = {
    "strike": r"down(?:s|ed|ing)? tools|walk(?:s|ed|ing)? out|walked out",
    "cancel": r"call(?:s|ed|ing)? off",
    "open": r"up and running|(?:come|comes|came|go|goes|went) (?:online|on stream|on line)|"
    r"go(?:es)? live|be operational",
    "fab": r"(?:chip )?fabrication plants?|chip (?:plants?|factor(?:y|ies))",
    # "requires a licence from 1 January": when it starts
    "start": r"from(?= (?:\d{1,2} )?(?:january|february|march|april|june|july|august|"
    r"september|october|november|december)\b(?! (?:to|and|through|until)\b))|bites?|"
    r"kick(?:s|ed|ing)? in|"
    r"take(?:s)? effect|took effect|come(?:s)? into force",
    "cut jobs": r"lay(?:s|ing)? off|laid off|layoffs?",
    # "the syrup being pulled back": recalled
    "recall": r"(?:pull|call)(?:s|ed|ing)? back|"
    r"pull(?:s|ed|ing)? (?:from|off) (?:the )?shel(?:f|ves)",
    # "is the jab OK'd?", "given the green light": approved
    "approve": r"ok(?:ay)?(?:'|’)?(?:e)?d|okays?|green[- ]?light(?:s|ed)?|(?:given|gets?|got) the "
    r"(?:nod|go-ahead|green light)",
    # "when does it hit the market?": its launch
    "launch": r"hit(?:s|ting)? the (?:market|shelves)|go(?:es)? on sale|reach(?:es)? (?:the )?"
    r"(?:market|shelves|pharmacies)",
    "resign": r"step(?:s|ped|ping)? down",
    # "are people getting their money back?": compensated
    "compensation": r"(?:their |the |any |some )?money back",
    "outage": r"power cuts?|power failures?|cut off from (?:power|electricity)|"
    # "how long was the app down for?": out of service, not a fall
    r"down(?= for (?:about |nearly |almost |over |more than |roughly )?(?:\d|one|two|three|four|"
    r"five|six|several|hours|days)\b| for\s*[?.]?\s*$)",
    # a reader's apostrophe left out: "whats the deadline?"
    "what is": r"whats|w[ao]ts|w[ao]t[’']s",
    "what": r"w[ao]t|wht",
    "how": r"hw",
    "who is": r"whos",
    "how is": r"hows",
    "where is": r"wheres",
    # "when did they find out?": when they learnt of it, were told of it or knew
    "notice": r"f(?:i|ou)nd(?:s|ing)? out|bec(?:a|o)me aware|(?:was|were|had been|been) "
    r"(?:told|informed|alerted|notified)|knew(?= (?:on|about|of|in|by|at|since)\b)",
    "set": r"work(?:s|ed|ing)? out",
    # "what are economists pencilling in?": what they expect
    "forecast": r"pencil(?:s|led|ling|ed|ing)? in",
    "review": r"second thoughts|think(?:s|ing)? again|go(?:es|ing)? back on|"
    r"chang(?:e|es|ed|ing) (?:its|their|his|her|our|my) minds?|climb(?:s|ed|ing)? down",
    # "when is she seeing him?": when they meet
    "meet": r"(?:see|sees|seeing|saw|seen) (?:him|her|them|each other)",
    # "who's in charge now?", "what changed at the top of Aquena?": who leads it
    "lead": r"in charge|t(?:ake|akes|aking|aken|ook) charge",
    # "who's filling in for him?", "who's covering his job for now?": who holds it meanwhile
    "interim lead": r"(?:fill|stand|cover)(?:s|ing|ed)? in for|st[oa]{1,2}d in for|"
    r"cover(?:s|ing|ed)? (?:for|(?:his|her|their|the) (?:job|role|post|duties))",
    "interim": r"for (?:now|the time being)|in the meantime|on an interim basis|"
    r"until (?:a|the|his|her|their) permanent (?:successor|replacement)",
    # … and the titles that head a body: "the regulator's director general", "the union's
    # general secretary"
    "chief": r"at the top(?= of\b)|director[- ]general|general[- ]secretary|"
    r"secretary[- ]general",
    # "who's running the Kestrian side?": who leads it
    "lead the": r"r[ua]n(?:s|ning)? the",
    # titles as readers shorten them: "the CEO", "Celvanta's CTO"
    "chief executive": r"ceo",
    "chief financial officer": r"cfo",
    "chief technology officer": r"cto",
    "chief operating officer": r"coo",
    "prime minister": r"(?<=the )pm",
    "close": r"shut(?:s|ting)? down",
    # "which plane type did Veltara pull from service?": the fleet it grounded
    "ground": r"(?:pull|take|took|taken|withdr[ae]wn?|remov)(?:s|ed|ing|e|en)? (?:\w+ )?"
    r"(?:from|out of) service",
    "said": r"spoke(?:n)? out|speak(?:s|ing)? out",
    "conditions": r"strings (?:are |were |is )?attached",
    "suspend": r"on hold",
    "withdraw": r"pull(?:s|ed|ing)? out|back(?:s|ed|ing)? out",
    # "two people were treated in hospital": hurt
    "hurt": r"(?:treated|taken) (?:in|to) hospital|hospitali[sz]ed|treated for",
    "earn": r"tak(?:e|es|ing|en) home|took home",
    # "what's the damage for Rydo?": what it costs
    "how much cost": r"what(?:'s|’s| is| was) the damage",
    "cost": r"price[- ]tags?",
    # "an offer 38 percent above the closing price": the premium it pays
    "premium above": r"(?<=percent )above|(?<=per cent )above|(?<=%) above|(?<=% )above",
    # "priced 55 percent below Halvion's": how much cheaper it is
    "cheap below": r"(?<=percent )below|(?<=per cent )below|(?<=%) below|(?<=% )below",
    "list": r"hit list",
    # "did the board cave / go for it?", "did the union blink?": whether it gave way or held
    # out, which the sentence saying it accepted, rejected or suspended tells
    "accept reject": r"cave[sd]?(?: in)?|caving(?: in)?|go(?:es)? for it|went for it|"
    r"g[ia]ve(?:s)? (?:in|way)|giving (?:in|way)|back(?:s|ed)? down|blink(?:s|ed)?",
    "reject": r"turn(?:s|ed|ing)? down",
    # "who are they teaming up with?": whom they join
    "join": r"team(?:s|ed|ing)? up",
    # "when will the judge rule on it?": decide, not the rules
    "decide on": r"rul(?:e|es|ed|ing) on",
    # "a second bidder", "a competing bid", "a counter-bid": a rival offer
    "rival offer": r"(?:second|competing|counter|rival)[- ]?(?:bidder|bid|offer|suitor)s?",
    # "the platforms' legal fight": their case in court
    "court": r"legal (?:fight|battle|action|bid|case|challenge)s?|lawsuits?|court cases?",
    "challenge": r"go(?:es|ing)? after|went after|tak(?:e|es|ing|en) (?:it |them )?to court",
    # "Corbel Ridge owns 4.6% of Cindral": its stake
    "holds a stake of": r"own(?:s|ed)?(?= (?:about |around |roughly |nearly |almost |some )?"
    r"\d[\d.,]*\s?(?:%|percent|per cent) of\b)",
    "run out": r"run(?:s|ning)? short|ran short",
    "respond": r"c[oa]me(?:s)? back|hit(?:s|ting)? back|push(?:es|ed|ing)? back",
    # "what did Kestria give in return?": what it conceded
    "offer": r"(?:give|gave|given|giving|offer(?:ed)?|concede[ds]?) in (?:return|exchange)|"
    r"put(?:s|ting)? forward|put(?:s|ting)? on the table",
    # a quarter said by its months, or as "Q3"
    "first quarter": r"(?:from |between )?january (?:to|and|through) march|q1",
    "second quarter": r"(?:from |between )?april (?:to|and|through) june|q2",
    "third quarter": r"(?:from |between )?july (?:to|and|through) september|q3",
    "fourth quarter": r"(?:from |between )?october (?:to|and|through) december|q4",
    # "mines about 41,000 tonnes": the verb, not the pits
    "produce": r"turn(?:s|ed|ing)? out(?! to\b)|mine[sd]?(?= (?:about|around|some|nearly|"
    r"almost|over|more than|less than|up to|roughly|each|every|per|a year|annually)\b| \d|\?)",
    # "how far apart are the two sides on X": the parties' figures for X.
    "how big": r"how far apart",
    # "who's across the table from Pell?", "Pell's counterpart": who leads the other side
    "": r"far apart|the two (?:sides|camps|parties|governments|delegations|teams)|"
    r"across the table from|(?:'s|’s) (?:counterpart|opposite number)|"
    r"(?:counterpart|opposite number) (?:of|to)|"
    # "are the miners on board with a guarantee?": their stance on it, however worded
    r"on board with|"
    # "how many cities are we talking?", "worst case, how big a fine …": how it is asked
    r"(?:are|is) we talking(?: about)?|worst[- ]case,?|in the picture|on the cards|"
    # "what is Kaldor blaming for the decision to close the works?": for the closing
    r"(?:the |its |their |his |her )?(?:decision|move) to(?= [a-z])",
}
_PHRASE = re.compile(
    "|".join(rf"(?P<p{i}>\b(?:{pattern})\b)" for i, pattern in enumerate(_PHRASES.values())),
    re.IGNORECASE,
)
_PHRASE_WORDS = list(_PHRASES)


def fold_phrases(text: str) -> str:
    """Idioms replaced by the word they mean ("down tools" -> "strike")."""
    if not _PHRASE.search(text):
        return text
    return _PHRASE.sub(lambda m: _PHRASE_WORDS[int((m.lastgroup or "p0")[1:])], text)
