"""Fixtures of the fault suite: banks of ordinary stories, child processes.

Every test under tests/faults/ is a probe (marker ``faults``); the run prints
how many held. Probes that could kill the interpreter run in a child process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storybank.core import writes
from storybank.core.bank import open_bank
from storybank.core.interchange import parse_story_markdown
from storybank.resources import resource_files

FAULTS_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a fault probe."""
    for item in items:
        if Path(str(item.fspath)).parent == FAULTS_DIR:
            item.add_marker(pytest.mark.faults)


def fill_bank(folder: Path, stories: int) -> Path:
    """Write ``stories`` ordinary stories (the demo texts, numbered) into ``folder``."""
    repo = open_bank(folder)
    demo = [parse_story_markdown(p.read_text()) for p in resource_files("demo", "*.md")]
    try:
        with repo.db.write() as session:
            lookup = repo.value_lookup()
            for number in range(stories):
                story = demo[number % len(demo)]
                story_id = writes.create_story(
                    session,
                    {
                        "title": f"{story.title} #{number}",
                        "company": story.company,
                        "role": story.role,
                        "period": story.period,
                        **story.sections,
                    },
                )
                for key, strength in story.values.items():
                    if key in lookup:
                        writes.set_story_value(session, story_id, lookup[key], strength)
    finally:
        repo.db.close()
    return folder


@pytest.fixture
def filled_bank(tmp_path: Path) -> Callable[[int], Path]:
    """Make a bank of N ordinary stories in a fresh folder; return the folder."""

    def make(stories: int) -> Path:
        return fill_bank(tmp_path / f"bank-{stories}", stories)

    return make


@pytest.fixture(scope="session")
def story_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSON export (made by the real exporter) of a bank of 300 ordinary stories."""
    from storybank.core.transfer.export import export_json

    folder = fill_bank(tmp_path_factory.mktemp("export") / "bank", 300)
    repo = open_bank(folder)
    try:
        export_json(repo, folder.parent / "all.json")
    finally:
        repo.db.close()
    return folder.parent / "all.json"


SmallDisk = Callable[[str, int], Path]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """Mount real tmpfs file systems of a given size and inode count (skip if impossible)."""
    mounts: list[Path] = []

    def mount(size: str, inodes: int) -> Path:
        point = tmp_path / f"disk-{len(mounts)}"
        point.mkdir()
        options = f"size={size},nr_inodes={inodes}"
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounts.append(point)
        return point

    try:
        yield mount
    finally:
        for point in mounts:
            if subprocess.run(["umount", str(point)], check=False).returncode != 0:
                subprocess.run(["umount", "-l", str(point)], check=False)


ChildRun = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_child() -> ChildRun:
    """Run ``python ARGS`` with this interpreter, offscreen; return the finished process."""

    def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONFAULTHANDLER": "1"}
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )

    return run
