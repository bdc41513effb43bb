"""Self-ratings on the rubric, the coach's readings beside them, and the drift."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storybank.core.rubric import KEYS
from storybank.core.self_rating import (
    TREND_MIN_ANSWERS,
    Trend,
    coach_readings,
    coach_readings_json,
    gap_text,
    parse_coach_readings,
    parse_self_ratings,
    rubric_drift,
    self_ratings,
    self_ratings_json,
    signed,
)

# --- stored form ------------------------------------------------------------------


def test_self_ratings_keep_known_dimensions_rated_one_to_five_in_rubric_order() -> None:
    raw = {
        "structure": 2,
        "ownership": 5,
        "result": 0,  # out of range
        "reflection": 6,
        "fit": 3.0,  # not a whole number
        "specificity": True,  # a flag, not a number
        "charisma": 4,  # no such dimension
    }
    assert list(self_ratings(raw).items()) == [("ownership", 5), ("structure", 2)]


def test_coach_readings_keep_floats_one_to_five_rounded_to_two_places() -> None:
    raw = {
        "fit": 5,
        "ownership": 3.456,
        "result": 0.99,
        "reflection": float("nan"),
        "structure": "4",
        "specificity": 1.0,
    }
    assert coach_readings(raw) == {"ownership": 3.46, "specificity": 1.0, "fit": 5.0}
    assert list(coach_readings(raw)) == ["ownership", "specificity", "fit"]


@pytest.mark.parametrize(
    "text",
    [None, "", "not json", "[1, 2]", '"text"', "3", "null", '{"ownership": "5"}', "{" * 5000],
)
def test_anything_unreadable_is_no_readings(text: str | None) -> None:
    assert parse_self_ratings(text) == {}
    assert parse_coach_readings(text) == {}


def test_stored_text_is_compact_json_and_none_for_no_readings() -> None:
    assert self_ratings_json({}) is None
    assert coach_readings_json({"charisma": 3.0}) is None
    text = self_ratings_json({"structure": 2, "ownership": 4})
    assert text == '{"ownership":4,"structure":2}'
    assert parse_self_ratings(text) == {"ownership": 4, "structure": 2}
    assert parse_coach_readings(coach_readings_json({"fit": 2.5})) == {"fit": 2.5}


readings = st.dictionaries(
    st.sampled_from(KEYS) | st.text(max_size=8),
    st.none() | st.booleans() | st.integers(-9, 9) | st.floats() | st.text(max_size=3),
)


@given(raw=readings)
def test_reading_back_any_stored_value_never_raises_and_is_stable(raw: dict[str, object]) -> None:
    mine = parse_self_ratings(json.dumps(raw))
    coach = parse_coach_readings(json.dumps(raw))
    assert set(mine) <= set(KEYS) and set(coach) <= set(KEYS)
    assert all(type(v) is int and 1 <= v <= 5 for v in mine.values())
    assert all(type(v) is float and 1.0 <= v <= 5.0 for v in coach.values())
    # What is stored again reads back the same.
    assert parse_self_ratings(self_ratings_json(mine)) == mine
    assert parse_coach_readings(coach_readings_json(coach)) == coach


# --- drift --------------------------------------------------------------------------


def test_no_answers_and_no_self_ratings_give_no_drift() -> None:
    for answers in ([], [({}, {"ownership": 3.0})]):
        drift = rubric_drift(answers)
        assert (drift.rated, drift.compared, drift.dimensions, drift.overall) == (0, 0, (), None)


def test_self_ratings_without_a_coach_reading_are_rated_but_not_compared() -> None:
    drift = rubric_drift([({"ownership": 4}, {}), ({"fit": 2}, {"ownership": 3.0})])
    assert (drift.rated, drift.compared) == (2, 0)
    assert drift.dimensions == () and drift.overall is None


def test_one_answer_gives_means_and_gaps_but_no_trend() -> None:
    drift = rubric_drift([({"ownership": 5, "result": 2}, {"ownership": 3.5, "result": 3.0})])
    assert (drift.rated, drift.compared) == (1, 1)
    ownership, result = drift.dimensions
    assert (ownership.key, ownership.name, ownership.answers) == ("ownership", "Ownership", 1)
    assert ownership.gap == pytest.approx(1.5)
    assert result.gap == pytest.approx(-1.0)
    assert ownership.trend is None and ownership.earlier_gap is None
    assert drift.overall is not None
    assert drift.overall.gap == pytest.approx(0.25)  # (1.5 - 1.0) / 2
    assert (drift.overall.self_mean, drift.overall.coach_mean) == (3.5, 3.25)


def test_a_dimension_counts_only_where_both_rated_it() -> None:
    answers = [
        ({"ownership": 4, "fit": 5}, {"ownership": 3.0, "specificity": 2.0}),  # no coach fit
        ({"specificity": 3}, {"ownership": 4.0, "specificity": 2.0}),
        ({"fit": 4}, {"fit": 3.0}),
    ]
    drift = rubric_drift(answers)
    assert (drift.rated, drift.compared) == (3, 3)
    by_key = {d.key: d for d in drift.dimensions}
    assert list(by_key) == ["ownership", "specificity", "fit"]  # rubric order
    assert {k: d.answers for k, d in by_key.items()} == {"ownership": 1, "specificity": 1, "fit": 1}
    assert by_key["fit"].self_mean == 4 and by_key["fit"].coach_mean == 3.0
    assert drift.overall is not None and drift.overall.answers == 3


def test_the_gap_of_the_earlier_and_later_half_says_whether_it_converges() -> None:
    # Overrating by 2, then 2, then 1, then 0, then 0: the later half is closer.
    gaps = [2, 2, 1, 0, 0]
    answers = [({"result": 3 + g}, {"result": 3.0}) for g in gaps]
    (result,) = rubric_drift(answers).dimensions
    assert result.answers == 5 >= TREND_MIN_ANSWERS
    assert result.earlier_gap == pytest.approx(2.0)  # the older 5 // 2 answers
    assert result.later_gap == pytest.approx(1 / 3)
    assert result.trend is Trend.CLOSER
    assert result.gap == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("gaps", "trend"),
    [
        ([0, 0, 1, -2], Trend.FURTHER),  # underrating more and more counts too
        ([1, -1, 1, -1], Trend.STEADY),
        ([-2, -2, 0, 1], Trend.CLOSER),  # crossing over to a small gap is closer
        ([1, 1, 1], None),  # too few answers to tell
    ],
)
def test_trends(gaps: list[int], trend: Trend | None) -> None:
    answers = [({"structure": 3 + g}, {"structure": 3.0}) for g in gaps]
    (structure,) = rubric_drift(answers).dimensions
    assert structure.trend is trend


def test_the_overall_trend_pools_every_dimension_by_answer() -> None:
    early = ({"ownership": 5, "result": 5}, {"ownership": 3.0, "result": 3.0})
    late = ({"ownership": 3, "result": 4}, {"ownership": 3.0, "result": 3.0})
    drift = rubric_drift([early, early, late, late])
    assert drift.overall is not None
    assert drift.overall.earlier_gap == pytest.approx(2.0)
    assert drift.overall.later_gap == pytest.approx(0.5)
    assert drift.overall.trend is Trend.CLOSER


# --- words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gap", "text"),
    [
        (0.8, "+0.8 you rate yourself higher"),
        (-0.46, "−0.5 you rate yourself lower"),
        (0.04, "0.0 in step with the coach"),
        (-0.2, "−0.2 in step with the coach"),
        (1.0, "+1.0 you rate yourself higher"),
    ],
)
def test_gap_text(gap: float, text: str) -> None:
    assert gap_text(gap) == text


def test_signed_never_shows_a_negative_zero() -> None:
    assert signed(-0.04) == "0.0" and signed(0.05) == "+0.1"
