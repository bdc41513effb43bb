"""Value pack files: the built-in ones are valid; malformed ones are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from storybank.core.packs import PackError, builtin_packs, load_pack, value_key


def test_builtin_packs_are_complete_and_versioned() -> None:
    packs = {pack.key: pack for pack in builtin_packs()}
    assert next(iter(packs)) == "netflix-culture"
    culture = packs["netflix-culture"]
    assert culture.default_active
    assert [v.key for v in culture.values] == [
        "freedom",
        "responsibility",
        "candor",
        "context-over-control",
    ]
    behaviours = packs["netflix-behaviours"]
    assert [v.key for v in behaviours.values] == [
        "judgment",
        "communication",
        "curiosity",
        "courage",
        "passion",
        "selflessness",
        "innovation",
        "inclusion",
        "integrity",
        "impact",
    ]
    for pack in packs.values():
        assert pack.version >= 1 and pack.date and pack.source
        for value in pack.values:
            assert len(value.description) > 40
            assert len(value.keywords) >= 8


def test_value_key() -> None:
    assert value_key("Context over control") == "context-over-control"
    assert value_key("  Ünïcode & Co. ") == "unicode-co"
    assert value_key("🚀") == "value"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[pack\nkey=", "pack.toml"),
        ("[[values]]\nkey='a'", "missing \\[pack\\]"),
        (
            "[pack]\nkey='p'\nname='P'\nversion=0\ndate='d'\nsource='s'\n",
            "version",
        ),
        (
            "[pack]\nkey='p'\nname='P'\nversion=1\ndate='d'\nsource='s'\n",
            "at least one",
        ),
        (
            "[pack]\nkey='p'\nname='P'\nversion=1\ndate='d'\nsource='s'\n"
            "[[values]]\nkey='Bad Key'\nname='n'\ndescription='d'\n",
            "lowercase",
        ),
    ],
)
def test_malformed_pack_is_named_with_reason(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "pack.toml"
    path.write_text(content)
    with pytest.raises(PackError, match=reason):
        load_pack(path)


def test_start_up_reads_the_same_versions_as_the_full_parse() -> None:
    from storybank.core.packs import builtin_pack_versions

    assert builtin_pack_versions() == {pack.key: pack.version for pack in builtin_packs()}


def test_a_bank_behind_a_shipped_pack_is_brought_up_to_it(tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    from storybank.core.bank import open_bank

    open_bank(tmp_path).db.close()
    bank = tmp_path / "storybank.sqlite3"
    with closing(sqlite3.connect(bank)) as conn, conn:
        conn.execute("UPDATE framework SET version = 0 WHERE key = 'netflix-culture'")
    repo = open_bank(tmp_path)
    assert repo.pack_versions()["netflix-culture"] == 1
    repo.db.close()
