"""Value pack files: the built-in ones are valid; malformed ones are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from storybank.core.packs import PackError, builtin_packs, load_pack, value_key
from storybank.core.prompts import builtin_prompt_bank
from storybank.resources import resource_files

#: The packs shipped in resources/values, by file stem.
BUILTIN_KEYS = {
    "netflix-culture",
    "netflix-behaviours",
    "netflix-memo-2024",
    "amazon-leadership-principles",
    "google-googleyness",
    "meta-values",
    "microsoft-culture",
    "stripe-operating-principles",
}


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


def test_every_builtin_pack_names_its_source_and_what_was_checked() -> None:
    packs = builtin_packs()
    assert {pack.key for pack in packs} == BUILTIN_KEYS
    for path in resource_files("values", "*.toml"):
        assert load_pack(path).key == path.stem
    assert [pack.key for pack in packs if pack.default_active] == ["netflix-culture"]
    for pack in packs:
        assert pack.source and pack.date and pack.published, pack.key
        assert pack.url == "" or pack.url.startswith("https://"), pack.key
        assert pack.checked or pack.note, pack.key
        keys = [value.key for value in pack.values]
        assert len(keys) == len(set(keys)), pack.key
        assert len({value.name for value in pack.values}) == len(keys), pack.key


def test_every_builtin_value_has_themes_from_the_prompt_bank() -> None:
    themes = {theme.key for theme in builtin_prompt_bank().themes}
    for pack in builtin_packs():
        for value in pack.values:
            where = f"{pack.key}/{value.key}"
            assert 1 <= len(value.themes) <= 4, where
            assert set(value.themes) <= themes, (where, set(value.themes) - themes)
            assert value.keywords == tuple(k.lower() for k in value.keywords), where


def test_the_new_packs_list_what_the_companies_publish() -> None:
    packs = {pack.key: pack for pack in builtin_packs()}
    amazon = packs["amazon-leadership-principles"]
    assert len(amazon.values) == 16
    assert [v.name for v in amazon.values[-2:]] == [
        "Strive to be Earth’s Best Employer",
        "Success and Scale Bring Broad Responsibility",
    ]
    assert [v.name for v in packs["netflix-memo-2024"].values] == [
        "The Dream Team",
        "People over Process",
        "Uncomfortably Exciting",
        "Great and Always Better",
    ]
    assert len(packs["google-googleyness"].values) == 6
    assert len(packs["meta-values"].values) == 6
    for key in BUILTIN_KEYS - {"netflix-culture", "netflix-behaviours"}:
        for value in packs[key].values:
            assert 8 <= len(value.keywords) <= 16, (key, value.key)


def test_no_two_builtin_packs_share_a_value_key() -> None:
    """A bare key in a story's Markdown or JSON (``candor: primary``) names one value."""
    keys = [value.key for pack in builtin_packs() for value in pack.values]
    assert len(keys) == len(set(keys))


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


HEAD = "[pack]\nkey='p'\nname='P'\nversion=1\ndate='d'\nsource='s'\n"
VALUE = "[[values]]\nkey='grit'\nname='Grit'\ndescription='d'\n"


@pytest.mark.parametrize(
    "themes",
    ["'ownership'", "['Ownership']", "['']", "['a b']", "['failure', 'failure']", "[1]"],
)
def test_malformed_themes_are_refused_naming_the_value(tmp_path: Path, themes: str) -> None:
    path = tmp_path / "pack.toml"
    path.write_text(HEAD + VALUE + f"themes = {themes}\n")
    with pytest.raises(
        PackError, match=r"^pack\.toml, line \d+: value 1 \('grit'\): 'themes' must be"
    ):
        load_pack(path)


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        ("checked = 'yes'\n", "'checked' must be true or false"),
        ("checked = 1\n", "'checked' must be true or false"),
        ("checked = true\n", "a checked pack needs the 'url'"),
        ("url = 'https://example.com/values'\n", "'note' must say what could not be checked"),
        ("published = '2022'\nchecked = false\n", "'note' must say"),
        ("url = 'http://example.com'\nchecked = true\n", "'url' must be an https://"),
        ("published = '2021-13'\n", "'published' must read YYYY"),
        ("published = 'July 2021'\n", "'published' must read YYYY"),
    ],
)
def test_malformed_provenance_is_refused(tmp_path: Path, head: str, reason: str) -> None:
    path = tmp_path / "pack.toml"
    path.write_text(HEAD + head + VALUE)
    with pytest.raises(PackError, match=f"^pack\\.toml: {reason}"):
        load_pack(path)


def test_a_pack_without_the_newer_fields_still_loads(tmp_path: Path) -> None:
    """User-made and older packs: no themes, url, published, checked or note."""
    path = tmp_path / "mine.toml"
    path.write_text(HEAD + VALUE + "keywords = ['Stuck With It']\n")
    pack = load_pack(path)
    assert (pack.url, pack.published, pack.checked, pack.note) == ("", "", False, "")
    assert pack.values[0].themes == () and pack.values[0].keywords == ("stuck with it",)
    path.write_text(
        HEAD
        + "url = 'https://example.com'\npublished = '2024-06'\nchecked = true\n"
        + VALUE
        + "themes = ['team-first', 'failure']\n"
    )
    pack = load_pack(path)
    assert (pack.url, pack.published, pack.checked) == ("https://example.com", "2024-06", True)
    assert pack.values[0].themes == ("team-first", "failure")


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
    assert repo.pack_versions()["netflix-culture"] == 2
    repo.db.close()


def test_a_pack_no_prompt_names_has_prompts_through_its_themes(tmp_path: Path) -> None:
    """Amazon's principles are named by no prompt: each reaches prompts through the
    themes its pack maps it to, so its gap deck and suggestions work."""
    from storybank.core.bank import open_bank
    from storybank.core.practice import DeckKind, DeckSpec
    from storybank.services.practice import PracticeService
    from storybank.services.stories import StoryService

    repo = open_bank(tmp_path)
    try:
        amazon = next(p for p in repo.packs() if p.key == "amazon-leadership-principles")
        assert amazon.checked and amazon.url.startswith("https://") and amazon.published
        obsession = next(v for v in amazon.values if v.key == "customer-obsession")
        assert obsession.themes[0] == "customer-focus"
        repo.set_pack_active(amazon.id, True)
        practice = PracticeService(StoryService(repo, tmp_path))
        deck = practice.deck(DeckSpec(DeckKind.VALUE, "customer-obsession"))
        assert deck and {p.theme for p in deck} <= set(obsession.themes)
        assert {p.theme for p in deck} >= {"customer-focus"}
        gaps = practice.session_deck(DeckSpec(DeckKind.GAPS))
        assert any("Customer Obsession" in e.reason for e in gaps)
    finally:
        repo.db.close()
