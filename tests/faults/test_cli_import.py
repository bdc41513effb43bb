"""Hostile input to ``storybank import``, ``export`` and ``coach``, run as real commands.

Every probe runs the command in a child process and holds when it ends with
the promised exit status and at most one line on stderr (never a traceback),
and when a refused import leaves the bank as it was. Hanging inputs (FIFOs,
devices) run under a timeout, so a hang fails the probe instead of the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest

from storybank.core.bank import open_bank

RunChild = Callable[..., subprocess.CompletedProcess[str]]
QUICK = 60  # seconds: every command here ends in a few; a hang fails the probe

STORY = """---
title: Cutting the release time
uuid: 6f1c3c1e-0000-4000-8000-000000000001
---
## Situation
Releases took a day.
## Result
They take an hour.
"""


def storybank(run_child: RunChild, *args: str) -> subprocess.CompletedProcess[str]:
    return run_child("-m", "storybank", *args, timeout=QUICK)


def one_line_failure(done: subprocess.CompletedProcess[str], status: int) -> str:
    """The single stderr line of a command that failed with ``status``."""
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == status, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("storybank"), done.stderr
    return lines[0]


def stories_in(bank: Path) -> int:
    repo = open_bank(bank)
    try:
        return repo.count_stories()
    finally:
        repo.db.close()


def bundle(**story: object) -> str:
    return json.dumps({"format": "storybank", "version": 1, "stories": [story]})


# --- 1. dates that leave the calendar once moved to UTC ---------------------------

EARLY = "0001-01-01T00:00:00+05:00"
LATE = "9999-12-31T23:59:59-05:00"


@pytest.mark.parametrize("when", [EARLY, LATE])
@pytest.mark.parametrize("key", ["created", "updated"])
@pytest.mark.parametrize("quoted", [False, True])
def test_a_markdown_date_outside_the_calendar_in_utc(
    run_child: RunChild, tmp_path: Path, when: str, key: str, quoted: bool
) -> None:
    path = tmp_path / "story.md"
    value = f"'{when}'" if quoted else when
    path.write_text(STORY.replace("---\n## ", f"{key}: {value}\n---\n## ", 1), encoding="utf-8")
    bank = tmp_path / "bank"
    line = one_line_failure(storybank(run_child, "import", str(path), "--data-dir", str(bank)), 1)
    assert "story.md" in line and f"'{key}'" in line and "UTC" in line
    assert stories_in(bank) == 0
    coached = one_line_failure(storybank(run_child, "coach", str(path)), 1)
    assert "story.md" in coached and f"'{key}'" in coached


@pytest.mark.parametrize("when", [EARLY, LATE])
@pytest.mark.parametrize("key", ["created_at", "updated_at"])
def test_a_json_date_outside_the_calendar_in_utc(
    run_child: RunChild, tmp_path: Path, when: str, key: str
) -> None:
    path = tmp_path / "bank.json"
    path.write_text(bundle(title="t", **{key: when}), encoding="utf-8")
    bank = tmp_path / "bank"
    line = one_line_failure(storybank(run_child, "import", str(path), "--data-dir", str(bank)), 1)
    assert "bank.json" in line and f"stories[0].{key}" in line and "UTC" in line
    assert stories_in(bank) == 0


# --- 2. lone surrogates: escapes that decode to no character at all ---------------

SURROGATE_JSON = [
    '{"format": "storybank", "version": 1, "stories": [{"title": "\\ud800"}]}',
    '{"format": "storybank", "version": 1, "stories": [{"title": "a", "tags": ["\\udfff"]}]}',
    '{"format": "storybank", "version": 1, "stories": [{"values": {"\\ud800": "primary"}}]}',
    '{"format": "storybank", "version": 1, "stories": [], "\\ud800": 1}',
]


@pytest.mark.parametrize("text", SURROGATE_JSON)
@pytest.mark.parametrize("dry", [True, False])
def test_a_lone_surrogate_in_json(
    run_child: RunChild, tmp_path: Path, text: str, dry: bool
) -> None:
    path = tmp_path / "bank.json"
    path.write_text(text, encoding="utf-8")
    bank = tmp_path / "bank"
    args = ["import", str(path), "--data-dir", str(bank), *(["--dry-run"] if dry else [])]
    line = one_line_failure(storybank(run_child, *args), 1)
    assert "bank.json" in line and "surrogate" in line
    assert stories_in(bank) == 0


@pytest.mark.parametrize(
    "front", ['title: "\\ud800"', 'tags: ["ok", "\\udc80"]', 'values: {"\\ud800": primary}']
)
def test_a_lone_surrogate_in_front_matter(run_child: RunChild, tmp_path: Path, front: str) -> None:
    path = tmp_path / "story.md"
    path.write_text(f"---\n{front}\n---\n## Situation\nx\n", encoding="utf-8")
    bank = tmp_path / "bank"
    for args in (["--dry-run"], []):
        done = storybank(run_child, "import", str(path), "--data-dir", str(bank), *args)
        line = one_line_failure(done, 1)
        assert "story.md" in line and "surrogate" in line
    assert stories_in(bank) == 0
    assert "surrogate" in one_line_failure(storybank(run_child, "coach", str(path)), 1)


# --- 3. endless and oversized input -----------------------------------------------


def test_coach_refuses_an_endless_device(run_child: RunChild) -> None:
    line = one_line_failure(storybank(run_child, "coach", "/dev/zero"), 1)
    assert "/dev/zero" in line and "not a regular file" in line


def test_coach_refuses_a_file_over_its_cap(run_child: RunChild, tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    path.write_bytes(b"word " * (6 * 1024 * 1024 // 5))
    line = one_line_failure(storybank(run_child, "coach", str(path)), 1)
    assert "huge.md" in line and "larger than 5 MiB" in line


@pytest.mark.parametrize("name", ["x.json", "x.md", "plain"])
def test_a_fifo_given_by_name_is_refused_at_once(
    run_child: RunChild, tmp_path: Path, name: str
) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)
    bank = tmp_path / "bank"
    line = one_line_failure(storybank(run_child, "import", str(fifo), "--data-dir", str(bank)), 1)
    assert name in line and "not a regular file" in line
    assert stories_in(bank) == 0


def test_coach_refuses_a_fifo_at_once(run_child: RunChild, tmp_path: Path) -> None:
    fifo = tmp_path / "story.md"
    os.mkfifo(fifo)
    line = one_line_failure(storybank(run_child, "coach", str(fifo)), 1)
    assert "not a regular file" in line


def test_a_fifo_in_a_folder_is_skipped_and_said(run_child: RunChild, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "real.md").write_text(STORY, encoding="utf-8")
    os.mkfifo(notes / "pipe.md")
    bank = tmp_path / "bank"
    done = storybank(run_child, "import", str(notes), "--data-dir", str(bank))
    assert done.returncode == 0, done.stderr
    assert "pipe.md" in done.stdout and "skipped" in done.stdout
    assert "imported: 1 new" in done.stdout
    assert stories_in(bank) == 1


# --- 4. links out of the chosen folder --------------------------------------------


def test_a_link_to_a_file_outside_the_folder_is_not_read(
    run_child: RunChild, tmp_path: Path
) -> None:
    secret = tmp_path / "private.md"
    secret.write_text("# Private diary\nNot for the bank.\n", encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "real.md").write_text(STORY, encoding="utf-8")
    (notes / "diary.md").symlink_to(secret)
    bank = tmp_path / "bank"
    done = storybank(run_child, "import", str(notes), "--data-dir", str(bank))
    assert done.returncode == 0, done.stderr
    assert "Private diary" not in done.stdout
    assert "diary.md" in done.stdout and "link" in done.stdout
    assert "imported: 1 new" in done.stdout
    assert stories_in(bank) == 1


def test_a_linked_subfolder_is_not_read(run_child: RunChild, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "other.md").write_text("# From elsewhere\n", encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "more.md").symlink_to(elsewhere, target_is_directory=True)
    (notes / "more").symlink_to(elsewhere, target_is_directory=True)
    bank = tmp_path / "bank"
    done = storybank(run_child, "import", str(notes), "--data-dir", str(bank), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "From elsewhere" not in done.stdout and "nothing to import" in done.stdout


# --- 5. an export never overwrites a file it did not write ------------------------


def test_a_markdown_export_keeps_the_users_own_files(
    run_child: RunChild, filled_bank: Callable[[int], Path], tmp_path: Path
) -> None:
    bank = str(filled_bank(6))
    folder = tmp_path / "notes"
    export = ("export", "--data-dir", bank, "--format", "md", "-o", str(folder))
    first = storybank(run_child, *export)
    assert first.returncode == 0, first.stderr
    ours = sorted(path.name for path in folder.iterdir())
    assert len(ours) == 6
    # The user's own notes under names the export uses, and one it does not.
    for name in ours[:3]:
        (folder / name).write_text(f"my own {name}\n", encoding="utf-8")
    (folder / "leadership.md").write_text("my leadership notes\n", encoding="utf-8")
    again = storybank(run_child, *export)
    assert again.returncode == 0, again.stderr
    for name in ours[:3]:
        assert (folder / name).read_text(encoding="utf-8") == f"my own {name}\n"
    assert (folder / "leadership.md").read_text(encoding="utf-8") == "my leadership notes\n"
    assert len(list(folder.glob("*.md"))) == 6 + 3 + 1
    # A third export replaces only files Storybank wrote, and makes no new ones.
    third = storybank(run_child, *export)
    assert third.returncode == 0, third.stderr
    assert len(list(folder.glob("*.md"))) == 6 + 3 + 1
    done = storybank(run_child, "import", str(folder), "--data-dir", bank, "--dry-run")
    assert "6 unchanged" in done.stdout, done.stdout


def test_a_markdown_export_does_not_replace_a_link(
    run_child: RunChild, filled_bank: Callable[[int], Path], tmp_path: Path
) -> None:
    bank = str(filled_bank(2))
    folder = tmp_path / "notes"
    export = ("export", "--data-dir", bank, "--format", "md", "-o", str(folder))
    first = storybank(run_child, *export)
    assert first.returncode == 0, first.stderr
    name = sorted(path.name for path in folder.iterdir())[0]
    kept = tmp_path / "kept.md"
    (folder / name).rename(kept)
    (folder / name).symlink_to(kept)
    before = kept.read_text(encoding="utf-8")
    again = storybank(run_child, *export)
    assert again.returncode == 0, again.stderr
    assert (folder / name).is_symlink() and kept.read_text(encoding="utf-8") == before
    assert len(list(folder.glob("*.md"))) == 3


# --- 6. empty and odd arguments ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["import", "x.json", "--data-dir", ""], "--data-dir"),
        (["--data-dir", "", "check"], "--data-dir"),
        (["import", ""], "PATH"),
        (["export", "--format", "md", "-o", ""], "-o"),
        (["export", "--format", "json", "--output", "", "--demo"], "-o"),
        (["coach", ""], "FILE.md"),
        (["import"], "PATH"),
        (["import", "x.json", "--on-conflict", "sometimes"], "--on-conflict"),
        (["export", "--format", "pdf", "-o", "x"], "--format"),
    ],
)
def test_bad_arguments_are_one_line_and_status_2(
    tmp_path: Path, args: list[str], named: str
) -> None:
    # Run in an empty current folder: an empty path must not come to mean it.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "storybank", *args],
        capture_output=True, text=True, timeout=QUICK, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    line = one_line_failure(done, 2)
    assert named in line
    if "" in args:
        assert "must not be empty" in line
    assert list(tmp_path.iterdir()) == []  # nothing made in the current folder


@pytest.mark.parametrize(
    "args",
    [
        ["import", "{tmp}/no\nsuch.json"],
        ["import", "{tmp}/no\nsuch folder"],
        ["import", "{tmp}/bell\x07\x1b[31m.md"],
        ["coach", "{tmp}/no\nsuch.md"],
        ["export", "--demo", "--format", "json", "-o", "{tmp}/missing\nfile/sub\u2028/x.json"],
    ],
)
def test_a_control_character_in_a_path_stays_on_one_line(
    run_child: RunChild, tmp_path: Path, args: list[str]
) -> None:
    if args[0] == "export":
        (tmp_path / "missing\nfile").write_text("a file where a folder should be")
    real = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    if args[0] == "import":
        real += ["--data-dir", str(tmp_path / "bank")]
    line = one_line_failure(storybank(run_child, *real), 1)
    assert "\x07" not in line and "\x1b" not in line and "\u2028" not in line
    assert "\\n" in line or "\\x07" in line


# --- other malformed input --------------------------------------------------------

# Nine levels of nine aliases each: 9**9 strings if anything expanded them.
_LEVELS = "abcdefghi"
BILLION_LAUGHS = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{name}: &{name} [{', '.join(['*' + below] * 9)}]\n" for below, name in pairwise(_LEVELS)
    )
    + "title: *i\n"
)

MALFORMED = {
    "list.json": b"[1, 2, 3]",
    "number.json": b"42",
    "string.json": b'"storybank"',
    "empty.json": b"",
    "deep.json": b"[" * 200_000 + b"]" * 200_000,
    "deep-object.json": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "latin1.json": '{"format": "storybank", "stories": [{"title": "café"}]}'.encode("latin-1"),
    "stories-object.json": b'{"format": "storybank", "version": 1, "stories": {"a": 1}}',
    "huge-number.json": b'{"format": "storybank", "version": 1' + b"0" * 10_000 + b"}",
    "nan.json": b'{"format": "storybank", "version": 1, "stories": [], "x": NaN}',
    "null-story.json": b'{"format": "storybank", "version": 1, "stories": [null]}',
    "laughs.md": f"---\n{BILLION_LAUGHS}---\nbody\n".encode(),
    "python-tag.md": b"---\ntitle: !!python/object/apply:os.system ['true']\n---\n",
    "binary.md": b"---\ntitle: !!binary aGVsbG8=\n---\n",
    "set.md": b"---\ntags: !!set {a, b}\n---\n",
    "deep-yaml.md": b"---\ntitle: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n",
    "latin1.md": "---\ntitle: café\n---\n".encode("latin-1"),
    "nul.md": b"---\ntitle: a\x00b\n---\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_input_is_refused_in_one_line(
    run_child: RunChild, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(MALFORMED[name])
    bank = tmp_path / "bank"
    line = one_line_failure(storybank(run_child, "import", str(path), "--data-dir", str(bank)), 1)
    assert name in line
    assert stories_in(bank) == 0
    if name.endswith(".md"):
        assert name in one_line_failure(storybank(run_child, "coach", str(path)), 1)


def test_a_folder_named_like_a_json_file(run_child: RunChild, tmp_path: Path) -> None:
    (tmp_path / "x.json").mkdir()
    bank = tmp_path / "bank"
    done = storybank(run_child, "import", str(tmp_path / "x.json"), "--data-dir", str(bank))
    assert "x.json" in one_line_failure(done, 1)
    assert "x.json" in one_line_failure(storybank(run_child, "coach", str(tmp_path / "x.json")), 1)


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="the owner can read anything as root"
)
def test_an_unreadable_file(run_child: RunChild, tmp_path: Path) -> None:
    path = tmp_path / "locked.json"
    path.write_text(bundle(title="t"), encoding="utf-8")
    path.chmod(0)
    bank = tmp_path / "bank"
    done = storybank(run_child, "import", str(path), "--data-dir", str(bank))
    assert "locked.json" in one_line_failure(done, 1)


@pytest.mark.parametrize(
    "args",
    [
        ["coach", "{story}"],
        ["coach", "{story}", "--json"],
        ["import", "{story}", "--dry-run", "--data-dir", "{bank}"],
        ["export", "--demo", "--format", "json", "-o", "{tmp}/out.json"],
    ],
)
def test_output_to_a_reader_that_went_away(tmp_path: Path, args: list[str]) -> None:
    """``storybank coach x.md | head -1``: the pipe closes before everything is written."""
    story = tmp_path / "story.md"
    story.write_text(STORY, encoding="utf-8")
    real = [arg.format(story=story, bank=tmp_path / "bank", tmp=tmp_path) for arg in args]
    reader, writer = os.pipe()
    os.close(reader)  # every write now fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "storybank", *real],
            stdout=writer, stderr=subprocess.PIPE, text=True, timeout=QUICK, check=False,
        )  # fmt: skip
    finally:
        os.close(writer)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.returncode == 1 and len(done.stderr.splitlines()) <= 1
    assert "export failed" not in done.stderr  # the export itself was written


def test_a_path_that_is_not_utf8_stays_printable(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/caf\xe9\n.md"  # Latin-1 bytes and a newline
    done = subprocess.run(
        [sys.executable, "-m", "storybank", "coach", name],
        capture_output=True, timeout=QUICK, check=False,
    )  # fmt: skip
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    (line,) = done.stderr.decode("utf-8").splitlines()
    assert "caf\\udce9\\n.md" in line


def test_a_plan_shows_each_story_on_one_line(run_child: RunChild, tmp_path: Path) -> None:
    path = tmp_path / "bank.json"
    path.write_text(bundle(title="Two\nlines\u2028and\x1b[2J a clear screen"), encoding="utf-8")
    done = storybank(run_child, "import", str(path), "--dry-run", "--data-dir", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "new        Two\\nlines\\u2028and\\x1b[2J a clear screen",
        "plan: 1 new",
    ]
