"""The command line: version, check, bad arguments, refused banks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from storybank import __version__
from storybank.app import main
from storybank.core.bank import open_bank
from storybank.core.rubric import KEYS
from storybank.resources import resource_files

FIXTURES = Path(__file__).resolve().parent / "data"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storybank", *args], capture_output=True, text=True, timeout=120
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"storybank {__version__}"


def test_bad_arguments_exit_2() -> None:
    result = run("--no-such-flag")
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr


def test_check_on_a_data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_bank(tmp_path / "bank").db.close()
    assert main(["check", "--data-dir", str(tmp_path / "bank")]) == 0
    out = capsys.readouterr().out
    assert ": ok" in out and "stories: 0" in out and "Netflix culture" in out


def test_a_command_runs_with_the_garbage_collector_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up loads its modules with the collector off; a command, or a bad
    argument, never leaves it off."""
    import gc

    import storybank.cli

    seen: list[bool] = []
    monkeypatch.setattr(storybank.cli, "run", lambda _args: seen.append(gc.isenabled()) or 0)
    assert main(["check", "--data-dir", str(tmp_path / "bank")]) == 0
    assert seen == [True] and gc.isenabled()
    with pytest.raises(SystemExit):
        main(["--no-such-flag"])
    assert gc.isenabled()


def test_check_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "check"]) == 0
    assert "stories: 9" in capsys.readouterr().out


def test_check_refuses_a_non_database(tmp_path: Path) -> None:
    (tmp_path / "storybank.sqlite3").write_text("not a database")
    result = run("check", "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("storybank: ")
    assert "not an SQLite file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "storybank.sqlite3").read_text() == "not a database"


DRAFT = """---
title: Cutting the release time
values: {candor: primary}
---
## Situation
Our releases took a full day and we basically dreaded them.
## Task
I owned the release process for the payments team that quarter.
## Action
We met and we talked and we agreed to automate things.
## Result
Things got better.
"""


def test_coach_prints_score_and_findings(tmp_path: Path) -> None:
    story = tmp_path / "draft.md"
    story.write_text(DRAFT, encoding="utf-8")
    result = run("coach", str(story))
    assert result.returncode == 1, result.stderr  # the draft has problems: like a linter
    first, rubric, *lines = result.stdout.splitlines()
    assert first.startswith(f"{story}: readiness ") and "/100" in first
    assert rubric.startswith("  rubric: ownership ") and "structure " in rubric
    rules = {line.split()[1] for line in lines}
    assert {"ownership", "result-outcome", "hedges", "reflection", "length"} <= rules
    assert any(line.split()[0] == "problem" for line in lines)


def test_coach_exits_0_without_a_problem(tmp_path: Path) -> None:
    story = tmp_path / "good.md"
    demo = resource_files("demo", "01-*.md")[0]
    story.write_text(demo.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("coach", str(story))
    assert result.returncode == 0, result.stdout
    assert "problem" not in {line.split()[0] for line in result.stdout.splitlines()[2:]}
    assert "Exit status" in run("coach", "--help").stdout


def test_coach_json(tmp_path: Path) -> None:
    import json

    story = tmp_path / "draft.md"
    story.write_text(DRAFT, encoding="utf-8")
    result = run("coach", str(story), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert isinstance(report["score"], int) and 0 <= report["score"] < 80
    assert set(report["rubric"]) == set(KEYS)
    hedge = next(f for f in report["findings"] if f["rule"] == "hedges")
    assert set(hedge) == {"rule", "severity", "message", "section", "start", "end"}
    text = "Our releases took a full day and we basically dreaded them."
    assert text[hedge["start"] : hedge["end"]] == "basically"
    assert any(f["rule"] == "value-evidence" for f in report["findings"])


def test_coach_bad_files(tmp_path: Path) -> None:
    missing = run("coach", str(tmp_path / "nope.md"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    broken = tmp_path / "broken.md"
    broken.write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    result = run("coach", str(broken))
    assert result.returncode == 1
    assert "line 2" in result.stderr
    assert run("coach").returncode == 2


def test_sheet_command(tmp_path: Path) -> None:
    out = tmp_path / "cheat.pdf"
    result = run("sheet", "--demo", "--layout", "cheat", "--page-size", "Letter", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert "2 pages, 9 stories" in result.stdout
    candor = run("sheet", "--demo", "--value", "Candor", "-o", str(tmp_path / "c.pdf"))
    assert candor.returncode == 0 and "3 stories" in candor.stdout


def test_sheet_bad_arguments(tmp_path: Path) -> None:
    assert run("sheet", "--demo").returncode == 2
    assert run("sheet", "--demo", "--layout", "poster", "-o", "x.pdf").returncode == 2
    unknown = run("sheet", "--demo", "--value", "telepathy", "-o", str(tmp_path / "x.pdf"))
    assert unknown.returncode == 2 and "unknown value 'telepathy'" in unknown.stderr
    missing = run("sheet", "--demo", "-o", str(tmp_path / "no" / "x.pdf"))
    assert missing.returncode == 1
    assert missing.stderr.strip() == (
        f"storybank: cannot write {tmp_path / 'no' / 'x.pdf'}: "
        f"the folder {tmp_path / 'no'} does not exist"
    )


def test_backup_and_check(tmp_path: Path) -> None:
    open_bank(tmp_path).db.close()
    first = run("backup", "--data-dir", str(tmp_path))
    assert first.returncode == 0, first.stderr
    backup = Path(first.stdout.strip())
    assert backup.parent == tmp_path / "backups" and backup.exists()
    check = run("check", "--data-dir", str(tmp_path))
    assert "backups: 1" in check.stdout
    assert "recordings: 0 recordings, 0 KB" in check.stdout
    assert not (tmp_path / "recordings").exists()  # check only reads
    shutil.copy(FIXTURES / "schema-0007.sqlite3", tmp_path / "storybank.sqlite3")
    (tmp_path / "recordings").mkdir()
    (tmp_path / "recordings" / f"{'ab' * 16}.wav").write_bytes(b"x" * 4000)
    check = run("check", "--data-dir", str(tmp_path))
    assert check.returncode == 0, check.stderr
    assert "recordings: 0 recordings, 0 KB; 1 tied to an answer but missing; " in check.stdout
    assert "1 not tied to an answer (4 KB)" in check.stdout


def test_export_and_import_commands(tmp_path: Path) -> None:
    md = run("export", "--demo", "--format", "md", "-o", str(tmp_path / "md"))
    assert md.returncode == 0 and "9 story files" in md.stdout
    js = run("export", "--demo", "--format", "json", "-o", str(tmp_path / "all.json"))
    assert js.returncode == 0
    bank = str(tmp_path / "bank")
    dry = run("import", str(tmp_path / "md"), "--data-dir", bank, "--dry-run")
    assert dry.returncode == 0 and "plan: 9 new" in dry.stdout
    assert not Path(bank).exists()  # a dry run makes no bank
    done = run("import", str(tmp_path / "all.json"), "--data-dir", bank)
    assert "imported: 9 new" in done.stdout
    again = run("import", str(tmp_path / "all.json"), "--data-dir", bank)
    assert "9 unchanged" in again.stdout
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    refused = run("import", str(bad), "--data-dir", bank)
    assert refused.returncode == 1 and "bad.md" in refused.stderr and "line 2" in refused.stderr


def test_a_json_export_leaves_recordings_out_unless_asked(tmp_path: Path) -> None:
    import json

    bank = tmp_path / "bank"
    bank.mkdir()
    shutil.copy(FIXTURES / "schema-0007.sqlite3", bank / "storybank.sqlite3")
    take = f"{'0123456789abcdef' * 2}.wav"  # the fixture's recorded answer
    (bank / "recordings").mkdir()
    (bank / "recordings" / take).write_bytes(b"RIFF-take")
    plain = run(
        "export", "--data-dir", str(bank), "--format", "json", "-o", str(tmp_path / "a.json")
    )
    assert plain.returncode == 0, plain.stderr
    attempts = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["attempts"]
    assert all("recording" not in a for a in attempts)
    assert not (tmp_path / "a-recordings").exists()
    asked = run("export", "--data-dir", str(bank), "--format", "json", "-o",
                str(tmp_path / "b.json"), "--with-recordings")  # fmt: skip
    assert asked.returncode == 0 and "with 1 recording" in asked.stdout, asked.stderr
    attempts = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["attempts"]
    assert [a.get("recording") for a in attempts] == [None, f"b-recordings/{take}"]
    copied = tmp_path / "b-recordings" / take
    assert copied.read_bytes() == b"RIFF-take" and copied.stat().st_mode & 0o077 == 0
    refused = run("export", "--demo", "--format", "md", "-o", str(tmp_path / "md"),
                  "--with-recordings")  # fmt: skip
    assert refused.returncode == 2 and "--format json" in refused.stderr
    # An export that names its recordings imports like any other.
    done = run("import", str(tmp_path / "b.json"), "--data-dir", str(tmp_path / "other"))
    assert done.returncode == 0, done.stderr


def test_a_round_s_prep_sheet_headless(tmp_path: Path) -> None:
    import unicodedata

    from pypdf import PdfReader

    out = tmp_path / "prep.pdf"
    done = run("sheet", "--demo", "--round", "netflix/hiring-manager SCREEN", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{out}: 2 pages, Hiring-manager screen"  # two at most
    reader = PdfReader(out)
    said = unicodedata.normalize("NFKC", " ".join(p.extract_text() or "" for p in reader.pages))
    said = " ".join(said.split())
    assert "Your stories for their values" in said and "Questions to ask" in said
    # The likely prompts of the round's themes, though Practice never opened this bank.
    assert "Likely prompts" in said and "Why Netflix" in said
    assert "Already told to Netflix Hearing that my code reviews" in said
    missing = run("sheet", "--demo", "--round", "Netflix/Lunch", "-o", str(out))
    assert missing.returncode == 2 and "no round matches 'Netflix/Lunch'" in missing.stderr


def test_the_window_parser_leaves_out_only_the_subcommands() -> None:
    from storybank.cli import COMMANDS, build_parser

    full = build_parser()
    (commands,) = [a for a in full._actions if a.dest == "command"]
    assert tuple(commands.choices) == COMMANDS  # type: ignore[arg-type]
    args = build_parser(["--data-dir", "x", "--demo"]).parse_args(["--data-dir", "x", "--demo"])
    assert (args.command, args.data_dir, args.demo) == (None, "x", True)
    assert build_parser(["check"]).parse_args(["check"]).command == "check"


def test_import_dry_run_reads_a_story_bank_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = Path(__file__).parent / "data" / "story-bank-collection.md"
    bank = str(tmp_path / "bank")
    assert main(["import", str(fixture), "--data-dir", bank, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "new        Billing rewrite after a failed launch\n" in out
    assert "new        Cutting on-call pages in half\n" in out
    assert "plan: 3 new" in out


def test_import_dry_run_names_the_packs_it_turns_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from storybank.core.bank import open_bank

    repo = open_bank(tmp_path / "source")
    behaviours = next(pack for pack in repo.packs() if pack.key == "netflix-behaviours")
    repo.set_pack_active(behaviours.id, True)
    repo.db.close()
    exported = str(tmp_path / "all.json")
    source = str(tmp_path / "source")
    assert main(["export", "--format", "json", "-o", exported, "--data-dir", source]) == 0
    capsys.readouterr()
    assert main(["import", exported, "--data-dir", str(tmp_path / "bank"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "packs      Turns on the pack “Netflix valued behaviours”\n" in out
