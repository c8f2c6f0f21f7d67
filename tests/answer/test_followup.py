"""Follow-ups read with the conversation they follow (pure)."""

from __future__ import annotations

from bot.answer.followup import resolve, unresolved
from bot.answer.sentences import read_question


def test_a_question_that_stands_alone_is_left_as_it_is() -> None:
    read = resolve("How many jobs are at risk?", ["Who runs Kaldor?"], ["Edvard Lunde [1]"])
    assert (read.question, read.follows) == ("How many jobs are at risk?", None)
    assert resolve("What did he say?", [], []).follows is None  # nothing to follow


def test_and_someone_else_asks_the_earlier_question_about_them() -> None:
    read = resolve("And Corvex's?", ["How far did Heliant's shares fall?"], ["11 percent [1]"])
    assert read.question == "How far did Corvex's shares fall?"
    assert read.follows == "How far did Heliant's shares fall?"
    read = resolve("And the Union?", ["What did Kestria offer?"], ["A quota [1]"])
    assert read.question == "What did the Union offer?"


def test_a_pronoun_for_a_person_is_the_person_asked_or_answered_about() -> None:
    read = resolve(
        "And what did he say about the deadline?",
        ["What did Daniel Whitcombe say about overcapacity?"],
        ["Whitcombe said … [1]"],
    )
    assert read.question == "What did Daniel Whitcombe say about the deadline?"
    read = resolve(
        "What did he say next?",
        ["Who leads the Union's team?"],
        ["The Union's chief negotiator Mateo Carvell leads it. [1]"],
    )
    assert read.question == "What did Mateo Carvell say next?"


def test_it_and_that_keep_the_subject_of_the_last_exchange() -> None:
    read = resolve(
        "What strings are attached to it?",
        ["What's new on the Tarrow aid?"],
        ["The government offered 140 million euros. It wants more. [1]"],
    )
    assert read.question == "What strings are attached to it?"
    assert "Tarrow aid" in read.context and "140 million" in read.context


def test_a_question_drawn_from_the_last_answer_keeps_its_subject() -> None:
    read = resolve(
        "So is the walkout off?",
        ["Any update on the Tarrow steelworks since yesterday?"],
        ["Kaldor will postpone the closure of the Tarrow steelworks. [1]"],
    )
    assert read.follows == "Any update on the Tarrow steelworks since yesterday?"
    assert "Tarrow steelworks" in read.context and "postpone" in read.context
    # a question that starts afresh is not a follow-up
    assert resolve("Is the walkout off?", ["Who runs Kaldor?"], ["Lunde [1]"]).follows is None


def test_the_thing_already_spoken_of_keeps_the_subject_of_the_last_exchange() -> None:
    asked = ["What has changed for the Lunde mill since yesterday?"]
    answered = ["The government offered Brandvik 40 million euros to keep Lunde open. [1]"]
    read = resolve("What conditions come with the money?", asked, answered)
    assert read.follows == asked[0]
    assert "Brandvik 40 million euros" in read.context
    # a question naming someone new stands on its own
    assert resolve("What did the Norland minister say?", asked, answered).follows is None


def test_a_reaction_asked_for_is_a_reaction_to_the_last_exchange() -> None:
    before = ["What did the mayor say about the bridge?"]
    said = ["Ada Voss: “The bridge will reopen in May.” [1]"]
    for question in ("How did the council respond?", "What was the union's reaction?"):
        read = resolve(question, before, said)
        assert read.question == question
        assert read.follows == before[0]
        assert "bridge" in read.context
    # A question that says what it reacts to stands alone.
    assert resolve("How did the council respond to the flood?", before, said).follows is None
    assert resolve("What was the council's reaction to the flood?", before, said).follows is None
    # "take" asks how long something lasts, not how it was taken
    assert resolve("How long will legal work take?", before, said).follows is None


def test_and_with_a_whole_question_stays_on_the_subject_it_follows() -> None:
    before = ["How much timber does the Union want Norland to promise?"]
    read = resolve("And what's Norland's total annual output?", before, ["12,000 m3 [1]"])
    assert read.question == "And what's Norland's total annual output?"
    assert read.follows == before[0] and "timber" in read.context
    # a refusal says nothing of the subject: only the question is kept
    read = resolve(
        "And what's Norland's total annual output?", before, ["The coverage I have does not say."]
    )
    assert read.context.strip() == before[0]


def test_a_pronoun_out_of_the_blue_is_not_understood() -> None:
    assert unresolved("When are they signing it?")
    assert unresolved("What did he say?")
    assert not unresolved("When will Norland sign the timber deal?")
    assert not unresolved("When does it start, the Lunde strike?")


def test_the_thing_may_be_named_an_exchange_or_two_back() -> None:
    asked = ["What's new at the Lunde mill?", "When does the strike begin?"]
    answered = ["Norland offered 40 million krona in aid to the mill. [1]", "On Friday. [2]"]
    read = resolve("What conditions come with the aid?", asked, answered)
    assert read.follows == asked[0] and "aid" in read.context
    # the latest exchange naming it wins
    read = resolve("How long will the strike last?", asked, answered)
    assert read.follows == asked[1]


def test_a_wire_dateline_is_no_part_of_the_subject() -> None:
    read = resolve(
        "By when do they want it shut?",
        ["How many jobs go if Brandvik shuts Lunde?"],
        ["LUNDE, Ostmark, Mar 2 (Nordic Press) – Brandvik said it would cut 300 jobs. [1]"],
    )
    assert "Nordic" not in read.context and "LUNDE" not in read.context
    assert "Brandvik said it would cut 300 jobs." in read.context


def test_a_question_that_only_asks_what_kind_follows_the_last_exchange() -> None:
    read = resolve(
        "Over what timeframe?",
        ["How many mill jobs does the paper lobby say are at risk?"],
        ["As many as 900 mill jobs could go over two years, the paper lobby said. [1]"],
    )
    assert read.follows == "How many mill jobs does the paper lobby say are at risk?"
    assert "two years" in read.context
    assert read_question("Over what timeframe?").wants == "duration"
    assert resolve("Over what timeframe?", [], []).follows is None


def test_a_follow_up_to_an_overview_reads_with_the_development_it_picks() -> None:
    read = resolve(
        "And pulp beyond that volume, what rate will it pay?",
        ["What's new in the timber talks since yesterday?"],
        [
            "Ostmark said saw exports would not be part of the timber talks. [1] Ostmark and"
            " Lunde agreed a pulp quota of 2 million tonnes a year. [2]"
        ],
    )
    assert "pulp quota" in read.context and "saw exports" not in read.context
    # after a question that is no overview, the answer's first sentence stays the subject
    other = resolve(
        "And what rate will it pay?",
        ["What did the timber talks decide?"],
        ["Ostmark said saw exports would go on. [1] A pulp quota was agreed. [2]"],
    )
    assert "saw exports" in other.context


def test_a_question_of_a_few_words_naming_no_one_is_on_the_subject_before() -> None:
    read = resolve("Anyone hurt?", ["How many Tollan heaters are being recalled?"], [])
    assert read.follows == "How many Tollan heaters are being recalled?"
    assert "heaters" in read.context
    # a short question that names someone stands on its own
    assert resolve("What about Brekka?", ["How many Tollan heaters?"], []).follows is not None
    assert resolve("Brekka's offer?", ["How many Tollan heaters?"], []).follows is None
