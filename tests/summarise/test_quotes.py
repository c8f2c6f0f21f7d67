"""Quotes and speakers: seven fixture articles written in different styles, each attribution
pattern on its own, what is deliberately skipped, and hostile input. Every quote is verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.collect.extract import extract_text
from bot.summarise import extract_quotes, is_verbatim, split_sentences, summarise_text
from bot.text.quotes import quoted_regions

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"

Pairs = list[tuple[str | None, str]]

EXPECTED: dict[str, Pairs] = {
    # wire style, typographic marks: “…,” said X, the title / “…,” X, the title, told reporters /
    # according to X / X said, adding “…” / an organisation is no speaker / she said + a
    # continuation
    "a-wire.txt": [
        ("Marta Kovalenko", "We have narrowed the gaps on volumes"),
        ("Marta Kovalenko", "What remains is the question of how disputes are settled."),
        ("Daniel Whitcombe", "Nobody should expect a signing ceremony this week"),
        ("Ingrid Solberg", "A deal on volumes without a deal on enforcement would not last a year"),
        ("Daniel Whitcombe", "We want a door that can be opened, not a wall"),
        ("Daniel Whitcombe", "predictability above all."),
        (None, "Every month of delay costs our members orders they will not win back"),
        ("Marta Kovalenko", "They will want to know what we gave and what we got"),
        ("Marta Kovalenko", "I will tell them both."),
    ],
    # straight marks: X told reporters: "…" over two sentences / X said / He said: "…" /
    # X said that "…" / X wrote on social media: "…"
    "b-straight.txt": [
        (
            "Lucia Ferrante",
            "We cannot run plants at a loss for another winter. Energy costs "
            "have doubled and our American orders have fallen by a third.",
        ),
        (
            "Lucia Ferrante",
            "If there is no agreement by March, we will have to start shutting down pot lines",
        ),
        (
            "Tomas Reiner",
            "Once a pot line goes cold, it does not come back. You cannot restart a smelter like "
            "a car.",
        ),
        ("Giulia Marras", "nobody in the valley believes the plants will reopen"),
        ("Piet Claessens", "We love European metal. We cannot afford it."),
    ],
    # he said / she said / he added across paragraphs for two people, an interrupted quote,
    # "they" for a group (nobody) and "they" for one named person
    "c-pronouns.txt": [
        ("Henrik Dahl", "Retaliation is a last resort, not a negotiating tactic"),
        ("Henrik Dahl", "We should give the commission until the end of January."),
        ("Élodie Marchand", "Every week we wait, our plants lose customers"),
        ("Henrik Dahl", "I do not exclude anything"),
        ("Henrik Dahl", "but I want the talks to run their course."),
        ("Élodie Marchand", "Patience has a price, and our workers are paying it"),
        ("Henrik Dahl", "We both want the tariffs gone. We differ on how to get there"),
        ("Élodie Marchand", "There is no French list. There is a European list, and it is ready"),
        (None, "Disagreements are normal before a summit"),
        (None, "They talk about weeks as if weeks were free"),  # singular "they": unsure
    ],
    # the commissioner said / the minister said / the spokesperson added / the commissioner
    # told reporters; surname-only mentions; "Its chair, X, said … “…”"
    "d-titles.txt": [
        ("Marta Kovalenko", "We will not negotiate forever"),
        (
            "Marta Kovalenko",
            "If there is no deal by the fifteenth, the countermeasures will apply from January.",
        ),
        ("Pieter Vandenberg", "as long as workers are protected."),
        ("Marta Kovalenko", "The tone was constructive"),
        ("Marta Kovalenko", "but tone is not a text."),
        ("Rasmus Holt", "A date concentrates minds"),
        ("Rasmus Holt", "Without one, these talks could run until the next election."),
        ("Karin Lund", "We have our own list, and we are not afraid to use it"),
        ("Marta Kovalenko", "one European list, not twenty-seven."),
        ("Pieter Vandenberg", "Workers need to hear more than dates"),
    ],
    # X said …, adding “…” (twice, once past a second verb); described … as “…” (three words,
    # one word); an anonymous spokesman and manager; "which she called “…”"
    "e-adding.txt": [
        ("Sabine Kroll", "we are not expecting relief before the summer."),
        ("Sabine Kroll", "constructive but slow"),
        ("Jonas Weller", "Everyone is pricing in the worst case."),
        ("Jonas Weller", "grim"),
        ("a spokesman for one of the largest mills", "unavoidable"),
        (None, "worse than the tariff itself."),
        ("Sabine Kroll", "a take-it-or-leave-it deal"),
    ],
    # no identifiable speaker: a banner, an anonymous official (and "he" right after him), a
    # spokesperson never named, a placard; one named delegate; scare quotes skipped
    "f-anonymous.txt": [
        (None, "This cannot go on"),
        ("Marc Dubois", "We came here so that they remember us when they sign"),
        (None, "businesslike"),
        (None, "Nobody wants to be the one who walks out"),
        ("a spokesperson for the commission", "We are listening to everyone, inside and outside"),
        ("a spokesperson for the commission", "The door is open"),
        (None, "Steel made here, jobs kept here, votes counted here."),
    ],
    # scare quotes, nicknames, titles of works and mentioned words are all skipped
    "g-scare.txt": [
        (
            "Katja Brenner",
            "A truce is when the shooting stops. Here the orders have stopped, and nobody has "
            "told us when they will start again",
        ),
        ("Piotr Malek", "a ceasefire for bosses"),
        ("Piotr Malek", "We are not asking for charity. We are asking for orders"),
    ],
}


def load(name: str) -> tuple[str, str]:
    article = extract_text((ARTICLES / name).read_text(encoding="utf-8"), "")
    return article.title, article.text


def pairs(text: str) -> Pairs:
    return [(q.speaker, q.text) for q in extract_quotes(text)]


def test_every_fixture_is_checked_and_the_right_size() -> None:
    names = sorted(p.name for p in ARTICLES.glob("*.txt"))
    assert names == sorted(EXPECTED)
    for name in names:
        assert 250 <= len(load(name)[1].split()) <= 600, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_quotes_and_speakers(name: str) -> None:
    title, text = load(name)
    summary = summarise_text(title, text)
    assert [(q.speaker, q.text) for q in summary.quotes] == EXPECTED[name]
    assert summary.dropped_quotes == 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_quote_is_verbatim_and_points_at_its_sentence(name: str) -> None:
    _, text = load(name)
    sentences = split_sentences(text)
    quotes = extract_quotes(text, sentences)
    assert quotes
    for quote in quotes:
        assert is_verbatim(quote.text, text)
        assert any(quote.text in region for region in quoted_regions(text))
        assert (
            quote.speaker is None
            or " ".join(quote.speaker.split()).casefold() in " ".join(text.split()).casefold()
        )
        assert quote.sentence_id is not None
        sentence = sentences[quote.sentence_id]
        # the sentence holds the opening mark: the quote's first words follow it there or in
        # the sentence after
        following = text[sentence.start : sentence.end + 400]
        assert quote.text.split()[0] in following
    assert [q.sentence_id for q in quotes] == sorted(q.sentence_id or 0 for q in quotes)


def test_without_sentences_there_are_no_sentence_ids() -> None:
    _, text = load("a-wire.txt")
    assert all(q.sentence_id is None for q in extract_quotes(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # after the quote
        ("“We stay,” Ana Lopes said.", [("Ana Lopes", "We stay")]),
        ("“We stay,” said Ana Lopes.", [("Ana Lopes", "We stay")]),
        (
            "“We stay,” Ana Lopes, the trade minister, said on Monday.",
            [("Ana Lopes", "We stay")],
        ),
        ("“We stay,” Ana Lopes told reporters.", [("Ana Lopes", "We stay")]),
        ("“We stay,” according to Ana Lopes, a lawyer.", [("Ana Lopes", "We stay")]),
        ("“We stay,” trade minister Ana Lopes said.", [("Ana Lopes", "We stay")]),
        ("“We stay,” said the trade minister, Ana Lopes.", [("Ana Lopes", "We stay")]),
        ("“Why now?” Ana Lopes asked.", [("Ana Lopes", "Why now?")]),
        # before the quote
        ("Ana Lopes told reporters: “We stay.”", [("Ana Lopes", "We stay.")]),
        ("Ana Lopes said: “We stay.”", [("Ana Lopes", "We stay.")]),
        (
            "Ana Lopes said that “nobody will leave the table”.",
            [("Ana Lopes", "nobody will leave the table")],
        ),
        (
            "Ana Lopes wrote on social media: “The talks are over.”",
            [("Ana Lopes", "The talks are over.")],
        ),
        (
            "Ana Lopes said the talks had stalled, adding “we will be back in spring.”",
            [("Ana Lopes", "we will be back in spring.")],
        ),
        (
            "Ana Lopes, who has led the talks since March, said prices had risen, adding: "
            "“Nobody will be happy.”",
            [("Ana Lopes", "Nobody will be happy.")],
        ),
        (
            "Ana Lopes said she was told the deal was “close”, but added: “Close is not done.”",
            # "close" is what she was told, not her word: it is not hers to quote
            [("Ana Lopes", "Close is not done.")],
        ),
        (
            "Ana Lopes had a message for Washington: “Do not test us.”",
            [("Ana Lopes", "Do not test us.")],
        ),
        (
            "Ana Lopes, 54, a former judge, said: “We will appeal this ruling.”",
            [("Ana Lopes", "We will appeal this ruling.")],
        ),
        (
            "According to Ana Lopes, “the deal is dead in the water”.",
            [("Ana Lopes", "the deal is dead in the water")],
        ),
        (
            "President Ana Lopes of Valdoria said the tariffs were “a betrayal”.",
            [("Ana Lopes", "a betrayal")],
        ),
        (
            "J. R. Smith, the chief negotiator, said: “We are done here today.”",
            [("J. R. Smith", "We are done here today.")],
        ),
        # a surname with a title and no full name anywhere is returned as written
        ("“It is a good deal,” Ms. Lopes said.", [("Lopes", "It is a good deal")]),
        # pronouns and titles resolve to the last named person before the quote
        (
            "Anna Brandt spoke. “Markets have priced it in,” she said.",
            [("Anna Brandt", "Markets have priced it in")],
        ),
        ("Tom Reyes arrived late. “It is over,” he added.", [("Tom Reyes", "It is over")]),
        (
            "Economy Minister Tom Reyes arrived. Ana Lopes followed. “It is over,” the minister "
            "said.",
            [("Tom Reyes", "It is over")],
        ),
        (
            "Ana Lopes, the commission's spokesperson, spoke first. “No comment,” the "
            "spokesperson added.",
            [("Ana Lopes", "No comment")],
        ),
        (
            "Trade Commissioner Ana Lopes arrived. Asked about the deal, the commissioner told "
            "reporters: “We are close.”",
            [("Ana Lopes", "We are close.")],
        ),
        # with no title seen, "the minister" is the last person named
        # nothing says Tom Reyes is the minister: no speaker rather than a guess
        ("Tom Reyes spoke. “It is over,” the minister said.", [(None, "It is over")]),
        # surnames resolve to the fullest form, even when the full name comes later
        (
            "“We stay,” Lopes said. Ana Maria Lopes, the minister, said nothing more.",
            [("Ana Maria Lopes", "We stay")],
        ),
        (
            "Ana Lopes spoke. Tom Lopes spoke. “Later,” Lopes said.",
            [(None, "Later")],  # two Lopeses: the surname alone names neither
        ),
        # an interrupted quote: two quotes, one voice
        (
            "“We are close,” she said. “But not there yet.”",
            [(None, "We are close"), (None, "But not there yet.")],
        ),
        (
            "Ana Lopes spoke. “We are close,” she said, “but not there yet.”",
            [("Ana Lopes", "We are close"), ("Ana Lopes", "but not there yet.")],
        ),
        # a quote over two paragraphs, open at the first one's end
        (
            "Ana Lopes spoke first.\n\n“We cannot wait forever.\n\n“Nobody can,” she said.",
            [("Ana Lopes", "We cannot wait forever."), ("Ana Lopes", "Nobody can")],
        ),
        # a quote that opens its sentence speaks for whoever spoke in the sentence before
        (
            "Ana Lopes said the tone was good. “But tone is not a text.”",
            [("Ana Lopes", "But tone is not a text.")],
        ),
        # single words and short phrases need a speech verb
        (
            "Ana Lopes described the meeting as “productive”.",
            [("Ana Lopes", "productive")],
        ),
        ("She described the meeting as “productive”.", [(None, "productive")]),
        ("The meeting was described as “productive” by those present.", [(None, "productive")]),
        ("Ana Lopes called the offer “a good start” on Monday.", [("Ana Lopes", "a good start")]),
        # other quotation marks
        (
            "Prime Minister Ana Sousa said: «Não vamos ceder nada hoje»",
            [("Ana Sousa", "Não vamos ceder nada hoje")],
        ),
        # no English speech verb: kept, but nobody is guessed
        ("„Wir bleiben bis morgen“, sagte Ana Lopes.", [(None, "Wir bleiben bis morgen")]),
        ("‘We stay,’ said Ana Lopes.", [("Ana Lopes", "We stay")]),
        ('"We stay," said Ana Lopes.', [("Ana Lopes", "We stay")]),
        # the same words twice are one quote
        (
            "“We stay,” said Ana Lopes. Later she repeated: “We stay.”",
            [("Ana Lopes", "We stay")],
        ),
    ],
)
def test_attribution_patterns(text: str, expected: Pairs) -> None:
    assert pairs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no named person and no description: None, never a guess
        ("“We are close,” she said. No name anywhere.", [(None, "We are close")]),
        (
            "“The door is open,” a spokesperson for the ministry said.",
            [("a spokesperson for the ministry", "The door is open")],  # the description
        ),
        ("“The door is open,” said an official.", [(None, "The door is open")]),
        (
            "“The door is open,” according to two people familiar with the talks.",
            [(None, "The door is open")],
        ),
        ("“Enough,” read a sign outside the venue.", [(None, "Enough")]),
        # an anonymous source after a named person: "he" and "the spokesperson" are not her
        (
            "Ana Lopes left early. An official who stayed said the talks went on. “Nobody "
            "wants to walk out,” he said.",
            [(None, "Nobody wants to walk out")],
        ),
        (
            "Ana Lopes left early. “Not now,” a spokesperson said. “Maybe later,” the "
            "spokesperson added.",
            [("a spokesperson", "Not now"), ("a spokesperson", "Maybe later")],
        ),
        (
            "Ana Lopes left. A manager who worked with Tom Reyes said: “Prices will rise.”",
            [(None, "Prices will rise.")],
        ),
        # an organisation or an institution is never a speaker; its spokesperson is, as
        # described
        (
            "“Prices will rise,” the association said. “Prices will rise again,” Kessler "
            "Partners said.",
            [(None, "Prices will rise"), (None, "Prices will rise again")],
        ),
        (
            "Ana Lopes spoke. A spokesperson for the Office of the Trade Representative said "
            "the bloc “does not negotiate against deadlines”.",
            [
                (
                    "a spokesperson for the Office of the Trade Representative",
                    "does not negotiate against deadlines",
                )
            ],
        ),
        # someone speaking for a named person is not that person
        (
            "Ana Lopes arrived. “It is a good deal for everyone,” said Lopes’s spokesman.",
            [("Lopes’s spokesman", "It is a good deal for everyone")],
        ),
        # the outlet told is the listener, never the speaker
        (
            "“The deal is dead,” Lopes told the Harbour Ledger on Tuesday.",
            [("Lopes", "The deal is dead")],
        ),
        # a group's "they" is nobody
        (
            "Ana Lopes spoke. Diplomats from both sides disagreed. “It is normal,” they said.",
            [(None, "It is normal")],
        ),
        # a description of a named person does not hide her
        (
            "Ana Lopes, a portfolio manager at Aldgate Capital, sold. “We have been here before,"
            "” she said.",
            [("Ana Lopes", "We have been here before")],
        ),
    ],
)
def test_unknown_speakers_stay_unknown(text: str, expected: Pairs) -> None:
    assert pairs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The minister’s ‘clear red line’ was repeated by Ivo Petrov, who said it twice.",
        "It’s the union’s view that workers’ pay matters in the ‘90s and rock ‘n’ roll.",
        "Protesters called the tariffs a “steel curtain” across the Atlantic.",
        "The so-called “melt and pour” rule is technical.",
        "Ana Lopes said the “melt and pour” rule was technical.",
        "Ana Lopes said the word “truce” was misleading.",
        "The region is known as “the Iron Coast” locally.",
        "Workers call the manager “the Accountant”.",
        "A play called “Slag” opens tonight.",
        "A report titled “Steel After the Storm: Jobs in the Balance” was published.",
        "She read “The Long Shift” twice.",
        "Numbers only: “12 – 14”.",
    ],
)
def test_scare_quotes_titles_and_nicknames_are_skipped(text: str) -> None:
    assert extract_quotes(text) == []


def test_an_unattributed_quotation_of_several_words_is_kept_without_a_speaker() -> None:
    text = "Handwritten on one placard: “Steel made here, jobs kept here.”"
    assert pairs(text) == [(None, "Steel made here, jobs kept here.")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a title in front of the name the first time, the surname alone later
        (
            "US Trade Representative Daniel Whitcombe spoke on Monday. "
            "“A quota is not a loophole,” Whitcombe said. "
            "Whitcombe told reporters: “We are flexible on volumes.”",
            [
                ("Daniel Whitcombe", "A quota is not a loophole"),
                ("Daniel Whitcombe", "We are flexible on volumes."),
            ],
        ),
        # a quote of two sentences, attributed after it
        (
            "“We are close, but we are not there yet. Both sides want a deal,” "
            "Marta Kovalenko said.",
            [("Marta Kovalenko", "We are close, but we are not there yet. Both sides want a deal")],
        ),
        (
            "“Every week costs us orders. We need a deal,” said Klaus Meinhardt, chairman of "
            "the union.",
            [("Klaus Meinhardt", "Every week costs us orders. We need a deal")],
        ),
        # the commissioner, after a titled first mention
        (
            "EU Trade Commissioner Marta Kovalenko arrived late. "
            "“We will not negotiate forever,” the commissioner said.",
            [("Marta Kovalenko", "We will not negotiate forever")],
        ),
        # the same voice later in the paragraph, with an organisation in between
        (
            "“Markets price in a deal,” said Anna Brandt, a strategist at Lindqvist Bank. "
            "“If Brussels blinks, steel rallies.”",
            [
                ("Anna Brandt", "Markets price in a deal"),
                ("Anna Brandt", "If Brussels blinks, steel rallies."),
            ],
        ),
        # an institution is never a speaker, even as the last capitalised phrase
        (
            "Daniel Whitcombe spoke to the Atlantic Trade Forum on Monday. "
            "“The numbers are the easy part,” he added.",
            [("Daniel Whitcombe", "The numbers are the easy part")],
        ),
        # "chief executive X said" after the quote; a subject carried over ", but added:"
        (
            "“We cannot survive both,” chief executive Elena Russo said. Russo said aluminium "
            "was “on the table”, but added: “On the table is not the same as in the text.”",
            [
                ("Elena Russo", "We cannot survive both"),
                ("Elena Russo", "on the table"),
                ("Elena Russo", "On the table is not the same as in the text."),
            ],
        ),
        # a subject followed by two appositives
        (
            "Ulrike Hartmann, president of the Federation of Steel Users, whose members make "
            "machine tools, said a quota would create “a cliff edge every autumn”.",
            [("Ulrike Hartmann", "a cliff edge every autumn")],
        ),
    ],
)
def test_attribution_cases_from_the_demo(text: str, expected: Pairs) -> None:
    assert pairs(text) == expected


def test_quotes_come_in_order_without_repeats() -> None:
    text = "“One,” said Ana Lopes. “Two three four five.” “One,” she said. “Six seven eight nine.”"
    assert [q.text for q in extract_quotes(text)] == [
        "One",
        "Two three four five.",
        "Six seven eight nine.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        '"' * 100_000,
        "“" * 100_000,
        "“" * 50_000 + "a" * 50_000,
        "”" * 100_000,
        "‘" * 100_000,
        " ‘a" * 100_000,
        "‘a’b " * 100_000,
        "x" * 1_000_000,
        'x "ab cd" y ' * 50_000,  # one line of 600,000 characters full of quotes
        '"ab cd," he said. ' * 20_000,
        "“x y z w,” " + "Aaa, " * 50_000 + "said",
        "Aaa Bbb, the minister, said " * 30_000,
        " ".join(f"Name{i} Surname{i} said." for i in range(5_000))
        + ' "quoted text here," he said.',
        "Ana Lopes said: “" + "a b c, " * 100_000,
        '“a” ‘b’ «c» „d“ "e" ' * 30_000,
    ],
)
def test_hostile_input_finishes(text: str) -> None:
    quotes = extract_quotes(text, split_sentences(text))
    assert all(q.text in text for q in quotes[:50])
