"""``storybank delivery FILE.wav [--json] [--story STORY] [--no-transcript]``: its
output, its exit statuses, the story beside the take, and the transcript.

Exit 0 done, 1 when the file cannot be read or is refused, or the transcript
fails (one line on stderr naming it), 2 for bad arguments (a story the bank
does not hold is one). A take from espeak-ng where it is installed; otherwise
those tests skip and the rest use made-up takes (tone bursts). The tests of
the measurement pass --no-transcript; the transcript's own are below: with
the optional extra (marker ``transcribe``, skipped without it), and without
it (simulated).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from spoken_takes import ESPEAK, NO_ESPEAK, render, tone, write_wav
from storybank.app import main
from storybank.core.bank import open_bank
from storybank.core.transcript import availability as transcript_availability

RATE = 16000


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storybank", *args], capture_output=True, text=True, timeout=120
    )


def one_failure(capsys: pytest.CaptureFixture[str], args: list[str], status: int = 1) -> str:
    """Run ``storybank ARGS`` in process; the one stderr line of its failure."""
    assert main(args) == status
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("storybank: ") and "Traceback" not in captured.err
    assert captured.out == ""
    return lines[0]


def bursts(path: Path) -> Path:
    """A made-up take: 0.5 s of silence, then sound 3 s, gap 1 s, sound 2 s, gap 2.5 s,
    sound 4 s, then 0.5 s of silence; two pauses, one of them long; 9 s speaking."""
    quiet = np.zeros
    parts = [quiet(RATE // 2), tone(3, RATE), quiet(RATE), tone(2, RATE)]
    parts += [quiet(5 * RATE // 2), tone(4, RATE), quiet(RATE // 2)]
    return write_wav(path, np.concatenate(parts), RATE)


@pytest.mark.skipif(ESPEAK is None, reason=NO_ESPEAK)
def test_delivery_prints_a_summary_then_a_line_a_figure_and_a_pause(tmp_path: Path) -> None:
    take = tmp_path / "answer.wav"
    render(150, take)
    result = run("delivery", str(take), "--no-transcript")
    assert result.returncode == 0, result.stderr
    first, silence, rate, pauses, *each = result.stdout.splitlines()
    assert first.startswith(f"{take}: 0:4") and "answer, short of the 1:30–2:30 target" in first
    assert first.endswith("speaking · 5 pauses")
    assert silence.startswith("  silence  0:")
    assert rate.startswith("  rate     ") and "words a minute (approximate)" in rate
    assert pauses.startswith("  pauses   5 over 0.5 s, 3 over 2 s, longest 2.")
    assert [line.split()[0] for line in each] == ["pause"] * 5
    assert [line.endswith("long") for line in each] == [True, False, True, False, True]


def test_delivery_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["delivery", str(bursts(tmp_path / "take.wav")), "--json", "--no-transcript"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["speaking_seconds"] == pytest.approx(9.0, abs=0.05)
    assert report["answer_seconds"] == pytest.approx(12.5, abs=0.05)
    assert report["leading_silence_seconds"] == pytest.approx(0.5, abs=0.02)
    pauses = report["pauses"]
    assert (pauses["count"], pauses["long_count"]) == (2, 1)
    assert [span["start"] for span in pauses["spans"]] == pytest.approx([3.5, 6.5], abs=0.02)
    assert pauses["longest_seconds"] == pytest.approx(2.5, abs=0.02)
    assert report["length"] == {
        "verdict": "short",
        "target_min_seconds": 90,
        "target_max_seconds": 150,
    }
    assert "story" not in report
    assert report["transcript"] is None
    assert report["transcript_reason"] == "not asked for (--no-transcript)"


def test_delivery_text_of_made_up_take(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    take = bursts(tmp_path / "take.wav")
    assert main(["delivery", str(take), "--no-transcript"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0] == f"{take}: 0:12 answer, short of the 1:30–2:30 target · 0:09 speaking · 2 pauses"
    )
    assert lines[1] == (
        "  silence  0:04 of 0:14: 0.5 s before the first word, 0.5 s after the last, "
        "the rest in pauses"
    )
    assert lines[3] == "  pauses   2 over 0.5 s, 1 over 2 s, longest 2.5 s at 0:06.5"
    assert lines[4:] == ["  pause     0:03.5   1.0 s", "  pause     0:06.5   2.5 s  long"]


def test_no_speech_is_said_and_is_no_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    silence = write_wav(tmp_path / "silence.wav", np.zeros(5 * RATE), RATE)
    assert main(["delivery", str(silence)]) == 0
    assert capsys.readouterr().out == f"{silence}: no speech heard in 0:05\n"


def test_a_refused_file_fails_with_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.wav"
    text.write_text("not audio at all\n")
    line = one_failure(capsys, ["delivery", str(text)])
    assert line == f"storybank: {text}: not a WAV file (no RIFF/WAVE header)"
    missing = tmp_path / "nope.wav"
    line = one_failure(capsys, ["delivery", str(missing)])
    assert line == f"storybank: {missing}: cannot read: No such file or directory"
    eight = tmp_path / "8-bit.wav"
    import wave

    with wave.open(str(eight), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(RATE)
        wav.writeframes(b"\x80" * RATE)
    line = one_failure(capsys, ["delivery", str(eight), "--json"])
    assert line.startswith(f"storybank: {eight}: 8-bit samples; only 16-bit PCM WAV is read")


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    assert run("delivery").returncode == 2
    empty = run("delivery", "")
    assert empty.returncode == 2 and "must not be empty" in empty.stderr
    assert run("delivery", "x.wav", "--story", "").returncode == 2
    assert run("delivery", "x.wav", "--loud").returncode == 2
    helped = run("delivery", "--help")
    said = " ".join(helped.stdout.split())  # however the terminal's width wrapped it
    assert helped.returncode == 0 and "Exit status: 0 done, 1 when the file" in said
    assert "--story STORY" in said and "--no-transcript" in said
    assert "uv sync --extra transcribe" in said
    assert "delivery" in run("--help").stdout


def test_a_story_from_the_bank_beside_the_take(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = open_bank(tmp_path / "bank")
    try:
        words = " ".join(["word"] * 150)  # 150 words: a minute at the coach's 150 a minute
        story = repo.create_story(title="Billing rewrite", situation=words)
        other = repo.create_story(title="Another", action="I did it")
    finally:
        repo.db.close()
    take = str(bursts(tmp_path / "take.wav"))
    bank = ["--data-dir", str(tmp_path / "bank")]
    for wanted in (str(story.id), story.uuid, "billing REWRITE"):
        assert main(["delivery", take, "--story", wanted, "--no-transcript", *bank]) == 0
        last = capsys.readouterr().out.splitlines()[-1]
        assert last == (
            f"  story    Billing rewrite (id {story.id}): the coach expects about 1:00 spoken; "
            "this take: 0:12, 0:09 of it speaking"
        )
    assert (
        main(["delivery", take, "--story", str(other.id), "--json", "--no-transcript", *bank]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["story"] == {"id": other.id, "title": "Another", "expected_speaking_seconds": 1.2}
    line = one_failure(capsys, ["delivery", take, "--story", "99", *bank], status=2)
    assert line == "storybank: no story in the bank with the id, uuid or title '99'"


def test_a_story_with_the_demo_bank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    take = str(bursts(tmp_path / "take.wav"))
    assert main(["delivery", take, "--demo", "--story", "1", "--json", "--no-transcript"]) == 0
    story = json.loads(capsys.readouterr().out)["story"]
    assert story["id"] == 1 and story["title"] and story["expected_speaking_seconds"] > 30


def test_a_story_in_no_bank_fails_and_makes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    take = str(bursts(tmp_path / "take.wav"))
    folder = tmp_path / "typo"
    line = one_failure(capsys, ["delivery", take, "--story", "1", "--data-dir", str(folder)])
    assert line == f"storybank: no Storybank bank in {folder}"
    assert not folder.exists()
    # A refused file fails first: the bank is not even looked for.
    text = tmp_path / "notes.wav"
    text.write_text("text")
    line = one_failure(capsys, ["delivery", str(text), "--story", "1", "--data-dir", str(folder)])
    assert "not a WAV file" in line


def test_the_window_and_the_commands_start_without_numpy_or_whisper() -> None:
    code = (
        "import sys\n"
        "import storybank.app, storybank.cli\n"
        "from storybank.gui import main_window\n"
        "from storybank.services import practice, stories\n"
        "storybank.cli.build_parser(['delivery', 'x.wav']).parse_args(['delivery', 'x.wav'])\n"
        "loaded = {'numpy', 'storybank.core.delivery', 'faster_whisper', 'ctranslate2'}\n"
        "print(sorted(loaded & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the transcript -------------------------------------------------------------------


def test_without_the_extra_one_note_says_how_to_get_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from storybank.core import transcript

    monkeypatch.setattr(transcript, "availability", lambda: (False, transcript.NEEDS_EXTRA))
    take = str(bursts(tmp_path / "take.wav"))
    assert main(["delivery", take]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[-1] == "  note     Transcripts need the optional extra: uv sync --extra transcribe"
    assert [line.split()[0] for line in lines[1:-1]] == ["silence", "rate", "pauses"] + [
        "pause"
    ] * 2
    assert captured.err == ""
    assert main(["delivery", take, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["transcript"] is None
    assert report["transcript_reason"] == transcript.NEEDS_EXTRA
    assert main(["delivery", take, "--no-transcript"]) == 0
    assert "note" not in capsys.readouterr().out


def test_a_failed_transcript_fails_after_the_measurement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from storybank.core import transcript

    def damaged(path: Path, **_options: object) -> transcript.Transcript:
        raise transcript.TranscriptError("model.bin: damaged or replaced")

    monkeypatch.setattr(transcript, "availability", lambda: (True, ""))
    monkeypatch.setattr(transcript, "transcribe", damaged)
    take = str(bursts(tmp_path / "take.wav"))
    assert main(["delivery", take]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{take}: 0:12 answer")
    assert captured.err == "storybank: model.bin: damaged or replaced\n"
    assert main(["delivery", take, "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["transcript_reason"] == "model.bin: damaged or replaced"
    assert captured.err == "storybank: model.bin: damaged or replaced\n"


def test_a_model_folder_of_one_s_own_is_used_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from storybank.core import transcript

    chosen: list[Path | None] = []

    def refuse(path: Path, *, model_dir: Path | None = None, **_: object) -> transcript.Transcript:
        chosen.append(model_dir)
        transcript.check_model_dir(model_dir or tmp_path)
        raise AssertionError("an empty folder is no model")

    monkeypatch.setattr(transcript, "availability", lambda: (True, ""))
    monkeypatch.setattr(transcript, "transcribe", refuse)
    take = str(bursts(tmp_path / "take.wav"))
    folder = tmp_path / "model"
    folder.mkdir()
    assert main(["delivery", take, "--model", str(folder)]) == 1
    assert chosen == [folder]
    err = capsys.readouterr().err
    assert err.startswith(f"storybank: {folder}: not a Whisper model") and "no model.bin" in err


def test_silence_is_not_transcribed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    silence = write_wav(tmp_path / "silence.wav", np.zeros(3 * RATE), RATE)
    assert main(["delivery", str(silence), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["transcript"], report["transcript_reason"]) == (None, "no speech heard")


READY, NOT_READY = transcript_availability()


@pytest.mark.transcribe
@pytest.mark.skipif(not READY, reason=NOT_READY)
@pytest.mark.skipif(ESPEAK is None, reason=NO_ESPEAK)
def test_a_take_is_transcribed_and_checked_against_its_story(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = open_bank(tmp_path / "bank")
    try:
        repo.create_story(
            title="Billing failures",
            action="I read the logs for a week, and I rewrote the scheduler.",
            result="The failures stopped within a month, and the support queue fell by half. "
            "Refunds fell by 30%.",
        )
    finally:
        repo.db.close()
    take = tmp_path / "take.wav"
    render(150, take)
    args = ["delivery", str(take), "--story", "billing failures"]
    args += ["--data-dir", str(tmp_path / "bank")]
    assert main([*args, "--json"]) == 0
    said = json.loads(capsys.readouterr().out)["transcript"]
    assert "billing system" in said["text"].lower() and said["word_count"] > 80
    assert said["model"].startswith("whisper tiny.en")
    assert said["pronouns"]["i"] >= 8 and said["pronouns"]["we"] >= 1
    assert said["key_points"] == [
        {"kind": "number", "label": "30%", "heard": False, "said": None},
        {"kind": "number", "label": "half", "heard": True, "said": "half"},
    ]
    assert {"count", "said", "spans"} <= set(said["fillers"])
    assert all(word["start"] <= word["end"] for word in said["words"])
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    at = [line.split()[0] for line in lines].index("story")  # after the measurement's lines
    said_line, text, fillers, pronouns, heard, missed, *coach = lines[at + 1 :]
    assert said_line.startswith("  said     ") and "transcribed in" in said_line
    assert text.startswith("  text     I joined the")
    assert fillers.startswith("  fillers  ")
    assert pronouns.startswith("  I / we   “I” ")
    assert (heard, missed) == ("  heard    half", "  missed   30%")
    assert all(line.startswith("  coach    ") for line in coach)
