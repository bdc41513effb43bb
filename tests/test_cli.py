"""The command line: version, check, bad arguments, refused banks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from storybank import __version__
from storybank.app import main


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
    assert main(["check", "--data-dir", str(tmp_path / "bank")]) == 0
    out = capsys.readouterr().out
    assert ": ok" in out and "stories: 0" in out and "Netflix culture" in out


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
