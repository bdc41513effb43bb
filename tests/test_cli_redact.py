"""``storybank export --redact`` and ``storybank sheet --redact``: a listed customer and
a dollar figure are in neither the PDF (its text read back with pypdf) nor the
Markdown, the aliases are; and both are in the unredacted outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from storybank.app import main
from storybank.core.bank import open_bank

CUSTOMER, FIGURE = "Acme Corp", "$4.2M"
ALIAS, FIGURE_ALIAS = "a top-5 US retailer", "~$XM"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storybank", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def bank(tmp_path: Path) -> str:
    """A bank with one story naming a listed customer and a dollar figure."""
    repo = open_bank(tmp_path / "bank")
    repo.add_sensitive_term(CUSTOMER, ALIAS)
    repo.set_sensitive_pattern("currency", True)
    repo.create_story(
        title=f"Winning {CUSTOMER} back",
        company=CUSTOMER,
        role="Account lead",
        situation=f"{CUSTOMER} was leaving us for a rival after two outages.",
        task="I had to keep the account.",
        action=f"I met {CUSTOMER}'s CTO weekly and rebuilt the status page with my team.",
        result=f"{CUSTOMER} renewed: {FIGURE} a year, kept.",
        reflection="Talk to the customer before the contract is at risk.",
        tags=[CUSTOMER],
    )
    repo.db.close()
    return str(tmp_path / "bank")


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    title = str((reader.metadata or {}).get("/Title", ""))
    text = " ".join([title, *(page.extract_text() for page in reader.pages)])
    return " ".join(text.split())  # pypdf gives the spaces between words as tabs


def test_a_redacted_pdf_holds_neither_the_customer_nor_the_figure(
    bank: str, tmp_path: Path
) -> None:
    for layout in ("cheat", "full", "matrix"):
        out = tmp_path / f"{layout}.pdf"
        done = run("sheet", "--data-dir", bank, "--layout", layout, "--tag", CUSTOMER,
                   "--redact", "-o", str(out))  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "1 story, redacted" in done.stdout
        text = pdf_text(out)
        assert "Acme" not in text and "$4.2" not in text, (layout, text)
        assert "retailer" in text, (layout, text)
        if layout != "matrix":  # the matrix shows titles only
            assert FIGURE_ALIAS in text or layout == "cheat", (layout, text)
    plain = tmp_path / "plain.pdf"
    assert run("sheet", "--data-dir", bank, "--layout", "full", "-o", str(plain)).returncode == 0
    text = pdf_text(plain)
    assert CUSTOMER in text and FIGURE in text


def test_a_redacted_markdown_export_holds_neither(bank: str, tmp_path: Path) -> None:
    done = run("export", "--data-dir", bank, "--format", "md", "--redact", "-o",
               str(tmp_path / "shared"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 story files, redacted" in done.stdout
    [written] = (tmp_path / "shared").iterdir()
    text = written.read_text(encoding="utf-8")
    assert "Acme" not in text and "$4.2" not in text and "acme" not in written.name
    assert ALIAS in text and FIGURE_ALIAS in text
    plain = run("export", "--data-dir", bank, "--format", "md", "-o", str(tmp_path / "all"))
    assert plain.returncode == 0, plain.stderr
    [kept] = (tmp_path / "all").iterdir()
    assert CUSTOMER in kept.read_text(encoding="utf-8") and FIGURE in kept.read_text("utf-8")


def test_a_redacted_json_export_holds_neither(bank: str, tmp_path: Path) -> None:
    out = tmp_path / "shared.json"
    done = run("export", "--data-dir", bank, "--format", "json", "--redact", "-o", str(out))
    assert done.returncode == 0, done.stderr
    raw = out.read_text(encoding="utf-8")
    assert "Acme" not in raw and "$4.2" not in raw
    [story] = json.loads(raw)["stories"]
    assert (
        story["tags"] == [ALIAS]
        and story["result"] == f"{ALIAS} renewed: {FIGURE_ALIAS} a year, kept."
    )


def test_redact_refuses_what_it_cannot_do(
    bank: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--data-dir", bank, "--format", "json", "--redact",
                 "--with-recordings", "-o", str(tmp_path / "x.json")]) == 2  # fmt: skip
    assert "--with-recordings cannot go with --redact" in capsys.readouterr().err
    assert main(["sheet", "--data-dir", bank, "--round", "Acme/Screen", "--redact",
                 "-o", str(tmp_path / "x.pdf")]) == 2  # fmt: skip
    assert "not a round's prep sheet" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "x.pdf").exists()


def test_redact_with_nothing_listed_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = open_bank(tmp_path / "empty")
    repo.create_story(title="Billing", result="We saved $3M.")
    repo.db.close()
    out = tmp_path / "md"
    assert main(["export", "--data-dir", str(tmp_path / "empty"), "--format", "md",
                 "--redact", "-o", str(out)]) == 0  # fmt: skip
    assert "nothing was redacted" in capsys.readouterr().err
    assert "$3M" in next(out.iterdir()).read_text(encoding="utf-8")
