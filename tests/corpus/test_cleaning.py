"""Cleaning: boilerplate, page furniture, paragraph rejoining and PDF math, on the real corpus and on
small synthetic files that exercise the same mechanisms."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.model import Document
from corpus.store import load_document
from corpus.text import normalise_line

WEB_NOISE = ["AI Key Findings", "Get AI-generated insights", "PDF Preview", "Download PDF", "Comments (0)",
             "uses cookies", "Paper Details"]


@pytest.mark.parametrize("noise", WEB_NOISE)
def test_web_boilerplate_is_dropped(summary: Document, noise: str) -> None:
    assert noise not in summary.text
    assert "secretions from mesenchymal stem cells" in summary.text


@pytest.mark.parametrize("furniture", ["Corresponding Author", "sinemgulcan@hotmail.com", "Creative Commons",
                                       "Cite this article as", "turkarchpediatr.org", "Received: 07.01.2021"])
def test_page_furniture_moves_to_metadata(review: Document, furniture: str) -> None:
    assert furniture not in review.text
    assert any(furniture in f for f in review.meta.furniture)


@pytest.mark.parametrize("joined", [
    "The symbiotic relationship between breast milk and its natural hosts has led",
    "In a study conducted by Huang et al. (35), human umbilical cord",
    "The role of mesenchymal stem cells is also being investigated in the treatment of NEC.",
    "In an in vitro study conducted by Thomas et al. (16), it was reported that these cells not only",
])
def test_paragraphs_split_by_page_or_table_are_rejoined(review: Document, joined: str) -> None:
    assert joined in review.text
    paragraph = next(b for b in review.blocks if joined in review.text[b.start : b.end])
    assert paragraph.kind == "paragraph"


def test_table_moves_after_the_rejoined_paragraph(review: Document) -> None:
    joined_at = review.text.index("stem cells is also being investigated in the treatment of NEC")
    assert review.tables[0].start > joined_at


def test_latex_math_becomes_unicode(review: Document) -> None:
    assert "α6 integrin (CD49f)" in review.text
    assert "$" not in review.text and "\\alpha" not in review.text
    assert normalise_line(r"$\beta$-casein and $\kappa$ light chains, $\pm 2$") == "β-casein and κ light chains, ±2"


def test_rejoin_mechanism_on_a_synthetic_file(tmp_path: Path) -> None:
    src = tmp_path / "paper.txt"
    src.write_text(
        "A Test Paper\n\nIntroduction\n\nStem cells were given to the infants in a trial conducted\n\n"
        "Corresponding Author:\nJane Doe\n\n"
        "Study\tRoute\tDisease\nDoe et al. (1)\tIntratracheal\tBPD\nRoe et al. (2)\tIntravenous\tIVH\n\n"
        "by Doe et al. (1) and the lungs healed.\n\nDownload PDF\n\nReferences\n\n"
        "1. Doe J, Roe R. Lungs. *J Lung* 2020; 1: 1-2.\n2. Roe R. Brains. *J Brain* 2021; 2: 3-4.\n",
        encoding="utf-8",
    )
    doc = load_document(src)
    assert "in a trial conducted by Doe et al. (1) and the lungs healed." in doc.text
    assert "Corresponding Author" not in doc.text and "Download PDF" not in doc.text
    assert doc.text.index("lungs healed") < doc.tables[0].start
    assert [r.cell("Route") for r in doc.tables[0].rows] == ["Intratracheal", "Intravenous"]
    assert [(r.number, r.journal, r.year) for r in doc.references] == [(1, "J Lung", 2020), (2, "J Brain", 2021)]


def test_unbroken_paragraphs_are_not_joined(tmp_path: Path) -> None:
    src = tmp_path / "p.txt"
    src.write_text("Title Here\n\nFirst paragraph ends here.\n\nsecond starts lower case.\n", encoding="utf-8")
    doc = load_document(src)
    assert "ends here.\n\nsecond starts" in doc.text
