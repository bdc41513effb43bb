"""Shared fixtures: offscreen Qt, temp data and config folders, bank and window."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storybank.core.bank import open_bank
from storybank.core.repository import Repository


@pytest.fixture(autouse=True)
def _isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the data and config folders at temp folders for every test."""
    monkeypatch.setenv("STORYBANK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STORYBANK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def repo(data_dir: Path) -> Iterator[Repository]:
    repository = open_bank(data_dir)
    yield repository
    repository.db.close()


@pytest.fixture
def make_repo(data_dir: Path) -> Iterator[Callable[[], Repository]]:
    """Open the bank in the test's data folder (again and again, like restarts)."""
    opened: list[Repository] = []

    def make() -> Repository:
        repository = open_bank(data_dir)
        opened.append(repository)
        return repository

    yield make
    for repository in opened:
        repository.db.close()
