"""Confidential details: patterns, aliases, case, word boundaries, overlapping terms,
Unicode, right-to-left text and HTML; the stored list and its checks."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from storybank.core.database import NotFound
from storybank.core.redaction import (
    DEFAULT_ALIAS,
    PATTERN,
    TERM,
    Redactor,
    SensitiveRule,
    TermError,
    check_rule,
)
from storybank.core.repository import Repository
from storybank.core.sheet import Layout, build_sheet
from storybank.core.transfer.export import export_json, export_markdown


def term(text: str, alias: str = "") -> SensitiveRule:
    return SensitiveRule(TERM, text, alias)


def pattern(key: str, alias: str = "") -> SensitiveRule:
    return SensitiveRule(PATTERN, key, alias)


CURRENCY = Redactor([pattern("currency")])


@pytest.mark.parametrize(
    "amount",
    [
        "$4.2M", "$120,000", "USD 3 million", "€5m", "£2bn", "$1.5 billion", "US$ 40k",
        "EUR5m", "5 000 €", "3 million dollars", "100 EUR", "¥100万", "$3–5M",
        "$5 to $7", "Rs. 1,000", "₹10 crore", "1.000.000 €", "$0.5M", "$1,2345",
        "usd 3 MILLION",
    ],
)  # fmt: skip
def test_currency_amounts_are_hidden(amount: str) -> None:
    text = f"It saved {amount} a year."
    assert CURRENCY.redact(text) == "It saved ~$XM a year."


@pytest.mark.parametrize(
    "text",
    ["4.2M users", "30% faster", "a 10 k run", "the 5 to try", "version 2.1", "$$$", "$XM"],
)
def test_figures_that_are_not_money_stay(text: str) -> None:
    assert CURRENCY.redact(text) == text


def test_email_addresses_with_their_alias_and_the_default() -> None:
    text = "Write to bob.smith+cv@acme.co.uk or to jürgen@münchen.de."
    assert Redactor([pattern("email")]).redact(text) == "Write to [email] or to [email]."
    mine = Redactor([pattern("email", "(an address)")])
    assert mine.redact("ana@x.io") == "(an address)"
    assert Redactor([pattern("email")]).redact("not @ an address") == "not @ an address"


def test_terms_in_any_case_on_word_boundaries_with_aliases() -> None:
    redactor = Redactor([term("Acme Corp", "a top-5 US retailer"), term("Falcon")])
    text = "ACME corp and acme  CORP, Acmes, AcmeCorp; Project falcon, Falconry."
    assert redactor.redact(text) == (
        "a top-5 US retailer and a top-5 US retailer, Acmes, AcmeCorp; "
        f"Project {DEFAULT_ALIAS}, Falconry."
    )


def test_a_term_split_by_a_line_break_or_emphasis_is_found_and_the_marks_stay_balanced() -> None:
    redactor = Redactor([term("Acme Corp", "a retailer")])
    assert redactor.redact("at Acme\nCorp") == "at a retailer"
    assert redactor.redact("**Acme** Corp grew") == "**a retailer** grew"
    assert redactor.redact("Acme **Corp** grew") == "**a retailer** grew"
    assert redactor.redact("*Acme Corp*") == "*a retailer*"


def test_overlapping_terms_longest_first() -> None:
    redactor = Redactor(
        [term("Acme", "a retailer"), term("Acme Corp", "a big retailer"), term("Corp Finance")]
    )
    text = "Acme Corp Finance, then Acme alone, then Corp Finance."
    out = redactor.redact(text)
    assert out == f"a big retailer Finance, then a retailer alone, then {DEFAULT_ALIAS}."
    for original in ("Acme", "Corp Finance"):
        assert original not in out


def test_terms_with_punctuation_apostrophes_and_hyphens() -> None:
    redactor = Redactor([term("AT&T", "a carrier"), term("Macy's", "a store"), term("C++")])
    assert (
        redactor.redact("AT&T and Macy’s and C++11")
        == f"a carrier and a store and {DEFAULT_ALIAS}11"
    )
    hyphen = Redactor([term("Coca-Cola", "a drinks maker")])
    assert hyphen.redact("Coca\u2011Cola") == "a drinks maker"


def test_unicode_emoji_and_scripts_without_spaces() -> None:
    redactor = Redactor(
        [term("Zürich Bank", "a Swiss bank"), term("阿里巴巴", "a large retailer"),
         term("Acme", "a retailer"), term("삼성", "a chaebol")]
    )  # fmt: skip
    assert redactor.redact("😀Zürich Bank😀") == "😀a Swiss bank😀"
    decomposed = "Zu\u0308rich Bank"  # the same name typed with a combining diaeresis
    assert redactor.redact(decomposed) == "a Swiss bank"
    assert redactor.redact("我在阿里巴巴工作") == "我在a large retailer工作"
    assert redactor.redact("Acme公司") == "a retailer公司"
    assert redactor.redact("삼성은 컸다") == "a chaebol은 컸다"
    spans = redactor.spans("👩🏽‍💻 Acme")
    assert [(s.start, s.end) for s in spans] == [(5, 9)]  # four code points, a space


def test_right_to_left_text() -> None:
    redactor = Redactor(
        [term("شركة النور", "شريك"), term("אקמה", "a partner"), pattern("currency")]
    )
    text = "عملت مع شركة النور على صفقة بقيمة $4.2M. עבדתי עם אקמה."
    out = redactor.redact(text)
    assert "شركة النور" not in out and "אקמה" not in out and "4.2" not in out
    assert out == "عملت مع شريك على صفقة بقيمة ~$XM. עבדתי עם a partner."


def test_html_in_a_story_and_in_a_finished_sheet() -> None:
    redactor = Redactor([term("AT&T", "a carrier"), term("Acme", "<b>a retailer</b>")])
    assert redactor.redact('<span title="Acme">AT&T</span>') == (
        '<span title="<b>a retailer</b>">a carrier</span>'
    )
    html = "<p title='Acme &amp; co'>Deal with AT&amp;T</p><a href=\"https://acme.com\">x</a>"
    out = redactor.redact_html(html)
    assert "Acme" not in out and "acme" not in out and "AT&amp;T" not in out
    assert out.startswith(
        "<p title='&lt;b&gt;a retailer&lt;/b&gt; &amp; co'>Deal with a carrier</p>"
    )


def test_an_alias_that_would_show_a_detail_is_never_written() -> None:
    redactor = Redactor([term("retailer", "a store"), term("Acme", "a big retailer")])
    out = redactor.redact("Acme")
    assert "retailer" not in out.casefold() and "Acme" not in out
    # An alias made of another term: the text is redacted until nothing is left to hide.
    loop = Redactor([term("top retailer", "Acme"), term("Acme", "top retailer")])
    assert loop.redact("Acme and top retailer") == f"{DEFAULT_ALIAS} and {DEFAULT_ALIAS}"
    money = Redactor([pattern("currency", "$5M")])
    assert money.redact("$4.2M") == "~$XM"


def test_spans_for_the_editor() -> None:
    redactor = Redactor([term("Acme Corp", "a retailer"), pattern("currency")])
    spans = redactor.spans("We saved $4.2M for Acme Corp.")
    assert [(s.start, s.end, s.alias) for s in spans] == [(9, 14, "~$XM"), (19, 28, "a retailer")]
    assert Redactor([]).spans("Acme") == [] and not Redactor([]).active


def test_bad_input_is_refused_with_one_line() -> None:
    listed = [replace(term("Acme Corp"), id=1)]
    for typed, reason in (
        ("", "empty"), ("   ", "only spaces"), ("acme  CORP", "already in the list"),
        ("--", "no letter or digit"), ("x" * 201, "at most 200"),
    ):  # fmt: skip
        with pytest.raises(TermError, match=reason) as caught:
            check_rule(term(typed), listed)
        assert "\n" not in str(caught.value)
    with pytest.raises(TermError, match="would show"):
        check_rule(term("Globex", "the Globex group"), listed)
    with pytest.raises(TermError, match="would show"):
        check_rule(pattern("currency", "$3M"), [])
    with pytest.raises(TermError, match="no built-in pattern"):
        check_rule(pattern("phone"), [])
    # Editing a term keeps it against the others, not against itself.
    assert (
        check_rule(replace(term("ACME Corp", "a  retailer "), id=1), listed).alias == "a retailer"
    )


def test_the_list_is_stored_checked_and_announced_nowhere_else(repo: Repository) -> None:
    acme = repo.add_sensitive_term("  Acme   Corp ", "a top-5 US retailer")
    assert acme.term == "Acme Corp" and acme.position == 0
    with pytest.raises(TermError, match="already in the list"):
        repo.add_sensitive_term("ACME CORP")
    globex = repo.add_sensitive_term("Globex")
    repo.update_sensitive_term(globex.id or 0, "Globex Inc", "a supplier")
    repo.set_sensitive_pattern("currency", True)
    repo.set_sensitive_pattern("email", True, "[mail]")
    repo.set_sensitive_pattern("email", True, "[address]")
    repo.set_sensitive_pattern("currency", False)
    rules = repo.sensitive_terms()
    assert [(r.kind, r.term, r.alias) for r in rules] == [
        (TERM, "Acme Corp", "a top-5 US retailer"),
        (TERM, "Globex Inc", "a supplier"),
        (PATTERN, "email", "[address]"),
    ]
    repo.remove_sensitive_term(acme.id or 0)
    assert [r.term for r in repo.sensitive_terms()] == ["Globex Inc", "email"]
    with pytest.raises(NotFound):
        repo.update_sensitive_term(acme.id or 0, "Acme", "")


def _bank_with_a_secret(repo: Repository) -> None:
    repo.add_sensitive_term("Acme Corp", "a top-5 US retailer")
    repo.set_sensitive_pattern("currency", True)
    repo.create_story(
        title="Winning Acme Corp back", company="Acme Corp", role="Lead",
        situation="Acme Corp was leaving.", result="We kept $4.2M a year.",
        reflection="Ask **Acme** Corp early.",
    )  # fmt: skip


def test_a_redacted_markdown_export_names_files_after_the_aliases(
    repo: Repository, tmp_path: Path
) -> None:
    _bank_with_a_secret(repo)
    redactor = Redactor(repo.sensitive_terms())
    [written] = export_markdown(repo, tmp_path / "shared", redactor)
    text = written.read_text(encoding="utf-8")
    assert "Acme" not in text and "4.2M" not in text and "acme" not in written.name
    assert "a top-5 US retailer" in text and "~$XM" in text
    assert written.name == "winning-a-top-5-us-retailer-back.md"
    [plain] = export_markdown(repo, tmp_path / "backup")
    assert "Acme Corp" in plain.read_text(encoding="utf-8") and "$4.2M" in plain.read_text()


def test_a_redacted_json_export_keeps_its_references(repo: Repository, tmp_path: Path) -> None:
    _bank_with_a_secret(repo)
    redactor = Redactor(repo.sensitive_terms())
    export_json(repo, tmp_path / "shared.json", redactor=redactor)
    raw = (tmp_path / "shared.json").read_text(encoding="utf-8")
    assert "Acme" not in raw and "4.2M" not in raw
    data = json.loads(raw)
    [story] = data["stories"]
    assert story["company"] == "a top-5 US retailer" and story["result"] == "We kept ~$XM a year."
    assert story["uuid"] == repo.export_stories()[0].uuid
    export_json(repo, tmp_path / "backup.json")
    assert "Acme Corp" in (tmp_path / "backup.json").read_text(encoding="utf-8")


def test_a_redacted_sheet_holds_no_original(repo: Repository) -> None:
    _bank_with_a_secret(repo)
    redactor = Redactor(repo.sensitive_terms())
    records = [repo.get_story(i) for i in repo.story_ids()]
    for layout in Layout:
        stories, values = redactor.redact_sheet_inputs(records, repo.active_values())
        html = redactor.redact_html(build_sheet(layout, stories, values))
        assert "Acme" not in html and "4.2M" not in html, layout
        assert "Acme" in build_sheet(layout, records, repo.active_values()), layout
