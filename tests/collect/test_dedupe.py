"""Dedupe decisions (pure): canonical URLs, content hashes, MinHash near-duplicates, story
terms, and where a new article goes.

The near-duplicate and same-story thresholds are tuned on the texts below: one ~320-word wire
story (fictional EU–US steel talks) as six sites carry it, two reports of the same event
written independently, and three articles that are not that story.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.collect import dedupe
from bot.collect.extract import extract_html
from bot.collect.pipeline import RecentIndex, place_article
from bot.store.articles import RecentArticle

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"

# -- canonical URLs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://example.com/a/b", "https://example.com/a/b"),
        ("http://example.com/a/b", "https://example.com/a/b"),
        ("HTTPS://EXAMPLE.COM/A", "https://example.com/A"),  # the path keeps its case
        ("  https://Example.com/a \n", "https://example.com/a"),
        ("https://WWW.Example.COM/a/b/", "https://example.com/a/b"),
        ("https://m.example.com/a", "https://example.com/a"),
        ("https://mobile.example.com/a", "https://example.com/a"),
        ("https://amp.example.com/a", "https://example.com/a"),
        ("https://www.m.example.com/a", "https://example.com/a"),
        ("https://m.co/a", "https://m.co/a"),  # a bare domain is not a prefix
        ("https://example.com./a", "https://example.com/a"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://[2001:DB8::1]:8080/a/", "https://[2001:db8::1]:8080/a"),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a?utm_source=x#frag", "https://example.com/a"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"),
        ("https://example.com/a?UTM_Campaign=x&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?fbclid=abc&gclid=def&mc_cid=1", "https://example.com/a"),
        (
            "https://example.com/a?_ga=1&_gl=2&CMP=x&ocid=y&icid=z&smid=1&sh=2&taid=3&s_cid=4"
            "&ito=5&at_medium=a&at_campaign=b&igshid=1&yclid=2&dclid=3&msclkid=4&mc_eid=5"
            "&ref_src=6&cmpid=7&src=rss&x=1",
            "https://example.com/a?x=1",
        ),
        ("https://example.com/a?ref=home&page=2", "https://example.com/a?page=2"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        # sorted by name, stably: a repeated parameter keeps its values' order
        ("https://example.com/a?tag=x&tag=a&id=1", "https://example.com/a?id=1&tag=x&tag=a"),
        ("https://example.com/a?&&a=1&", "https://example.com/a?a=1"),
        ("https://example.com/a?b", "https://example.com/a?b"),
        ("https://example.com/news/story/amp", "https://example.com/news/story"),
        ("https://example.com/news/story/amp/", "https://example.com/news/story"),
        ("https://example.com/amp/news/story", "https://example.com/news/story"),
        ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
        ("https://example.com/news/story.amp", "https://example.com/news/story"),
        ("https://example.com/a?outputType=amp", "https://example.com/a"),
        ("https://example.com/a?outputType=AMP&k=1", "https://example.com/a?k=1"),
        ("https://example.com/a?outputType=print", "https://example.com/a?outputType=print"),
        ("https://example.com/a?amp=1", "https://example.com/a"),
        ("https://example.com/a?amp", "https://example.com/a"),
        (
            "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/story",
            "https://example.com/news/story",
        ),
        (
            "https://www-example-com.cdn.ampproject.org/v/s/example.com/a/amp?amp_js_v=0.1&usqp=m",
            "https://example.com/a",
        ),
        (
            "https://www.google.com/amp/s/www.example.com/news/story.amp",
            "https://example.com/news/story",
        ),
        ("https://example.com//a///b", "https://example.com/a/b"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
        ("https://example.com/café", "https://example.com/caf%C3%A9"),
        ("https://example.com/%7Euser", "https://example.com/~user"),
        ("https://example.com/a%2Fb", "https://example.com/a%2Fb"),  # an escaped slash stays
        ("https://example.com/a%20b?q=a%20b&r=a+b", "https://example.com/a%20b?q=a%20b&r=a+b"),
        ("https://example.com/a?q=%e2%82%ac", "https://example.com/a?q=%E2%82%AC"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/", "https://example.com/"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com:443", "https://example.com/"),
        # not http(s): returned stripped, otherwise unchanged (a file: URL loses its fragment)
        ("file:///tmp/press/a.txt#x", "file:///tmp/press/a.txt"),
        ("file:///tmp/press/a%20b.txt", "file:///tmp/press/a%20b.txt"),
        ("mailto:desk@example.com#x", "mailto:desk@example.com#x"),
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("//example.com/a", "//example.com/a"),
        # garbage: never raises
        ("not a url", "not a url"),
        ("", ""),
        ("http://[::1", "http://[::1"),
        ("http://", "http://"),
        ("https:///a", "https:///a"),
        ("https://example.com:99999/a", "https://example.com:99999/a"),
        ("https://example.com:port/a", "https://example.com:port/a"),
        ("http://exa mple.com/a", "http://exa mple.com/a"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert dedupe.canonical_url(url) == canonical


def test_canonical_url_is_idempotent() -> None:
    for url in ("http://WWW.example.com/amp/a/?utm_source=x&b=%7e1&a=2#f", "https://m.x.org/a//"):
        once = dedupe.canonical_url(url)
        assert dedupe.canonical_url(once) == once


def test_display_url_only_drops_tracking() -> None:
    url = "http://127.0.0.1:8000/a/b?utm_source=rss&utm_medium=feed&id=3#top"
    assert dedupe.display_url(url) == "http://127.0.0.1:8000/a/b?id=3"
    assert dedupe.display_url("http://WWW.x.test/a?b=2&a=1") == "http://WWW.x.test/a?b=2&a=1"
    assert dedupe.display_url("file:///tmp/a.txt") == "file:///tmp/a.txt"


# -- exact copies --------------------------------------------------------------------------


def test_content_hash_ignores_formatting_only() -> None:
    a = dedupe.content_hash("Steel talks resume.\n\n“We are close,” she said.")
    b = dedupe.content_hash('steel  talks resume — "we are close" she said')
    c = dedupe.content_hash("STEEL TALKS RESUME. “WE ARE CLOSE,” SHE SAID.")
    d = dedupe.content_hash("Steel talks resume.\u00a0\u201cWe are close,\u201d she said.\n")
    e = dedupe.content_hash("Ｓｔｅｅｌ talks resume. We are close, she said.")  # fullwidth: NFKC
    assert a == b == c == d == e
    assert len(a) == 64 and int(a, 16) >= 0
    assert a != dedupe.content_hash("Steel talks collapse. “We are far,” she said.")
    assert a != dedupe.content_hash("Steel talks resume. “We are close,” he said.")
    assert dedupe.content_hash("") == dedupe.content_hash(" \n\t")


# -- signatures ----------------------------------------------------------------------------

PINNED_TEXT = "steel talks resume in brussels"
# Pinned: a change here silently breaks dedupe against the signatures already stored.
PINNED_SIGNATURE = (606483234, 2187581935, 3945023435)
PINNED_ENCODED = "IjMmJO/ZY4LLRyTr"


def test_signature_is_pinned_and_round_trips() -> None:
    assert dedupe.signature(PINNED_TEXT) == PINNED_SIGNATURE
    assert dedupe.encode_signature(PINNED_SIGNATURE) == PINNED_ENCODED
    assert dedupe.decode_signature(PINNED_ENCODED) == PINNED_SIGNATURE
    sig = dedupe.signature(WIRE)
    assert len(sig) == 64 and list(sig) == sorted(sig) and all(0 <= v < 2**32 for v in sig)
    encoded = dedupe.encode_signature(sig)
    assert encoded.isascii() and len(encoded) == 344  # 64 × 4 bytes in base64
    assert dedupe.decode_signature(encoded) == sig
    assert dedupe.decode_signature(dedupe.encode_signature(())) == ()


def test_signature_is_the_same_in_another_process() -> None:
    code = (
        "import sys; from bot.collect import dedupe; "
        "print(dedupe.encode_signature(dedupe.signature(sys.stdin.read())))"
    )
    for seed in ("1", "2"):  # str hashes differ between these processes; signatures must not
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONIOENCODING": "utf-8"}
        out = subprocess.run(
            [sys.executable, "-c", code],
            input=WIRE,
            encoding="utf-8",
            capture_output=True,
            env=env,
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == dedupe.encode_signature(dedupe.signature(WIRE))


@pytest.mark.parametrize("garbage", ["sig", "!!!!", "é", "YWJj"])  # the last decodes to 3 bytes
def test_decode_signature_of_a_malformed_value_is_empty(garbage: str) -> None:
    assert dedupe.decode_signature(garbage) == ()
    assert dedupe.similarity(dedupe.decode_signature(garbage), dedupe.signature(WIRE)) == 0.0


def test_short_and_empty_texts_match_only_themselves() -> None:
    empty, short = dedupe.signature(""), dedupe.signature("Steel talks")
    assert len(empty) == len(short) == 1
    assert dedupe.is_near_duplicate(empty, dedupe.signature("  "))
    assert dedupe.is_near_duplicate(short, dedupe.signature("STEEL, talks!"))
    for text in ("Steel", "Steel talks resume", WIRE):
        assert not dedupe.is_near_duplicate(empty, dedupe.signature(text))
    assert not dedupe.is_near_duplicate(short, dedupe.signature(WIRE))
    assert dedupe.similarity(short, dedupe.signature(WIRE)) == 0.0


def test_similarity_is_symmetric_and_bounded() -> None:
    a, b = dedupe.signature(WIRE), dedupe.signature(SYNDICATED["metro"])
    assert dedupe.similarity(a, a) == 1.0
    assert dedupe.similarity(a, b) == dedupe.similarity(b, a)
    assert 0.0 <= dedupe.similarity(a, b) <= 1.0
    assert dedupe.similarity((), b) == 0.0


# -- the test corpus -----------------------------------------------------------------------

WIRE_PARAGRAPHS = [
    "BRUSSELS, Nov 26 (Wirepoint) - The European Union and the United States agreed on "
    "Thursday to suspend their tariffs on steel and aluminium for eighteen months, ending a "
    "standoff that had threatened transatlantic trade worth more than 14 billion euros a year.",
    "The provisional deal, reached after three days of talks in Brussels, replaces the 25 "
    "percent duties imposed in March with a quota system. Up to 3.3 million tonnes of European "
    "steel will enter the United States duty-free each year, while Brussels will drop its "
    "planned counter-tariffs on American whiskey, motorcycles and orange juice.",
    '"This is not the end of the road, but it is the end of the escalation," EU Trade '
    'Commissioner Marta Kovalenko told reporters after the final session. "Our steelworkers '
    'can plan their lives again."',
    "US Trade Representative Daniel Whitcombe said the agreement protected American producers "
    'from a surge of cheap metal while restoring "a normal relationship with our closest '
    'partners." He said Congress would be briefed next week.',
    "The two sides still disagree on how to treat steel made from Chinese slab that is rolled "
    "in third countries. Negotiators set up a technical working group that must report by the "
    "end of February, and either side can reinstate the tariffs with thirty days' notice if "
    "the quotas are breached.",
    "European producers welcomed the truce but warned that the quota was smaller than the "
    "volumes shipped before the dispute. The industry association Eurofer Nova said its members "
    "had lost about 9,000 jobs since the duties were introduced.",
    "Markets reacted calmly. Shares in Nordstahl rose 2.1 percent in Frankfurt and Harbourne "
    "Steel gained 1.4 percent in London, while the euro was little changed against the dollar.",
    "The agreement still needs the approval of the member states, whose trade ministers are "
    "expected to sign it off at a meeting in Luxembourg on December 8. Diplomats said France "
    "and Italy had pressed for a larger quota but would not block the deal.",
]
WIRE = "\n\n".join(WIRE_PARAGRAPHS)
P = WIRE_PARAGRAPHS


def smart_quotes(text: str) -> str:
    """Typographic quotes and apostrophes, as a site's CMS renders them."""
    out: list[str] = []
    opening = True
    for ch in text:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append("’" if ch == "'" else ch)
    return "".join(out)


# One wire story as six sites carry it: each adds its own boilerplate around the same body.
SYNDICATED = {
    "wire": WIRE,
    # a local paper: its own intro line, smart quotes, credits and a "Read more" link
    "ledger": "\n\n".join(
        [
            "The Harbour Ledger carries wire coverage of the stories shaping our port economy.",
            *(smart_quotes(p) for p in P),
            "Reporting by Lena Sorensen in Brussels; Editing by Paul Amadi",
            "Read more: Harbourne Steel workers wait for news on overtime",
        ]
    ),
    # a tabloid: its own headline inside the text, an advert slot, the last paragraph cut
    "metro": "\n\n".join(
        [
            "Steel truce: Brussels and Washington shelve their tariff war",
            *P[:4],
            "Advertisement",
            *P[4:7],
        ]
    ),
    # a broadsheet: no dateline, house style "per cent", a copyright footer
    "continental": "\n\n".join(
        [
            P[0].split(" - ", 1)[1],
            *(p.replace("percent", "per cent") for p in P[1:]),
            "This article originally appeared on Wirepoint. © 2026 Wirepoint. All rights reserved.",
        ]
    ),
    # a trade newsletter: an intro, a related link mid-text, a sign-up pitch, the end cut
    "tradewatch": "\n\n".join(
        [
            "Tradewatch readers: here is the latest wire report on the transatlantic metals "
            "dispute, with our own analysis to follow later today.",
            *P[:4],
            "Related coverage: What the quota system means for importers",
            *P[4:7],
            "Sign up for the Tradewatch morning newsletter to get trade news in your inbox "
            "every weekday.",
        ]
    ),
    # an aggregator: byline and photo caption, one run-on block, dashes, the end cut
    "portal": "By Wirepoint staff\nPhoto: Steel coils wait for export at the port of Antwerp. "
    "(Wirepoint)\n"
    + " ".join(smart_quotes(p).replace(" - ", " — ") for p in P[:7])
    + "\nShare this article\nFollow Portal News on social media for more business headlines.",
}

# The same event, reported independently.
INDEPENDENT = {
    # an analysis written from the same press conference
    "analysis": "\n\n".join(
        [
            "Thursday's transatlantic steel truce buys Europe's mills eighteen months of "
            "breathing space, but it leaves the hardest question of the dispute unanswered.",
            "Under the arrangement agreed in Brussels, Washington will let 3.3 million tonnes "
            "of European steel in without duties each year instead of charging 25 percent on "
            "every shipment, and the European Commission shelves the retaliation it had "
            "drawn up against bourbon, motorbikes and orange juice.",
            "Marta Kovalenko, the EU's trade commissioner, called it \"the end of the "
            'escalation" rather than a final settlement, and her counterpart Daniel Whitcombe '
            "was equally guarded, promising only to brief Congress.",
            "What neither of them could settle is the status of metal cast in China and "
            "finished elsewhere, the so-called slab problem. It is being handed to a working "
            "group with a February deadline. Officials on both sides privately concede that "
            "the group may simply postpone the argument.",
            "For producers the arithmetic is mixed. Eurofer Nova says the quota falls well "
            "short of what European mills exported before the duties, and the association "
            "blames the dispute for some 9,000 lost jobs. Buyers in Detroit, by contrast, "
            "worry that quotas will tighten supply by the summer.",
            "The snapback clause, which lets either capital restore tariffs on thirty days' "
            "notice, means the truce is only as durable as the quota monitoring behind it. "
            "Member states are due to approve the text in Luxembourg on December 8, with "
            "Paris and Rome still grumbling that Brussels settled for too little.",
            "Investors seemed to agree that the worst was over: Nordstahl and Harbourne Steel "
            "both ended the day higher.",
        ]
    ),
    # a local paper's angle on the same deal
    "local": "\n\n".join(
        [
            "Workers at the Harbourne Steel plant in Port Halden greeted news of the EU-US "
            "tariff deal with relief on Thursday, though union officials warned that the "
            "quota agreed in Brussels would not bring back the shifts cut this year.",
            "\"It's a ceasefire, not peace,\" said Tomasz Wren, who chairs the plant's branch "
            "of the metalworkers' union. \"We lost two hundred jobs here since March. Nobody "
            'is getting those back on Monday."',
            "The agreement between EU Trade Commissioner Marta Kovalenko and US Trade "
            "Representative Daniel Whitcombe suspends American duties on European steel for "
            "eighteen months and replaces them with a duty-free quota of 3.3 million tonnes a "
            "year. The EU drops its threatened counter-tariffs in return.",
            "Harbourne Steel, which sends about a fifth of its coil to the United States, said "
            "in a statement that it would review its production plans once the share of the "
            "quota allocated to each company was clear. Its shares rose in London.",
            "At the Anchor café across from the plant gates, machine operator Priya Dalton said "
            "she had been looking for work in the warehouses. \"If the orders come back I'll "
            "stay. If they don't, this deal is just paper,\" she said.",
            "Port Halden's mayor, Gwen Ashby, said she would write to the trade minister before "
            "the December 8 vote in Luxembourg, where member states must approve the deal, to "
            "ask that the quota favour plants that had already cut jobs.",
        ]
    ),
}

# Not this story: another trade dispute, another EU steel decision, and a football report.
UNRELATED = {
    "dairy": "\n\n".join(
        [
            "GENEVA, Nov 26 (Wirepoint) - Canada asked the World Trade Organization on Thursday "
            "to set up a dispute panel over Japanese tariffs on cheese and butter, escalating a "
            "quarrel that has simmered since the two countries signed a partnership agreement "
            "four years ago.",
            "Ottawa says Tokyo has administered its dairy tariff-rate quotas so that Canadian "
            "exporters fill barely a third of the volume they were promised, while New Zealand "
            "and European suppliers take the rest.",
            '"We negotiated access in good faith and we expect it to be honoured," Canadian '
            'Trade Minister Claire Dufresne said in a statement. "Our farmers have waited long '
            'enough."',
            "Japan's chief negotiator, Kenji Arakawa, said the quotas were allocated according "
            "to the agreement and that Canadian companies had simply applied for too few "
            "licences. He said Tokyo remained open to talks.",
            "Trade lawyers said a panel ruling could take more than a year. Canadian dairy "
            "exports to Japan were worth about 310 million Canadian dollars last year, "
            "according to government figures, a small share of the country's farm trade.",
            "The dispute is the first between the two countries at the WTO and comes as both "
            "are courting new partners in Asia. Officials said a meeting of the partnership's "
            "commission in Singapore next month could still produce a compromise.",
        ]
    ),
    "probe": "\n\n".join(
        [
            "The European Commission opened an anti-dumping investigation on Tuesday into steel "
            "wire rod imported from Vietnam and Indonesia, after complaints from mills in Spain "
            "and Poland that cheap imports had driven prices below production costs.",
            "The inquiry, announced by the Commission's trade defence directorate, will examine "
            "whether exporters sold wire rod in the EU at prices below those charged at home. "
            "Provisional duties could be imposed within eight months if dumping is found.",
            '"European producers cannot compete with prices that do not reflect real costs," '
            "said Ramon Iturbe, head of the Spanish wire makers' association Alambre, which filed "
            "the complaint together with two Polish mills.",
            "Imports of wire rod from the two countries have tripled since 2023 and now account "
            "for nearly a fifth of the European market, according to the complaint. Wire rod is "
            "used to make nails, fencing, springs and the reinforcing mesh used in construction.",
            "The Vietnamese trade ministry said it regretted the decision and would defend its "
            "exporters, while an Indonesian steel association said its members priced their "
            "exports fairly.",
            "Builders' groups warned that duties would raise construction costs at a time when "
            "housing starts are already falling in much of Europe. The Commission must publish "
            "its provisional findings by next summer.",
        ]
    ),
    "football": "\n\n".join(
        [
            "Harbour City kept their title hopes alive with a 2-1 win over Rovers at a rain-"
            "soaked Quayside Park on Saturday, coming from behind with two goals in the last "
            "twenty minutes.",
            "Rovers had led through a first-half header from Sam Okafor, who rose above the "
            "City defence to meet a corner from the left and send the visiting fans into "
            "raptures.",
            "City manager Ines Carvalho responded by bringing on two forwards at half-time, "
            "and the gamble paid off when substitute Luca Brandt turned in a low cross from "
            "Jamie Holt in the seventy-second minute.",
            "The winner came six minutes from time. Holt, the club's captain, curled a free "
            "kick over the wall and into the top corner, leaving the Rovers goalkeeper "
            "rooted to the spot.",
            '"The players showed real character today," Carvalho said afterwards. "We '
            'talked at half-time about staying patient, and they did exactly that."',
            "The result leaves City two points behind the leaders with four matches to play. "
            "They travel to Northgate next weekend before hosting the leaders at Quayside "
            "Park in a game that could decide the title.",
            "Rovers, who have now lost three games in a row, remain in the bottom half of the "
            "table.",
        ]
    ),
}

TITLES = {
    "wire": "EU and US agree steel tariff truce",
    "ledger": "Steel tariff truce agreed in Brussels",
    "metro": "Brussels and Washington shelve steel tariff war",
    "continental": "EU–US steel deal: tariffs suspended for 18 months",
    "tradewatch": "Wire: EU and US suspend steel and aluminium tariffs",
    "portal": "EU, US agree to suspend steel tariffs",
    "analysis": "Analysis: the steel truce buys time, not peace",
    "local": "Port Halden steelworkers cautiously welcome tariff deal",
    "dairy": "Canada takes Japan dairy quota dispute to WTO",
    "probe": "EU opens anti-dumping probe into Asian wire rod",
    "football": "Harbour City keep title hopes alive",
}
CORPUS = {**SYNDICATED, **INDEPENDENT, **UNRELATED}
PAIRS = list(itertools.combinations(CORPUS, 2))


def kind(a: str, b: str) -> str:
    """What a pair should be: copies, the same story, or neither."""
    if a in SYNDICATED and b in SYNDICATED:
        return "copy"
    if a in UNRELATED or b in UNRELATED:
        return "unrelated"
    return "same story"


def test_corpus_is_realistic() -> None:
    for name, text in CORPUS.items():
        assert 190 <= len(text.split()) <= 360, name
    assert len(SYNDICATED) >= 6 and len(INDEPENDENT) >= 2 and len(UNRELATED) >= 3


@pytest.fixture(scope="module")
def signatures() -> dict[str, tuple[int, ...]]:
    return {name: dedupe.signature(text) for name, text in CORPUS.items()}


@pytest.fixture(scope="module")
def terms() -> dict[str, frozenset[str]]:
    return {name: dedupe.story_terms(TITLES[name], text) for name, text in CORPUS.items()}


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_pairwise_decisions(
    a: str, b: str, signatures: dict[str, tuple[int, ...]], terms: dict[str, frozenset[str]]
) -> None:
    expected = kind(a, b)
    near = dedupe.is_near_duplicate(signatures[a], signatures[b])
    related = dedupe.same_story(terms[a], terms[b])
    assert near is (expected == "copy"), dedupe.similarity(signatures[a], signatures[b])
    assert related is (expected != "unrelated"), dedupe.term_overlap(terms[a], terms[b])


def test_thresholds_have_room_on_both_sides(
    signatures: dict[str, tuple[int, ...]], terms: dict[str, frozenset[str]]
) -> None:
    """The measured gaps (copies ≥ 0.60 vs others ≤ 0.08; same story ≥ 0.54 vs unrelated
    ≤ 0.18): a change that narrows them needs a look even while the decisions still pass."""
    sim = {pair: dedupe.similarity(signatures[pair[0]], signatures[pair[1]]) for pair in PAIRS}
    ovl = {pair: dedupe.term_overlap(terms[pair[0]], terms[pair[1]]) for pair in PAIRS}
    copies = [sim[p] for p in PAIRS if kind(*p) == "copy"]
    assert min(copies) >= dedupe.NEAR_DUPLICATE + 0.08
    assert max(sim[p] for p in PAIRS if kind(*p) != "copy") <= 0.1
    assert min(ovl[p] for p in PAIRS if kind(*p) == "same story") >= dedupe.SAME_STORY + 0.08
    assert max(ovl[p] for p in PAIRS if kind(*p) == "unrelated") <= dedupe.SAME_STORY - 0.2


# -- story terms ---------------------------------------------------------------------------


def test_story_terms_are_names_and_salient_words(terms: dict[str, frozenset[str]]) -> None:
    wire = terms["wire"]
    assert {"kovalenko", "whitcombe", "steel", "tariff", "quota", "eu", "us"} <= wire
    assert not wire & {"the", "said", "thursday", "percent", "two", "reporter"}
    assert len(wire) <= 20
    for found in terms.values():  # stored space-separated: one folded word each
        assert all(t and t == t.casefold() and " " not in t for t in found)


def test_story_terms_fold_case_accents_plurals_and_spellings() -> None:
    a = dedupe.story_terms("", "The United States and Élodie Marchand's tariffs. " * 3)
    b = dedupe.story_terms("", "the U.S. and Elodie Marchand’s TARIFF. " * 3)
    assert a == b == {"us", "elodie", "marchand", "tariff"}
    assert dedupe.story_terms("", "") == frozenset()
    assert dedupe.story_terms("Steel", "steel steel") == {"steel"}  # title counts extra


def test_term_overlap_is_the_overlap_coefficient() -> None:
    a, b = frozenset({"a", "b", "c", "d"}), frozenset({"a", "b", "c", "x", "y", "z"})
    assert dedupe.term_overlap(a, b) == dedupe.term_overlap(b, a) == 0.75
    assert dedupe.term_overlap(frozenset(), b) == 0.0
    assert dedupe.same_story(a, b)
    assert not dedupe.same_story(frozenset({"a", "b"}), frozenset({"a", "b"}))  # too few shared


# -- extracted pages -----------------------------------------------------------------------


def extracted() -> dict[str, tuple[str, str]]:
    out = {}
    for page in PAGES.glob("*.html"):
        article = extract_html(page.read_bytes(), f"https://x.test/{page.stem}")
        out[page.stem] = (article.title or "", article.text)
    return out


def test_extracted_pages_copies_and_stories() -> None:
    t = extracted()
    sig = {k: dedupe.signature(v[1]) for k, v in t.items()}
    found = {k: dedupe.story_terms(*v) for k, v in t.items()}
    wire = ["wire-original", "wire-copy-ledger", "wire-copy-metro"]
    for a, b in itertools.combinations(wire, 2):
        assert dedupe.is_near_duplicate(sig[a], sig[b]), (a, b)
        assert dedupe.same_story(found[a], found[b]), (a, b)
    for a in wire:
        assert dedupe.similarity(sig[a], sig["unions"]) < 0.2
        assert dedupe.similarity(sig[a], sig["football"]) < 0.2
        assert not dedupe.same_story(found[a], found["football"])
    assert not dedupe.is_near_duplicate(sig["unions"], sig["football"])


# -- placing an article --------------------------------------------------------------------


def recent(
    i: int,
    sig: str,
    found: frozenset[str],
    story: int | None = 1,
    dup: int | None = None,
    relevant: bool = True,
) -> RecentArticle:
    return RecentArticle(i, story, dup, sig, found, relevant)


def test_place_article() -> None:
    base = dedupe.signature("one two three four five six seven eight nine ten eleven twelve")
    other = dedupe.signature("completely different words about a football match in the rain")
    enc = dedupe.encode_signature
    stored = [
        recent(1, enc(base), frozenset({"steel", "tariff", "kovalenko", "quota"}), story=7),
        recent(2, enc(base), frozenset(), story=7, dup=1),
    ]
    # exact match: joins the original (not the copy), in its story
    exact = place_article(base, frozenset(), stored[1], stored, stored, relevant=True)
    assert (exact.duplicate_of, exact.story_id) == (1, 7)
    near = place_article(base, frozenset(), None, stored, stored, relevant=True)
    assert (near.duplicate_of, near.story_id) == (1, 7)
    related_terms = frozenset({"steel", "tariff", "quota", "truce"})
    related = place_article(other, related_terms, None, stored, stored, relevant=True)
    assert (related.duplicate_of, related.story_id) == (None, 7)
    unrelated = place_article(other, frozenset({"football"}), None, stored, stored, relevant=True)
    assert (unrelated.duplicate_of, unrelated.story_id) == (None, None)
    off_topic = place_article(other, related_terms, None, stored, stored, relevant=False)
    assert off_topic.story_id is None


def test_recent_index_narrows_candidates() -> None:
    texts = [" ".join(f"w{i}x{j}" for j in range(300)) for i in range(200)]
    enc = dedupe.encode_signature
    index = RecentIndex(
        recent(i, enc(dedupe.signature(t)), frozenset({f"t{i}", "steel"}), story=i)
        for i, t in enumerate(texts)
    )
    copy = dedupe.signature(texts[42] + " Reporting by somebody.")
    assert [a.id for a in index.near(copy)] == [42]
    assert [a.id for a in index.related(frozenset({"t5", "steel", "other"}))] == [5]
    assert index.related(frozenset({"steel"})) == []  # one common word relates nothing
