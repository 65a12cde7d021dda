"""Structure of the full-text review: sections, lists, the table of studies, glossary and references."""

from __future__ import annotations

from corpus.model import Document

COLUMNS = ["Study", "Phase / Route", "Stem cell type", "Disease", "Effect"]


def test_sections_follow_the_headings(review: Document) -> None:
    titles = [s.title for s in review.sections]
    for heading in ["ABSTRACT", "Introduction", "Stem Cells and Progenitor Cells of Breast Milk",
                    "Breast Milk and Microchimerism", "Conclusion", "References"]:
        assert heading in titles
    for s in review.sections:
        assert 0 <= s.start <= s.end <= len(review.text)


def test_every_offset_addresses_its_own_text(review: Document) -> None:
    for block in review.blocks:
        assert review.text[block.start : block.end].strip() == review.text[block.start : block.end]
    for sentence in review.sentences:
        assert review.text[sentence.start : sentence.end]
    for ref in review.references:
        assert review.text[ref.start : ref.end] == ref.text


def test_list_items_are_recognised(review: Document) -> None:
    items = [review.text[b.start : b.end] for b in review.blocks if b.kind == "list_item"]
    assert "Embryonic stem cells" in items
    assert "Umbilical cord blood stem cells" in items
    assert any(i.startswith("The ability to self-renew") for i in items)


def test_table_of_studies_has_eleven_rows_with_named_columns(review: Document) -> None:
    assert len(review.tables) == 1
    table = review.tables[0]
    assert table.columns == COLUMNS
    assert len(table.rows) == 11
    chang = next(r for r in table.rows if r.cell("Study") == "Chang et al. (39)")
    assert chang.cell("Phase / Route") == "Phase I clinical trial/ intratracheal"
    assert chang.cell("Disease") == "BPD"
    for row in table.rows:
        for cell in row.cells:
            assert review.text[cell.start : cell.end] == cell.text
        assert review.text[row.start : row.end].split("\t")[0] == row.cells[0].text


def test_legend_is_attached_to_the_table(review: Document) -> None:
    legend = review.tables[0].legend
    assert legend is not None
    assert review.text[legend.start : legend.end].startswith("AF-MSC: amniotic fluid-derived")


def test_glossary_from_legend_and_running_text(review: Document) -> None:
    g = review.glossary
    assert g["BPD"] == "bronchopulmonary dysplasia"
    assert g["NEC"] == "necrotizing enterocolitis"
    assert g["hUC-MSC"] == "human umbilical cord mesenchymal stem cell"
    assert g["HIE"].lower() == "hypoxic-ischemic encephalopathy"
    assert g["CK"] == "cytokeratin"  # defined only in running text: "cytokeratin (CK) 18-positive"


def test_reference_list_has_49_numbered_entries(review: Document) -> None:
    assert [r.number for r in review.references] == list(range(1, 50))
    chang = review.reference(39)
    assert chang is not None
    assert chang.authors[0] == "Chang YS"
    assert chang.journal == "J Pediatr" and chang.year == 2014
    assert chang.title is not None and chang.title.startswith("Mesenchymal stem cells for bronchopulmonary")
    assert "[Crossref]" not in review.text and "*" not in review.text
    first = review.reference(1)
    assert first is not None and first.authors == ["Blanc B"] and first.year == 1981


def test_in_text_citations_link_to_entries(review: Document) -> None:
    def numbers(snippet: str) -> list[list[int]]:
        at = review.text.index(snippet)
        return [m.numbers for m in review.mentions if at <= m.start < at + len(snippet)]

    assert numbers("Chang et al. (39), human umbilical") == [[39]]
    assert numbers("cause differences in the composition of breast milk (2,3)") == [[2, 3]]
    assert numbers("van Velthoven et al. (31,32)") == [[31, 32]]
    chang = next(m for m in review.mentions if review.text[m.start : m.end] == "Chang et al. (39)")
    assert chang.numbers == [39]
    assert all(1 <= n <= 49 for m in review.mentions for n in m.numbers)
    # "(CD49f)" and "(HIE)" are not citations.
    assert not any("CD49f" in review.text[m.start : m.end] for m in review.mentions)


def test_metadata(review: Document, summary: Document) -> None:
    assert review.meta.kind == "full_text" and review.meta.year == 2021
    assert review.meta.authors == ["Sinem Gülcan Kersin", "Eren Özek"]
    assert summary.meta.kind == "summary"
