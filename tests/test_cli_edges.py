"""The command line's edge cases: missing, mistyped and odd data folders, sheets
that match nothing, unknown commands, and where the settings go.

Each failure is checked for its exit status, for exactly one clear line on
stderr, and for what it must not have made: no bank, folder or file appears
where none was asked for.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from storybank.app import main
from storybank.cli import COMMANDS
from storybank.core.bank import open_bank
from storybank.paths import CONFIG_ENV, DATABASE_NAME, config_dir, default_data_dir

STORY = "---\ntitle: Cutting the release time\n---\n## Situation\nReleases took a day.\n"


def everything_in(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


def one_failure(capsys: pytest.CaptureFixture[str], args: list[str], status: int = 1) -> str:
    """Run ``storybank ARGS`` in process; the one stderr line of its failure."""
    assert main(args) == status
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("storybank: "), err
    assert "Errno" not in err and "Traceback" not in err
    return lines[0]


def bank_with_a_tagged_story(folder: Path) -> Path:
    repo = open_bank(folder)
    try:
        story = repo.create_story(title="Billing rewrite", situation="It failed at launch.")
        repo.set_story_tags(story.id, ["failure"])
    finally:
        repo.db.close()
    return folder


# --- 1 and 6: a command that only reads makes no bank ------------------------------

READ_ONLY = {
    "check": lambda out: ["check"],
    "backup": lambda out: ["backup"],
    "export-md": lambda out: ["export", "--format", "md", "-o", str(out / "md")],
    "export-json": lambda out: ["export", "--format", "json", "-o", str(out / "all.json")],
    "sheet": lambda out: ["sheet", "-o", str(out / "sheet.pdf")],
}


@pytest.mark.parametrize("command", list(READ_ONLY))
@pytest.mark.parametrize("where", ["typo", "deep/typo/folder"])
def test_a_read_only_command_on_a_missing_folder_fails_and_makes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, where: str
) -> None:
    folder = tmp_path / where
    line = one_failure(capsys, [*READ_ONLY[command](tmp_path), "--data-dir", str(folder)])
    assert line == f"storybank: no Storybank bank in {folder}"
    assert everything_in(tmp_path) == []


@pytest.mark.parametrize("command", list(READ_ONLY))
def test_a_read_only_command_on_an_empty_folder_leaves_it_empty(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    line = one_failure(capsys, [*READ_ONLY[command](tmp_path), "--data-dir", str(folder)])
    assert line == f"storybank: no Storybank bank in {folder}"
    assert everything_in(tmp_path) == [folder]


def test_check_of_the_default_folder_with_no_bank_makes_none(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The autouse fixture points STORYBANK_DATA_DIR at tmp_path / "data".
    line = one_failure(capsys, ["check"])
    assert line == f"storybank: no Storybank bank in {tmp_path / 'data'}"
    assert everything_in(tmp_path) == []


def test_coach_ignores_the_data_folder_and_makes_none(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    story = tmp_path / "story.md"
    story.write_text(STORY, encoding="utf-8")
    # 0, or 1 when the story has a problem (like a linter): never a bad argument.
    assert main(["coach", str(story), "--data-dir", str(tmp_path / "typo")]) in (0, 1)
    assert "readiness" in capsys.readouterr().out
    assert everything_in(tmp_path) == [story]


# --- 2: import reads its input before it makes a bank -------------------------------


@pytest.mark.parametrize("name", ["nope.md", "nope.json", "no-folder"])
def test_import_of_a_missing_file_makes_no_bank(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    missing = tmp_path / name
    line = one_failure(capsys, ["import", str(missing), "--data-dir", str(tmp_path / "bank")])
    assert str(missing) in line and "no such file" in line.lower()
    assert everything_in(tmp_path) == []


def test_a_dry_run_into_a_missing_folder_plans_and_makes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    story = tmp_path / "story.md"
    story.write_text(STORY, encoding="utf-8")
    bank = tmp_path / "bank"
    assert main(["import", str(story), "--data-dir", str(bank), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["new        Cutting the release time", "plan: 1 new"]
    assert everything_in(tmp_path) == [story]


def test_an_import_into_a_missing_folder_makes_the_bank(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    story = tmp_path / "story.md"
    story.write_text(STORY, encoding="utf-8")
    bank = tmp_path / "new" / "bank"
    assert main(["import", str(story), "--data-dir", str(bank)]) == 0
    assert "imported: 1 new" in capsys.readouterr().out
    assert (bank / DATABASE_NAME).is_file()
    assert main(["check", "--data-dir", str(bank)]) == 0
    assert "stories: 1" in capsys.readouterr().out


# --- 3: a file where the data folder should be -------------------------------------


@pytest.mark.parametrize(
    "command", [*READ_ONLY, "import", "import-dry-run"], ids=lambda name: str(name)
)
@pytest.mark.parametrize("inside", [False, True], ids=["file", "inside-a-file"])
def test_a_file_as_the_data_folder_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, inside: bool
) -> None:
    story = tmp_path / "story.md"
    story.write_text(STORY, encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    if command.startswith("import"):
        args = ["import", str(story), *(["--dry-run"] if command.endswith("dry-run") else [])]
    else:
        args = READ_ONLY[command](tmp_path)
    folder = notes / "bank" if inside else notes
    line = one_failure(capsys, [*args, "--data-dir", str(folder)])
    assert line == f"storybank: {notes} is a file, not a folder"
    assert notes.read_text(encoding="utf-8") == "my notes"
    assert everything_in(tmp_path) == [notes, story]


# --- 4: an unknown subcommand -------------------------------------------------------


@pytest.mark.parametrize("args", [["frobnicate"], ["--data-dir", "x", "chek"]])
def test_an_unknown_command_lists_the_commands(tmp_path: Path, args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "storybank", *args],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("storybank: ") and "Traceback" not in done.stderr
    assert f"invalid choice: '{args[-1]}'" in line
    assert all(f"'{command}'" in line for command in COMMANDS)
    assert everything_in(tmp_path) == []


# --- 5: a sheet with no story on it --------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "said"),
    [
        (["--tag", "nope"], "no stories match --tag nope"),
        (["--value", "candor"], "no stories match --value candor"),
        (["--value", "candor", "--tag", "x"], "no stories match --value candor and --tag x"),
    ],
)
def test_a_sheet_that_matches_no_story_writes_no_pdf(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, filters: list[str], said: str
) -> None:
    bank = bank_with_a_tagged_story(tmp_path / "bank")
    before = everything_in(tmp_path)
    pdf = tmp_path / "sheet.pdf"
    line = one_failure(capsys, ["sheet", *filters, "-o", str(pdf), "--data-dir", str(bank)])
    assert line == f"storybank: {said}; no sheet was written"
    assert everything_in(tmp_path) == before


def test_a_sheet_of_an_empty_bank_writes_no_pdf(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    open_bank(tmp_path / "bank").db.close()
    pdf = tmp_path / "sheet.pdf"
    line = one_failure(capsys, ["sheet", "-o", str(pdf), "--data-dir", str(tmp_path / "bank")])
    assert line == "storybank: the bank has no active stories; no sheet was written"
    assert not pdf.exists()


def test_a_sheet_of_an_unknown_value_is_a_bad_argument(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bank = bank_with_a_tagged_story(tmp_path / "bank")
    pdf = tmp_path / "sheet.pdf"
    args = ["sheet", "--value", "tele\npathy", "-o", str(pdf), "--data-dir", str(bank)]
    line = one_failure(capsys, args, status=2)
    assert line.startswith("storybank: unknown value 'tele\\npathy' (try: candor, ")
    assert not pdf.exists()


# --- 7: where the settings go --------------------------------------------------------


def test_help_names_the_environment_variables(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "STORYBANK_DATA_DIR" in out and "STORYBANK_CONFIG_DIR" in out


def test_a_chosen_data_folder_keeps_its_settings_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_config = tmp_path / "user-config"
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda *a, **k: str(user_config))
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "user-data"))
    monkeypatch.delenv(CONFIG_ENV)
    assert config_dir(tmp_path / "bank") == tmp_path / "bank"
    assert config_dir(default_data_dir()) == user_config
    assert config_dir(None) == user_config  # the demo, or no bank
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "mine"))
    assert config_dir(tmp_path / "bank") == tmp_path / "mine"
    assert config_dir(None) == tmp_path / "mine"
