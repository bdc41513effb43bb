"""Practice mode's core: timer, spaced repetition, decks, suggestions, progress."""

from __future__ import annotations

import inspect
import random
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storybank.core import practice
from storybank.core.practice import (
    AnswerTimer,
    AttemptInfo,
    Candidate,
    DayStat,
    DeckKind,
    DeckSpec,
    Rating,
    ReviewState,
    TimerPhase,
    TimerSettings,
    TimerZone,
    build_deck,
    daily_stats,
    is_due,
    new_review_state,
    prompt_match_query,
    rank_stories,
    review,
    summarize_session,
    value_readiness,
)
from storybank.core.prompts import Prompt, builtin_prompt_bank

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0  # not 0: the timer must not assume the clock starts at 0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_timer(prep: int = 30, target: int = 120, near: int = 20) -> tuple[AnswerTimer, FakeClock]:
    clock = FakeClock()
    return AnswerTimer(TimerSettings(prep, target, near), clock=clock), clock


# --- timer -----------------------------------------------------------------


def test_prep_countdown_then_answer() -> None:
    timer, clock = make_timer(prep=30)
    assert timer.phase is TimerPhase.IDLE
    assert timer.display() == "0:30"
    timer.start()
    assert timer.phase is TimerPhase.PREP
    clock.advance(6.5)
    assert timer.prep_remaining == pytest.approx(23.5)
    assert timer.display() == "0:24"  # a countdown rounds up
    assert timer.answer_elapsed == 0
    clock.advance(23.5)
    timer.tick()
    assert timer.phase is TimerPhase.ANSWER
    assert timer.prep_remaining == 0
    assert timer.display() == "0:00"
    clock.advance(65.4)
    assert timer.answer_elapsed == pytest.approx(65.4)
    assert timer.display() == "1:05"  # elapsed time rounds down


def test_late_tick_does_not_drift() -> None:
    timer, clock = make_timer(prep=30)
    timer.start()
    clock.advance(37)  # the GUI timer was starved for 7 s
    timer.tick()
    assert timer.phase is TimerPhase.ANSWER
    assert timer.answer_elapsed == pytest.approx(7)
    clock.advance(3)
    assert timer.answer_elapsed == pytest.approx(10)  # the phase catches up even with no tick


def test_no_prep_starts_answer_at_once() -> None:
    timer, clock = make_timer(prep=0)
    assert timer.display() == "0:00"
    timer.start()
    assert timer.phase is TimerPhase.ANSWER
    clock.advance(12)
    assert timer.stop() == pytest.approx(12)


def test_toggle_walks_through_the_phases() -> None:
    timer, clock = make_timer(prep=30)
    timer.toggle()
    assert timer.phase is TimerPhase.PREP
    clock.advance(5)
    timer.toggle()  # skip the rest of prep
    assert timer.phase is TimerPhase.ANSWER
    assert timer.answer_elapsed == 0
    clock.advance(10)
    timer.pause()
    timer.toggle()  # resume
    assert timer.phase is TimerPhase.ANSWER
    clock.advance(4)
    timer.toggle()  # finish
    assert timer.phase is TimerPhase.DONE
    assert timer.answer_elapsed == pytest.approx(14)
    clock.advance(50)
    timer.toggle()  # done stays done
    assert timer.phase is TimerPhase.DONE
    assert timer.answer_elapsed == pytest.approx(14)


def test_start_only_from_idle_and_reset() -> None:
    timer, clock = make_timer(prep=0)
    timer.start()
    clock.advance(8)
    timer.start()  # no restart while answering
    assert timer.answer_elapsed == pytest.approx(8)
    timer.stop()
    timer.reset()
    assert timer.phase is TimerPhase.IDLE
    assert timer.answer_elapsed == 0
    assert timer.zone is TimerZone.BEFORE


def test_pause_excludes_time() -> None:
    timer, clock = make_timer(prep=0)
    timer.start()
    clock.advance(10)
    timer.pause()
    assert timer.phase is TimerPhase.PAUSED
    clock.advance(100)
    assert timer.answer_elapsed == pytest.approx(10)
    timer.resume()
    clock.advance(5)
    assert timer.answer_elapsed == pytest.approx(15)
    clock.advance(1)
    timer.pause()
    clock.advance(30)
    assert timer.stop() == pytest.approx(16)


def test_pause_during_prep_remembers_prep() -> None:
    timer, clock = make_timer(prep=30)
    timer.start()
    clock.advance(10)
    timer.pause()
    clock.advance(500)
    timer.tick()
    assert timer.phase is TimerPhase.PAUSED
    assert timer.prep_remaining == pytest.approx(20)
    assert timer.display() == "0:20"
    timer.resume()
    assert timer.phase is TimerPhase.PREP
    clock.advance(20)
    assert timer.phase is TimerPhase.ANSWER
    assert timer.answer_elapsed == 0


def test_pause_and_resume_are_no_ops_elsewhere() -> None:
    timer, _clock = make_timer(prep=0)
    timer.pause()
    timer.resume()
    assert timer.phase is TimerPhase.IDLE
    timer.start()
    timer.resume()
    assert timer.phase is TimerPhase.ANSWER


def test_zones_at_exact_boundaries() -> None:
    timer, clock = make_timer(prep=30, target=120, near=20)
    timer.start()
    assert timer.zone is TimerZone.BEFORE  # while preparing
    clock.advance(30 + 99.5)
    assert timer.zone is TimerZone.BEFORE
    clock.advance(0.5)  # 100 s: the last 20 s begin
    assert timer.zone is TimerZone.NEAR
    clock.advance(20)  # exactly the target is not over it yet
    assert timer.zone is TimerZone.NEAR
    assert timer.display() == "2:00"
    clock.advance(0.25)
    assert timer.zone is TimerZone.OVER
    timer.stop()
    assert timer.zone is TimerZone.OVER


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (59.999, "0:59"), (60, "1:00"), (65, "1:05"), (600.5, "10:00"), (3605, "60:05")],
)
def test_display_of_answer_time(seconds: float, text: str) -> None:
    timer, clock = make_timer(prep=0)
    timer.start()
    clock.advance(seconds)
    assert timer.display() == text


def test_stop_returns_duration_once_and_for_all() -> None:
    timer, clock = make_timer(prep=30)
    timer.start()
    clock.advance(10)
    assert timer.stop() == 0  # stopped during prep: no answer
    timer.reset()
    timer.start()
    clock.advance(30 + 95)
    assert timer.stop() == pytest.approx(95)
    clock.advance(20)
    assert timer.stop() == pytest.approx(95)
    assert timer.display() == "1:35"


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        TimerSettings(prep_seconds=-1)
    with pytest.raises(ValueError):
        TimerSettings(target_seconds=0)


_ACTIONS = st.lists(
    st.one_of(
        st.floats(min_value=0, max_value=200, allow_nan=False),
        st.sampled_from(["toggle", "pause", "resume", "tick", "start"]),
    ),
    max_size=40,
)


@given(_ACTIONS, st.integers(min_value=0, max_value=60))
def test_timer_figures_stay_consistent(actions: list[float | str], prep: int) -> None:
    timer, clock = make_timer(prep=prep)
    total = 0.0
    last_elapsed = 0.0
    for action in actions:
        if isinstance(action, float):
            clock.advance(action)
            total += action
        else:
            getattr(timer, action)()
        elapsed = timer.answer_elapsed
        assert last_elapsed - 1e-9 <= elapsed <= total + 1e-9
        assert 0 <= timer.prep_remaining <= prep
        if timer.phase in (TimerPhase.IDLE, TimerPhase.PAUSED, TimerPhase.DONE):
            clock.advance(1)
            total += 1
            assert timer.answer_elapsed == elapsed  # frozen: only a running answer counts
        last_elapsed = timer.answer_elapsed


def test_practice_logic_never_reads_the_wall_clock() -> None:
    source = inspect.getsource(practice)
    for call in ("datetime.now(", "time.time(", "utcnow(", "date.today("):
        assert call not in source


# --- spaced repetition -----------------------------------------------------


def test_harder_ratings_come_back_sooner() -> None:
    fresh = new_review_state("p1", NOW)
    dues = [review(fresh, rating, NOW).due for rating in Rating]
    assert dues == sorted(dues) and len(set(dues)) == 4
    # Also once the prompt has graduated to day-long intervals.
    graduated = review(fresh, Rating.EASY, NOW)
    later = graduated.due
    dues = [review(graduated, rating, later).due for rating in Rating]
    assert dues == sorted(dues) and len(set(dues)) == 4
    assert dues[0] - later < timedelta(days=1) < dues[-1] - later


def test_new_state_is_due_now() -> None:
    state = new_review_state("p1", NOW)
    assert (state.prompt_uuid, state.due, state.reps, state.lapses) == ("p1", NOW, 0, 0)
    assert state.last_rating is None
    assert is_due(state, NOW)


def test_state_round_trips_through_card_json() -> None:
    first = review(new_review_state("p1", NOW), Rating.GOOD, NOW)
    # A restart: the row is read back as plain text and numbers.
    loaded = ReviewState(
        prompt_uuid="p1",
        due=datetime.fromisoformat(first.due.isoformat()),
        card_json=str(first.card_json),
        reps=first.reps,
        lapses=first.lapses,
        last_rating=first.last_rating,
    )
    second = review(loaded, Rating.GOOD, first.due)
    assert second.reps == 2 and second.last_rating == Rating.GOOD
    assert second.due - first.due >= timedelta(days=1)  # graduated after its learning step
    assert second == review(first, Rating.GOOD, first.due)  # no fuzzing: same every time
    assert review(second, Rating.GOOD, second.due).reps == 3


def test_schedule_is_deterministic() -> None:
    def chain() -> list[datetime]:
        state, dues = new_review_state("p1", NOW), []
        for rating in (Rating.EASY, Rating.GOOD, Rating.GOOD, Rating.HARD, Rating.GOOD):
            state = review(state, rating, state.due)
            dues.append(state.due)
        return dues

    first = chain()
    assert first[-1] - NOW > timedelta(days=30)  # long enough intervals for any jitter to show
    assert all(chain() == first for _ in range(5))


def test_forgetting_a_graduated_prompt_is_a_lapse() -> None:
    graduated = review(new_review_state("p1", NOW), Rating.EASY, NOW)
    assert graduated.lapses == 0
    again = review(graduated, Rating.AGAIN, graduated.due)
    assert (again.lapses, again.last_rating) == (1, 1)
    assert review(new_review_state("p2", NOW), Rating.AGAIN, NOW).lapses == 0  # still learning


def test_review_accepts_other_utc_spellings_and_refuses_naive_times() -> None:
    plus_two = NOW.astimezone(timezone(timedelta(hours=2)))
    assert review(new_review_state("p", NOW), 3, plus_two).due == NOW + timedelta(minutes=10)
    with pytest.raises(ValueError):
        new_review_state("p", NOW.replace(tzinfo=None))


def test_damaged_card_starts_again() -> None:
    state = replace(new_review_state("p", NOW), card_json="{not json", reps=5)
    after = review(state, Rating.GOOD, NOW)
    assert after.reps == 6 and after.due > NOW


def test_is_due() -> None:
    state = new_review_state("p", NOW)
    assert is_due(None, NOW)
    assert is_due(replace(state, due=NOW - timedelta(days=1)), NOW)
    assert is_due(replace(state, due=NOW), NOW)
    assert not is_due(replace(state, due=NOW + timedelta(seconds=1)), NOW)


# --- decks -------------------------------------------------------------------


def prompt(uuid: str, theme: str, *values: str) -> Prompt:
    return Prompt(uuid=uuid, text=f"Prompt {uuid}", theme=theme, values=values, follow_ups=())


PROMPTS = [
    prompt("a1", "failure", "candor", "judgment"),
    prompt("a2", "failure", "courage"),
    prompt("b1", "feedback-received", "candor"),
    prompt("b2", "feedback-received", "curiosity"),
    prompt("c1", "saying-no", "judgment"),
    prompt("c2", "saying-no", "freedom"),
    prompt("d1", "why-this-company", "passion"),
]


def state(uuid: str, due: datetime) -> ReviewState:
    return replace(new_review_state(uuid, NOW - timedelta(days=30)), due=due)


# a1 and c1 are overdue (c1 more so), a2 and b1 are not due yet, the rest never practised.
STATES = {
    "a1": state("a1", NOW - timedelta(days=1)),
    "c1": state("c1", NOW - timedelta(days=3)),
    "a2": state("a2", NOW + timedelta(days=2)),
    "b1": state("b1", NOW + timedelta(hours=1)),
}


def deck(spec: DeckSpec, seed: int = 7, **kwargs: object) -> list[str]:
    built = build_deck(spec, PROMPTS, states=STATES, now=NOW, rng=random.Random(seed), **kwargs)
    return [p.uuid for p in built]


def test_all_deck_puts_due_first_and_is_seeded() -> None:
    uuids = deck(DeckSpec(DeckKind.ALL))
    assert sorted(uuids) == sorted(p.uuid for p in PROMPTS)
    assert set(uuids[:5]) == {"a1", "c1", "b2", "c2", "d1"}
    assert set(uuids[5:]) == {"a2", "b1"}
    assert uuids == deck(DeckSpec(DeckKind.ALL))
    orders = {tuple(deck(DeckSpec(DeckKind.ALL), seed=s)[:5]) for s in range(20)}
    assert len(orders) > 1  # shuffled within the due group


def test_theme_and_value_decks() -> None:
    assert deck(DeckSpec(DeckKind.THEME, "failure")) == ["a1", "a2"]
    assert deck(DeckSpec(DeckKind.THEME, "Feedback-Received")) == ["b2", "b1"]
    assert deck(DeckSpec(DeckKind.VALUE, "judgment"), seed=1) in (["a1", "c1"], ["c1", "a1"])
    assert deck(DeckSpec(DeckKind.VALUE, "candor")) == ["a1", "b1"]
    assert deck(DeckSpec(DeckKind.VALUE, "nothing")) == []
    # Nothing chosen yet in the GUI: an empty deck, not an error.
    assert deck(DeckSpec(DeckKind.THEME)) == deck(DeckSpec(DeckKind.VALUE)) == []
    assert deck(DeckSpec(DeckKind.ALL, size=2)) == deck(DeckSpec(DeckKind.ALL))[:2]
    assert deck(DeckSpec(DeckKind.ALL, size=0)) == deck(DeckSpec(DeckKind.MOCK, size=0)) == []


def test_gaps_deck_orders_by_weakness_then_due() -> None:
    uuids = deck(
        DeckSpec(DeckKind.GAPS), weak_values={"candor", "Courage"}, weak_themes={"failure"}
    )
    # a1: failure + candor (2), a2: failure + courage (2, not due), b1: candor (1, not due).
    assert uuids == ["a1", "a2", "b1"]
    assert deck(DeckSpec(DeckKind.GAPS)) == []


def test_due_deck_reviews_by_due_date_then_new_prompts() -> None:
    uuids = deck(DeckSpec(DeckKind.DUE))
    assert uuids[:2] == ["c1", "a1"]
    assert set(uuids[2:]) == {"b2", "c2", "d1"}
    assert deck(DeckSpec(DeckKind.DUE, size=3))[:2] == ["c1", "a1"]


def test_due_deck_is_capped() -> None:
    many = [prompt(f"p{i}", "failure") for i in range(50)]
    built = build_deck(DeckSpec(DeckKind.DUE), many, states={}, now=NOW, rng=random.Random(1))
    assert len(built) == practice.DUE_DECK_SIZE == 20


def test_mock_deck_uses_distinct_themes_and_opens_with_motivation() -> None:
    uuids = deck(DeckSpec(DeckKind.MOCK, size=4))
    assert uuids[0] == "d1"
    themes = [next(p.theme for p in PROMPTS if p.uuid == u) for u in uuids]
    assert len(set(themes)) == 4
    # More prompts than themes: every theme once before any repeats.
    six = deck(DeckSpec(DeckKind.MOCK, size=6))
    assert len(set(six)) == 6
    assert len({next(p.theme for p in PROMPTS if p.uuid == u) for u in six[:4]}) == 4
    assert len(deck(DeckSpec(DeckKind.MOCK, size=50))) == len(PROMPTS)
    without_opener = [p for p in PROMPTS if p.theme != "why-this-company"]
    built = build_deck(
        DeckSpec(DeckKind.MOCK), without_opener, states={}, now=NOW, rng=random.Random(3)
    )
    assert len(built) == 5
    assert len({p.theme for p in built[:3]}) == 3


def test_decks_on_the_builtin_bank() -> None:
    prompts = builtin_prompt_bank().prompts
    for seed in range(5):
        mock = build_deck(
            DeckSpec(DeckKind.MOCK), prompts, states={}, now=NOW, rng=random.Random(seed)
        )
        assert len(mock) == 5
        assert len({p.theme for p in mock}) == 5
        assert mock[0].theme == "why-this-company"
    theme = build_deck(
        DeckSpec(DeckKind.THEME, "feedback-received"),
        prompts,
        states={},
        now=NOW,
        rng=random.Random(0),
    )
    assert theme and {p.theme for p in theme} == {"feedback-received"}
    assert len(theme) == sum(p.theme == "feedback-received" for p in prompts)


# --- story suggestions ---------------------------------------------------------

FEEDBACK = Prompt(
    uuid="f1",
    text="Tell me about a time you received negative feedback from your manager.",
    theme="feedback-received",
    values=("candor", "courage"),
    follow_ups=(),
)


def candidate(
    story_id: int,
    title: str,
    *,
    primary: tuple[str, ...] = (),
    supporting: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    bm25: float | None = None,
) -> Candidate:
    return Candidate(
        story_id, title, frozenset(primary), frozenset(supporting), frozenset(tags), bm25
    )


CANDIDATES = [
    candidate(1, "Unrelated launch", primary=("freedom",), tags=("launch",)),
    candidate(2, "Words only", bm25=-1.0),
    candidate(3, "Tagged by name", tags=("Negative Feedback Received",)),
    candidate(4, "Supporting candor", supporting=("candor",), bm25=-2.0),
    candidate(
        5, "The review that stung", primary=("candor",), tags=("feedback-received",), bm25=-4.0
    ),
]


def test_story_with_values_and_words_ranks_first() -> None:
    ranked = rank_stories(
        FEEDBACK,
        CANDIDATES,
        theme_names={"feedback-received": "Negative feedback received"},
        value_names={"candor": "Candor"},
    )
    assert [s.story_id for s in ranked] == [5, 4, 3, 2]
    assert ranked[0].reasons == (
        "shows Candor (primary)",
        "tagged feedback-received",
        "shares words with the prompt",
    )
    assert ranked[0].score == pytest.approx(4 + 1.5 + 1)
    assert ranked[1].reasons == ("shows Candor (supporting)", "shares words with the prompt")
    assert ranked[1].score == pytest.approx(2 + 0.5)
    assert ranked[2].reasons == ("tagged Negative Feedback Received",)
    assert ranked[3].score == pytest.approx(0.25)
    assert all(s.reasons for s in ranked)
    assert 1 not in {s.story_id for s in ranked}  # nothing in common: not suggested


def test_weights_rank_primary_supporting_tag_then_words() -> None:
    w = practice.RANK_WEIGHTS
    assert w.primary > w.supporting > w.theme_tag > w.text > 0
    stories = [
        candidate(1, "d text", bm25=-9.0),
        candidate(2, "c tag", tags=("FEEDBACK-RECEIVED",)),
        candidate(3, "b supporting", supporting=("courage",)),
        candidate(4, "a primary", primary=("courage",)),
    ]
    assert [s.story_id for s in rank_stories(FEEDBACK, stories)] == [4, 3, 2, 1]


def test_ranking_ties_break_by_title_and_limit_applies() -> None:
    stories = [candidate(i, title, primary=("candor",)) for i, title in enumerate("dbca")]
    ranked = rank_stories(FEEDBACK, stories, limit=3)
    assert [s.title for s in ranked] == ["a", "b", "c"]
    assert ranked[0].reasons == ("shows Candor (primary)",)  # a readable name without a map
    assert rank_stories(FEEDBACK, []) == []


def test_prompt_match_query_keeps_content_words() -> None:
    query = prompt_match_query(FEEDBACK)
    assert query == '"received"* OR "negative"* OR "feedback"* OR "manager"*'
    for stop in ("tell", "time", "about", "you", "your"):
        assert f'"{stop}"' not in (query or "")
    short = replace(FEEDBACK, text='What\'s the "hard" part of a 10x job, and the job?')
    assert prompt_match_query(short) == '"hard"* OR "part"* OR "10x" OR "job"'
    assert prompt_match_query(replace(FEEDBACK, text="Tell me about a time when you...")) is None
    assert prompt_match_query(replace(FEEDBACK, text="")) is None


def fts_table() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE story_fts USING fts5(title, body, "
        "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
    )
    return db


@settings(deadline=None)  # opens a database per example; timing is not what is tested
@given(st.text(max_size=200))
def test_prompt_match_query_is_always_valid_fts5(text: str) -> None:
    query = prompt_match_query(replace(FEEDBACK, text=text))
    if query is None:
        return
    assert query.count('"') % 2 == 0
    for term in query.split(" OR "):
        assert term.startswith('"') and term.rstrip("*").endswith('"')
        assert '"' not in term.rstrip("*")[1:-1]
    with closing(fts_table()) as db:
        db.execute("SELECT rowid FROM story_fts WHERE story_fts MATCH ?", (query,)).fetchall()


def test_match_query_and_bm25_suggest_the_story_that_shares_words() -> None:
    db = fts_table()
    db.executemany(
        "INSERT INTO story_fts(rowid, title, body) VALUES (?, ?, ?)",
        [
            (1, "Billing rewrite", "My managers gave blunt feedback on a negative launch review."),
            (2, "Hiring loop", "We hired three engineers in a quarter."),
            (3, "Outage", "I received a page and fixed the database."),
        ],
    )
    rows = dict(
        db.execute(
            "SELECT rowid, bm25(story_fts) FROM story_fts WHERE story_fts MATCH ?",
            (prompt_match_query(FEEDBACK),),
        ).fetchall()
    )
    db.close()
    assert set(rows) == {1, 3}
    stories = [
        candidate(1, "Billing rewrite", bm25=rows.get(1)),
        candidate(2, "Hiring loop", bm25=rows.get(2)),
        candidate(3, "Outage", bm25=rows.get(3)),
    ]
    ranked = rank_stories(FEEDBACK, stories)
    assert [s.story_id for s in ranked] == [1, 3]
    assert ranked[0].score == pytest.approx(1.0) and 0 < ranked[1].score < 1


# --- progress ----------------------------------------------------------------


def attempt(
    when: datetime, seconds: float = 60, rating: int | None = None, *values: str
) -> AttemptInfo:
    return AttemptInfo("p", "failure", values, None, when, seconds, rating)


def test_daily_stats_zero_fills_and_averages() -> None:
    today = date(2026, 3, 5)
    attempts = [
        attempt(datetime(2026, 3, 3, 8, tzinfo=UTC), 60),
        attempt(datetime(2026, 3, 3, 20, tzinfo=UTC), 90),
        attempt(datetime(2026, 3, 5, 7, tzinfo=UTC), 30),
        attempt(datetime(2026, 3, 1, 7, tzinfo=UTC), 999),  # before the window
        attempt(datetime(2026, 3, 6, 7, tzinfo=UTC), 999),  # after it
    ]
    assert daily_stats(attempts, days=3, today=today) == [
        DayStat(date(2026, 3, 3), 2, 75.0),
        DayStat(date(2026, 3, 4), 0, 0.0),
        DayStat(date(2026, 3, 5), 1, 30.0),
    ]
    assert daily_stats(attempts, days=0, today=today) == []


def test_daily_stats_uses_the_local_calendar_day() -> None:
    late = [attempt(datetime(2026, 3, 4, 23, 30, tzinfo=UTC), 40)]
    east = timezone(timedelta(hours=2))
    assert daily_stats(late, days=2, today=date(2026, 3, 5))[0].answers == 1
    assert daily_stats(late, days=2, today=date(2026, 3, 5), tz=east)[1].answers == 1
    naive = [attempt(datetime(2026, 3, 5, 1, 0), 40)]  # stored times are UTC
    assert daily_stats(naive, days=1, today=date(2026, 3, 5))[0].answers == 1


def test_value_readiness_rises_with_stories_and_practice() -> None:
    keys = ["candor", "courage", "freedom"]
    assert value_readiness(keys, {}, []) == dict.fromkeys(keys, 0.0)
    counts = {"candor": 1, "courage": 2, "freedom": 5}
    assert value_readiness(keys, counts, []) == {"candor": 0.25, "courage": 0.5, "freedom": 0.5}
    attempts = [attempt(NOW, 60, Rating.AGAIN, "candor")]
    before = value_readiness(keys, counts, attempts)["candor"]
    attempts += [attempt(NOW, 60, Rating.GOOD, "candor"), attempt(NOW, 60, Rating.EASY, "Candor")]
    after = value_readiness(keys, counts, attempts)
    assert before == 0.25 < after["candor"] == pytest.approx(0.25 + 0.5 * 2 / 3)
    assert after["courage"] == 0.5  # practice on other values does not count
    unrated = [*attempts, attempt(NOW, 60, None, "candor")]
    assert value_readiness(keys, counts, unrated) == after
    perfect = [attempt(NOW, 60, Rating.GOOD, "courage")]
    assert value_readiness(["courage"], counts, perfect) == {"courage": 1.0}


@given(
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(-5, 50)),
    st.lists(st.tuples(st.sampled_from([None, 1, 2, 3, 4]), st.sampled_from([("a",), ("b",), ()]))),
)
def test_value_readiness_stays_between_0_and_1(
    counts: dict[str, int], rated: list[tuple[int | None, tuple[str, ...]]]
) -> None:
    attempts = [attempt(NOW, 60, rating, *values) for rating, values in rated]
    for score in value_readiness(["a", "b", "c"], counts, attempts).values():
        assert 0.0 <= score <= 1.0


def test_summarize_session_counts() -> None:
    summary = summarize_session(
        [(100.0, 3), (None, None), (130.0, 1), (90.0, 3), (None, None), (150.0, None)],
        target_seconds=120,
    )
    assert (summary.answered, summary.skipped, summary.over_target) == (4, 2, 2)
    assert summary.mean_seconds == pytest.approx(117.5)
    assert summary.ratings == {1: 1, 2: 0, 3: 2, 4: 0}
    empty = summarize_session([], 120)
    assert (empty.answered, empty.skipped, empty.mean_seconds) == (0, 0, 0.0)
