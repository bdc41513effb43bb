"""The STAR analyzer: every rule, the score, the JSON shape, odd text and the demo bank."""

from __future__ import annotations

import json
import tomllib
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storybank.core.coach import (
    ANALYZER_VERSION,
    RULES,
    CoachReport,
    Finding,
    analyze,
    report_to_json,
)
from storybank.core.coach_text import load_phrases
from storybank.core.interchange import parse_story_markdown
from storybank.core.records import SECTIONS, STAR_SECTIONS
from storybank.core.rubric import KEYS
from storybank.core.speaking import CoachSettings
from storybank.resources import resource_files, resource_path

# About two minutes at 150 wpm: balanced, numbers in the Result, told in the
# first person, with a reflection and no hedges. Every rule passes on it.
STRONG: dict[str, str] = {
    "situation": (
        "At Acme I led the payments team of six engineers. Our checkout failed for about "
        "4% of card payments every evening, and support logged over 300 complaints a week "
        "about it. Two earlier attempts to fix it had stalled, and the sales team had started "
        "to lose two large merchants over it."
    ),
    "task": (
        "I owned checkout reliability that quarter, so my goal was to find the cause and cut "
        "the failure rate below 0.5% within six weeks."
    ),
    "action": (
        "First I pulled two weeks of gateway logs and grouped the failures by error code. "
        "Most came from timeouts during the evening peak, when our retry logic sent every "
        "request again at the same moment. I wrote a short design note that proposed "
        "exponential backoff with jitter and an idempotency key on each payment. I reviewed "
        "the note with the gateway vendor, who confirmed that duplicate keys are rejected "
        "safely. Then I built the change behind a feature flag and added a dashboard for "
        "retries per minute. I rolled it out to 5% of traffic, checked the error rates with "
        "the on-call engineer each evening, and raised the share step by step. When one "
        "region showed a spike, I paused the rollout, traced it to a stale config value, and "
        "fixed it the same day. I also paired with a junior engineer so she could own the "
        "dashboard afterwards. Finally I wrote a runbook for the support team so they could "
        "spot a gateway problem in minutes instead of escalating every ticket to us."
    ),
    "result": (
        "Within four weeks the failure rate fell from 4% to 0.3%, and weekly complaints "
        "dropped from 300 to under 20. Finance estimated the fix recovered about $80,000 in "
        "monthly revenue. Both merchants renewed their contracts, and the runbook cut support "
        "escalations by half."
    ),
    "reflection": (
        "I learned to measure before designing a fix. Next time I would add the retry "
        "dashboard on day one."
    ),
}

FILLER = "I checked the logs and wrote down what I found for the team. "  # 13 words, no hedges


def story(**changes: str) -> dict[str, str]:
    return {**STRONG, **changes}


def of(report: CoachReport, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]


def text_of(sections: dict[str, str], finding: Finding) -> str:
    assert finding.section is not None
    return sections[finding.section][finding.start : finding.end]


def assert_spans_valid(sections: dict[str, str], report: CoachReport) -> None:
    for f in report.findings:
        assert f.rule in RULES
        assert f.severity in ("info", "warning", "problem")
        assert f.message.strip() and "\n" not in f.message
        if f.section is None:
            assert f.start == f.end == 0
        else:
            assert f.section in SECTIONS
            assert 0 <= f.start <= f.end <= len(sections.get(f.section, "") or "")


# -- the strong story, the report's figures -----------------------------------


def test_strong_story_passes_every_rule_and_scores_high() -> None:
    report = analyze(STRONG)
    assert report.findings == ()
    assert report.score >= 90
    assert 90 <= report.speaking_seconds <= 150


def test_words_shares_and_speaking_time() -> None:
    sections = {"situation": "one two three", "action": "don't stop — I’ve tried 3.5 times"}
    report = analyze(sections, settings=CoachSettings(words_per_minute=60))
    # Apostrophes keep a word whole; "3.5" is two runs of word characters.
    assert report.words == {"situation": 3, "task": 0, "action": 7, "result": 0, "reflection": 0}
    assert set(report.words) == set(SECTIONS)
    assert report.total_words == 10
    assert report.speaking_seconds == pytest.approx(10.0)
    assert report.shares == pytest.approx(
        {"situation": 0.3, "task": 0.0, "action": 0.7, "result": 0.0}
    )
    assert set(report.shares) == set(STAR_SECTIONS)


def test_reflection_is_not_spoken() -> None:
    with_more = analyze(story(reflection=STRONG["reflection"] * 5))
    assert with_more.total_words == analyze(STRONG).total_words


def test_empty_story_has_zero_shares_and_no_crash() -> None:
    report = analyze({})
    assert report.total_words == 0
    assert report.speaking_seconds == 0
    assert set(report.shares.values()) == {0.0}


# -- length ---------------------------------------------------------------------


def test_length_too_short_states_the_estimate() -> None:
    # 5 x 13 = 65 spoken words, ~0:26: the Reflection is said aloud too.
    sections = {name: FILLER for name in SECTIONS}
    (finding,) = of(analyze(sections), "length")
    assert finding.severity == "problem"  # under a third of the 1:30 minimum
    assert finding.section is None and finding.start == finding.end == 0
    assert "About 0:26 spoken (65 words)" in finding.message
    assert "1:30–2:30" in finding.message


@pytest.mark.parametrize(
    ("copies", "severity", "shown"),
    [(2, "warning", "0:52"), (4, "info", "1:44")],
)
def test_length_short_of_the_target_is_graded(copies: int, severity: str, shown: str) -> None:
    # Under 60 % of the minimum there is too little room: a warning. Just short
    # of it (a tight answer) is only a note.
    sections = {name: FILLER * copies for name in SECTIONS}
    settings = CoachSettings(target_min_seconds=120, target_max_seconds=180)
    (finding,) = of(analyze(sections, settings=settings), "length")
    assert finding.severity == severity
    assert shown in finding.message


def test_speaking_time_includes_the_reflection() -> None:
    with_reflection = analyze(STRONG)
    without = analyze(story(reflection=""))
    spoken = STRONG["reflection"].split()
    assert with_reflection.speaking_seconds - without.speaking_seconds == pytest.approx(
        len(spoken) * 60 / 150
    )
    assert with_reflection.total_words == without.total_words  # shares stay STAR-only


def test_length_too_long_is_flagged_and_names_the_longest_section() -> None:
    long = analyze(story(action=STRONG["action"] * 4))
    (finding,) = of(long, "length")
    assert long.speaking_seconds > 150
    assert finding.severity == "problem"  # over 3:45
    assert "Action" in finding.message


def test_length_uses_the_settings() -> None:
    slow = CoachSettings(words_per_minute=100, target_min_seconds=60, target_max_seconds=120)
    report = analyze(STRONG, settings=slow)
    spoken = report.total_words + report.words["reflection"]
    assert report.speaking_seconds == pytest.approx(spoken * 0.6)
    (finding,) = of(report, "length")  # ~3:00 at 100 wpm is over a 2:00 maximum
    assert "1:00–2:00" in finding.message
    assert of(analyze(STRONG, settings=CoachSettings(words_per_minute=0)), "length") == []


# -- balance -----------------------------------------------------------------------


def test_balance_flags_set_up_outweighing_action() -> None:
    sections = story(situation=FILLER * 14)
    findings = of(analyze(sections), "balance")
    assert [(f.section, f.severity) for f in findings] == [("situation", "warning")]
    assert "Set-up" in findings[0].message
    assert text_of(sections, findings[0]) == sections["situation"]


def test_balance_flags_thin_action_even_without_heavy_set_up() -> None:
    # S 12%, T 9%, A 34%, R 45%: set-up does not outweigh Action, but Action is thin.
    sections = {
        "situation": FILLER * 2,
        "task": FILLER + "I had to fix it quickly",
        "action": FILLER * 6,
        "result": "It fell by 40%. " + FILLER * 8,
        "reflection": STRONG["reflection"],
    }
    (finding,) = of(analyze(sections), "balance")
    assert finding.section == "action"
    assert "Action is only" in finding.message


def test_balance_flags_a_thin_result() -> None:
    sections = story(result="Failures fell by 90% in 3 weeks, and complaints stopped.")
    findings = of(analyze(sections), "balance")
    assert [f.section for f in findings] == ["result"]
    assert (findings[0].start, findings[0].end) == (0, len(sections["result"]))


def test_balance_judges_short_answers_too() -> None:
    # No word count switches the rule on: a 43-word answer that is three
    # quarters set-up is flagged; one a little set-up heavy is not.
    heavy = {
        "situation": FILLER * 2,
        "task": FILLER,
        "action": "I fixed it by rolling back the config.",
        "result": "Up 5%.",
    }
    assert analyze(heavy).total_words < 60
    assert [f.section for f in of(analyze(heavy), "balance")] == ["situation"]
    even = {"situation": FILLER, "task": "", "action": FILLER, "result": "Up 5%."}
    assert of(analyze(even), "balance") == []


def test_balance_lowers_the_score_smoothly() -> None:
    # A few more words of set-up move the score by a point or two, never by a
    # step the size of a whole finding.
    roomy = CoachSettings(target_max_seconds=900)  # the length rule stays out of it
    scores = [
        analyze(story(situation=STRONG["situation"] + " " + FILLER * n), settings=roomy).score
        for n in range(0, 12)
    ]
    steps = [a - b for a, b in pairwise(scores)]
    assert all(step >= 0 for step in steps)  # more set-up never scores higher
    assert max(steps) <= 4


# -- result-outcome ----------------------------------------------------------------


@pytest.mark.parametrize(
    "result",
    [
        "Errors fell by 40% and the team kept the pace.",
        "It saved $1.2M a year for the company overall.",
        "We shipped it 3 weeks before the agreed launch date.",
        "The page now loads twice as fast for every customer.",
        "Support tickets fell by half within the next quarter.",
        "Weekly sign-ups doubled over the following couple of months.",
        "It unblocked 12 engineers who had been waiting on the service.",
        "It cut the review cycle from five days down to three.",
        "Revenue rose by forty thousand pounds in the first month.",
        "Conversion improved by a third once the new page went live.",
    ],
)
def test_result_with_a_measure_passes(result: str) -> None:
    assert of(analyze(story(result=result)), "result-outcome") == []


@pytest.mark.parametrize(
    "result",
    [
        "We shipped on time, and the launch went out on the planned Monday.",
        "We met every later deadline that quarter without a weekend of overtime.",
        "Reviews no longer stall, and the checklist became the default for every release.",
        "The client renewed the contract and asked me to run the next project too.",
    ],
)
def test_a_verifiable_outcome_without_digits_passes(result: str) -> None:
    report = analyze(story(result=result))
    assert of(report, "result-outcome") == []
    assert report.rubric["result"] >= 4


@pytest.mark.parametrize(
    "result",
    [
        "In the end things went back to normal and customers were much happier with us.",
        "Everyone on the team was happy with it, and it was a success all round.",
        "I'm not sure exactly what was decided, but I believe it was resolved.",
    ],
)
def test_result_without_an_outcome_is_flagged(result: str) -> None:
    sections = story(result=result)
    (finding,) = of(analyze(sections), "result-outcome")
    assert finding.severity == "warning"
    assert finding.section == "result"
    assert text_of(sections, finding) in result


def test_empty_result_is_a_missing_section_not_an_outcome_finding() -> None:
    report = analyze(story(result=""))
    assert of(report, "result-outcome") == []
    assert [f.section for f in of(report, "missing-section")] == ["result"]


# -- ownership -----------------------------------------------------------------------


def test_we_heavy_action_is_flagged_at_the_first_we() -> None:
    action = (
        "First the incident was declared. Then we met as a team, and we agreed on a plan. "
        "I wrote the summary, our lead reviewed it, and we shipped the fix on Friday."
    )
    sections = story(action=action)
    (finding,) = of(analyze(sections), "ownership")
    assert finding.severity == "warning"
    assert finding.section == "action"
    assert text_of(sections, finding) == "we"
    assert finding.start == action.index("we met")
    assert "“we” 4 times" in finding.message and "“I” once" in finding.message


def test_first_person_action_passes() -> None:
    action = "We met as a team. I proposed the plan, I wrote the code and we shipped it. " * 3
    assert of(analyze(story(action=action)), "ownership") == []


def test_a_couple_of_wes_are_fine_and_us_the_country_is_not_we() -> None:
    sections = story(action="We met, and we agreed. The US team and the EU team shipped it.")
    assert of(analyze(sections), "ownership") == []
    plural_forms = "We're sure we've helped us and ours; 'we’d do it again', we said."
    (finding,) = of(analyze(story(action=plural_forms)), "ownership")
    assert "“we” 6 times" in finding.message and "not once" in finding.message


# -- hedges ---------------------------------------------------------------------------


def test_each_hedge_is_a_finding_with_its_exact_span() -> None:
    action = STRONG["action"] + " Basically it was, I think, kind of\nthe best I could do."
    sections = story(action=action)
    findings = of(analyze(sections), "hedges")
    assert [text_of(sections, f).lower() for f in findings] == [
        "basically",
        "i think",
        "kind of",
    ]
    assert {f.severity for f in findings} == {"info"}
    assert all(f.section == "action" for f in findings)
    assert "“Basically”" in findings[0].message


def test_hedges_match_whole_words_only() -> None:
    action = STRONG["action"] + " Justice, adjusted plans and this kind of issue are fine."
    assert of(analyze(story(action=action)), "hedges") == []
    quoted = STRONG["action"] + " She called it 'basically done'."
    (finding,) = of(analyze(story(action=quoted)), "hedges")
    assert quoted[finding.start : finding.end] == "basically"


def test_vague_phrases_are_found_across_hyphens_and_line_breaks() -> None:
    result = STRONG["result"] + " We leveraged synergies and picked the low-hanging\r\nfruit."
    sections = story(result=result)
    found = [text_of(sections, f) for f in of(analyze(sections), "hedges")]
    assert found == ["leveraged", "synergies", "low-hanging\r\nfruit"]
    assert all("vague" in f.message for f in of(analyze(sections), "hedges"))


def test_hedge_spans_survive_emoji_and_case_changing_characters() -> None:
    # "İ" lowercases to two characters; spans must still index the original text.
    reflection = "İİ 🎉👩🏽‍💻 שלום Honestly, I’d say it was actually fine."
    sections = story(reflection=reflection)
    found = [text_of(sections, f) for f in of(analyze(sections), "hedges")]
    assert found == ["Honestly", "actually"]


def test_hedge_findings_are_capped() -> None:
    sections = story(action=STRONG["action"] + " just" * 100)
    assert len(of(analyze(sections), "hedges")) == 30


# -- missing-section, reflection --------------------------------------------------------


def test_empty_and_near_empty_sections() -> None:
    situation = "At Acme our checkout failed for about four percent of card payments each evening."
    sections = story(task="", action="I fixed it.", situation=situation)
    findings = {f.section: f for f in of(analyze(sections), "missing-section")}
    assert set(findings) == {"task", "action"}
    assert findings["task"].severity == "warning"  # missing, but not what loses the job
    assert (findings["task"].start, findings["task"].end) == (0, 0)
    assert findings["action"].severity == "warning"
    assert text_of(sections, findings["action"]) == "I fixed it."


def test_whitespace_only_section_counts_as_empty() -> None:
    (finding,) = of(analyze(story(situation=" \r\n\t ")), "missing-section")
    assert finding.severity == "problem" and finding.section == "situation"


def test_task_folded_into_the_situation_is_one_step() -> None:
    # Many coaches teach Situation and Task as one step: a Situation that says
    # what the goal was carries the Task.
    report = analyze(story(task="", situation=STRONG["situation"] + " " + STRONG["task"]))
    assert of(report, "missing-section") == []
    assert report.score >= analyze(STRONG).score - 3


def test_missing_reflection_is_a_note() -> None:
    (finding,) = of(analyze(story(reflection="")), "reflection")
    assert (finding.severity, finding.section, finding.start, finding.end) == (
        "info",
        "reflection",
        0,
        0,
    )
    assert of(analyze(STRONG), "reflection") == []


# -- long-sentence ------------------------------------------------------------------------


def test_long_sentence_span_is_the_sentence() -> None:
    long = " ".join(["word"] * 40) + "."
    action = STRONG["action"] + "  " + long + " Short one."
    sections = story(action=action)
    (finding,) = of(analyze(sections), "long-sentence")
    assert finding.severity == "info"
    assert text_of(sections, finding) == long
    assert "40-word" in finding.message


def test_very_long_sentence_is_a_warning() -> None:
    sections = story(situation=" ".join(["word"] * 60))
    (finding,) = of(analyze(sections), "long-sentence")
    assert finding.severity == "warning"
    assert (finding.start, finding.end) == (0, len(sections["situation"]))


def test_sentence_ends_with_runs_of_punctuation_and_quotes() -> None:
    half = " ".join(["word"] * 30)
    ended = f'{half}?!" {half}!!! {half}…) {half}.'
    assert of(analyze(story(situation=ended)), "long-sentence") == []
    # The dot in "3.5" does not end a sentence: 30 + 2 + 30 words make one long one.
    joined = f"{half} 3.5 {half}"
    (finding,) = of(analyze(story(situation=joined)), "long-sentence")
    assert "62-word" in finding.message


def test_list_items_and_sentences_are_counted_separately() -> None:
    item = "- I changed part {} of the release checklist for the team"  # 12 words
    items = "\n".join(item.format(n) for n in range(8))
    sentences = "I measured it again. " * 20
    report = analyze(story(action=items, result=sentences + "It fell 40%."))
    assert of(report, "long-sentence") == []


# -- value-evidence ----------------------------------------------------------------------------


def test_primary_value_without_its_keywords_gets_a_hint() -> None:
    keywords = {"Candor": ["feedback", "disagreed", "pushed back"], "Ownership": ["own"]}
    (finding,) = of(analyze(STRONG, value_keywords=keywords), "value-evidence")
    assert finding.severity == "info"
    assert (finding.section, finding.start, finding.end) == (None, 0, 0)
    assert "Candor" in finding.message and "feedback" in finding.message


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("decide", "In the end I decided to roll back."),
        ("own", "I took ownership of it."),
        ("apply", "I applied the fix."),
        ("pushed back", "I Pushed\nBack on the date."),
        ("one-on-one", "We had a one on one about it."),
        ("feedback", "FEEDBACK from the team was direct."),
    ],
)
def test_value_keywords_match_inflections_and_case(keyword: str, text: str) -> None:
    sections = story(reflection=text)
    assert of(analyze(sections, value_keywords={"V": [keyword]}), "value-evidence") == []


def test_value_keywords_need_a_word_boundary_and_odd_input_is_ignored() -> None:
    sections = story(reflection="Ownership of outcomes matters.")
    assert of(analyze(sections, value_keywords={"V": ["own"]}), "value-evidence") == []
    assert of(analyze(sections, value_keywords={"V": ["utcome"]}), "value-evidence") != []
    odd = {"No keywords": [], "Blank": ["  "], "Plain string": "outcomes", "Not a list": 5}
    assert of(analyze(sections, value_keywords=odd), "value-evidence") == []


# -- score ------------------------------------------------------------------------------------


def test_empty_story_scores_zero() -> None:
    assert analyze({}).score == 0
    assert analyze(dict.fromkeys(SECTIONS, "  \n")).score == 0


def test_hedges_are_notes_that_cost_little() -> None:
    strong = analyze(STRONG).score
    flooded = analyze(story(reflection=STRONG["reflection"] + " Just." * 100))
    hedges = of(flooded, "hedges")
    assert len(hedges) == 30 and {f.severity for f in hedges} == {"info"}
    assert strong - 10 <= flooded.score <= strong  # style, not substance


def test_removing_the_result_number_lowers_the_score() -> None:
    vague_result = (
        "Within weeks the failure rate fell sharply, and weekly complaints dropped to almost "
        "nothing. Finance estimated the fix recovered a lot of monthly revenue. Both "
        "merchants renewed their contracts as well."
    )
    assert analyze(story(result=vague_result)).score < analyze(STRONG).score


def test_score_stays_in_range_for_a_terrible_story() -> None:
    report = analyze({"situation": "We kind of basically maybe did stuff. " * 400})
    assert 0 <= report.score <= 25
    assert report.rubric["structure"] == 1


# -- JSON ------------------------------------------------------------------------------------


def test_report_to_json_shape() -> None:
    report = analyze(story(reflection="", result="It went fine."), value_keywords={"X": ["zz"]})
    data = report_to_json(report)
    assert set(data) == {"score", "speaking_seconds", "words", "rubric", "findings"}
    assert data["score"] == report.score
    assert set(data["rubric"]) == set(KEYS)
    for item in data["rubric"].values():
        assert 1 <= item["reading"] <= 5 and item["shown"] in range(1, 6)
    assert data["words"] == report.words
    assert isinstance(data["speaking_seconds"], float)
    findings = data["findings"]
    assert isinstance(findings, list) and len(findings) == len(report.findings)
    for item in findings:
        assert set(item) == {"rule", "severity", "message", "section", "start", "end"}
    assert any(item["section"] is None for item in findings)
    assert json.loads(json.dumps(data)) == data


def test_public_constants() -> None:
    assert isinstance(ANALYZER_VERSION, int) and ANALYZER_VERSION >= 1
    assert len(set(RULES)) == len(RULES) == 15


# -- arbitrary text -----------------------------------------------------------------------------

_TRICKY = st.sampled_from(
    [
        "I",
        "we",
        "We're",
        "just",
        "kind of",
        "low-hanging",
        "40%",
        ".",
        "!",
        "\n",
        "\r\n",
        "\n\n- ",
        "\x00",
        " ",
        "İ",
        "ß",
        "e\u0301",
        "🎉",
        "👩🏽‍💻",
        "שלום",
        "مرحبا",
        "\u200f",
        "’",
        "'",
        "٣",
    ]
)
_SECTION_TEXT = st.one_of(st.text(), st.lists(_TRICKY, max_size=80).map("".join))


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({name: _SECTION_TEXT for name in SECTIONS}))
def test_analyze_never_raises_and_spans_fit(sections: dict[str, str]) -> None:
    report = analyze(sections, value_keywords={"Candor": ["feedback", "pushed back"]})
    assert_spans_valid(sections, report)
    assert 0 <= report.score <= 100
    assert set(report.words) == set(SECTIONS)
    json.dumps(report_to_json(report))


def test_crlf_nul_and_missing_keys() -> None:
    sections = {"action": "\x00We\r\nwe\r\nwe basically\x00", "unknown": "ignored"}
    report = analyze(sections)
    assert_spans_valid(sections, report)
    (hedge,) = of(report, "hedges")
    assert text_of(sections, hedge) == "basically"


# -- the demo bank ------------------------------------------------------------------------------


def demo_reports() -> dict[str, tuple[dict[str, str], CoachReport]]:
    reports = {}
    for path in resource_files("demo", "*.md"):
        parsed = parse_story_markdown(path.read_text(encoding="utf-8"))
        reports[parsed.title] = (parsed.sections, analyze(parsed.sections))
    return reports


def test_demo_stories() -> None:
    reports = demo_reports()
    vague_title = "Helping the support team through a ticket spike"
    sections, vague = reports[vague_title]
    assert {"ownership", "vague-action"} <= {f.rule for f in vague.findings}
    (ownership,) = of(vague, "ownership")
    assert text_of(sections, ownership).lower() == "we"

    no_reflection = [title for title, (s, _) in reports.items() if not s["reflection"].strip()]
    assert no_reflection
    for title in no_reflection:
        assert of(reports[title][1], "reflection")

    for title, (sections, report) in reports.items():
        assert_spans_valid(sections, report)
        if title != vague_title:
            assert report.score > vague.score, title


# -- the phrase lists ---------------------------------------------------------------------------


def test_phrase_file_is_clean() -> None:
    raw = tomllib.loads(resource_path("coach", "phrases.toml").read_text(encoding="utf-8"))
    assert isinstance(raw["meta"]["version"], int)
    assert raw["meta"]["date"]
    for name in ("hedges", "vague"):
        items = raw[name]
        assert items, name
        assert all(isinstance(p, str) and p == p.strip().lower() and p for p in items), name
        assert len(set(items)) == len(items), name
    assert not set(raw["hedges"]) & set(raw["vague"])
    phrases = load_phrases()
    assert phrases.hedges == tuple(raw["hedges"])
    assert phrases.vague == tuple(raw["vague"])
    assert phrases is load_phrases()  # read once


def test_finding_key_is_stable_across_edits() -> None:
    from storybank.core.coach import finding_key

    before = {"action": "I basically rebuilt it.", "result": "Done."}
    after = {"action": "First, I basically rebuilt the whole thing.", "result": "Done!"}
    hedge = next(f for f in analyze(before).findings if f.rule == "hedges")
    moved = next(f for f in analyze(after).findings if f.rule == "hedges")
    assert finding_key(hedge, before) == finding_key(moved, after) == "hedges:action:basically"
    length = next(f for f in analyze(before).findings if f.rule == "length")
    assert finding_key(length, before) == "length:"


def test_key_result_prefers_the_sentence_with_digits() -> None:
    from storybank.core.coach import key_result

    text = "Churn doubled at first. Then it fell 12% in a quarter. Everyone cheered."
    assert key_result(text) == "Then it fell 12% in a quarter."
    assert key_result("It went twice as fast.") == "It went twice as fast."
    assert key_result("Things got better.") is None
    assert key_result("x " * 200 + "9", limit=20).endswith("…")


def test_reading_paragraph_by_paragraph_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # The coach reads a section paragraph by paragraph and caches each one;
    # the report must be the one a whole reading gives.
    from storybank.core import coach, coach_text

    reports = demo_reports()
    joined = {
        name: "\n\n".join(sections[name] for sections, _report in reports.values())
        for name in SECTIONS
    }
    stories = [sections for sections, _report in reports.values()] + [joined]
    by_paragraph = [analyze(sections) for sections in stories]
    monkeypatch.setattr(coach, "read_section", coach_text.Reading)
    whole = [analyze(sections) for sections in stories]
    assert by_paragraph == whole
    # Typing in one paragraph re-reads that paragraph only.
    monkeypatch.undo()
    coach_text.forget_readings()
    analyze(joined)
    before = coach_text.read_paragraph.cache_info()
    analyze({**joined, "action": joined["action"] + " One more word."})
    after = coach_text.read_paragraph.cache_info()
    assert after.misses - before.misses == 1


def test_substance_file_is_clean() -> None:
    from storybank.core.coach_text import SUBSTANCE_LISTS, WORD_LISTS, load_substance

    raw = tomllib.loads(resource_path("coach", "substance.toml").read_text(encoding="utf-8"))
    assert isinstance(raw["meta"]["version"], int) and raw["meta"]["date"]
    lists = load_substance()
    assert set(lists) == {*SUBSTANCE_LISTS, *WORD_LISTS}
    for name, entries in lists.items():
        assert entries, name
        for entry in raw[name]:
            assert entry == entry.lower() == " ".join(entry.split()), (name, entry)
        assert len(raw[name]) == len(set(raw[name])), f"{name} repeats an entry"
