"""The question evaluation over the other fictional worlds (tests/fixtures/scenario_*/) as a
ratchet, as tests/answer/test_question_eval.py does for the development scenario's sets. Its own
file, so that the test run's workers (one file each) share the two halves of the evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.answer.question_eval import (
    AVIATION,
    AVIATION_DIR,
    BANK,
    BANK_DIR,
    BATTERIES,
    BATTERIES_DIR,
    CITYHALL,
    CITYHALL_DIR,
    ELECTION,
    ELECTION_DIR,
    ENERGY,
    ENERGY_DIR,
    FARMING,
    FARMING_DIR,
    ONLINE,
    ONLINE_DIR,
    PHARMA,
    PHARMA_DIR,
    PLATFORMS,
    PLATFORMS_DIR,
    SHIPPING,
    SHIPPING_DIR,
    TELECOM,
    TELECOM_DIR,
    WATER,
    WATER_DIR,
    evaluate,
    holds_the_bar,
)

# Sets over other worlds than the development scenario (name -> its folder).
WORLDS = {
    "platform-work world": (PLATFORMS, 33, 14, PLATFORMS_DIR),  # 45 answerable, 15 not
    "battery-takeover world": (BATTERIES, 29, 14, BATTERIES_DIR),  # 45 answerable, 15 not
    "water-crisis world": (WATER, 31, 12, WATER_DIR),  # 45 answerable, 15 not
    "pharmaceutical world": (PHARMA, 29, 15, PHARMA_DIR),  # 45 answerable, 15 not
    "telecoms world": (TELECOM, 33, 14, TELECOM_DIR),  # 45 answerable, 15 not
    "aviation world": (AVIATION, 26, 15, AVIATION_DIR),  # 45 answerable, 15 not
    "farming world": (FARMING, 32, 12, FARMING_DIR),  # 45 answerable, 15 not
    "energy world": (ENERGY, 31, 12, ENERGY_DIR),  # 45 answerable, 15 not
    "city-hall world": (CITYHALL, 31, 10, CITYHALL_DIR),  # 45 answerable, 15 not
    "shipping world": (SHIPPING, 27, 11, SHIPPING_DIR),  # 45 answerable, 15 not
    "election world": (ELECTION, 22, 13, ELECTION_DIR),  # 45 answerable, 15 not
    "bank world": (BANK, 15, 12, BANK_DIR),  # 45 answerable, 15 not
    "online-safety world": (ONLINE, 19, 8, ONLINE_DIR),  # 45 answerable, 15 not
}


@pytest.mark.parametrize("name", sorted(WORLDS))
async def test_the_other_worlds_are_answered_at_least_as_well_as_before(
    tmp_path: Path, name: str
) -> None:
    questions, right_at_least, refused_at_least, world = WORLDS[name]
    report = await evaluate(tmp_path, questions, scenario_dir=world)
    holds_the_bar(report, questions, right_at_least, refused_at_least)
