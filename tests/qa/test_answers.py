"""The answer engine on the real index: the contract's invariants and its behaviours."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eval.grounding import ground
from index.search import SearchIndex
from qa.abstain import Topicality
from qa.engine import AnswerEngine
from qa.errors import QAError
from qa.model import Answer, Turn
from qa.passages import make_passage
from qa.quantities import states_a_count_of, states_a_dose
from qa.verdict import NOT_SETTLED, OFF_TOPIC_NOTE
from qa.wordnet import default as default_wordnet

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold.jsonl"


def check_contract(answer: Answer, index: SearchIndex) -> None:
    """Every cited span is the document's text; markers and citations match one to one, numbered 1..n."""
    markers = [int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)]
    numbers = [c.marker for c in answer.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    assert set(markers) == set(numbers)
    for c in answer.citations:
        doc = index.documents[c.doc_id]
        assert c.text == doc.text[c.start : c.end] and c.text.strip()
        assert c.title == doc.meta.title
        for n, ref in zip(c.reference_numbers, c.references, strict=True):
            entry = doc.reference(n)
            assert entry is not None and ref == f"[{n}] {entry.text}"
    if answer.answered:
        assert answer.citations
    else:
        assert not answer.citations and not markers
    for p in answer.related:
        assert p.text == index.documents[p.doc_id].text[p.start : p.end]


def gold_items() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def gold_questions() -> list[tuple[str, list[Turn]]]:
    return [(g["question"], [Turn(**t) for t in g["history"]]) for g in gold_items()]


def test_contract_holds_on_every_gold_question(engine: AnswerEngine, search_index: SearchIndex) -> None:
    questions = gold_questions()
    assert len(questions) >= 80
    for question, history in questions:
        check_contract(engine.ask(question, history), search_index)


WORDS = ["BPD", "NEC", "IVH", "HIE", "stem cells", "breast milk", "route", "intratracheal", "trial", "rats",
         "exosomes", "Chang et al.", "reference 12", "which", "how many", "what is", "[3]", "(39)", "<b>x</b>"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=7), st.sampled_from(["?", "", "."]))
def test_contract_holds_on_generated_questions(engine: AnswerEngine, search_index: SearchIndex,
                                                words: list[str], end: str) -> None:
    check_contract(engine.ask(" ".join(words) + end), search_index)


def test_related_passages_follow_the_engines_ranking(engine: AnswerEngine) -> None:
    """`related` lists the passages in the order of the best sentence or row each holds, as the engine ranks
    them for the question (not the retriever's raw order): the next-best evidence comes first."""
    for g in gold_items():
        if g["split"] != "dev" or not g["answerable"]:
            continue
        history = [Turn(**t) for t in g["history"]]
        answer = engine.ask(g["question"], history)
        query = engine.analyse(g["question"], history)
        best: dict[tuple[str, int], int] = {}
        for rank, s in enumerate(engine.rank(query, history)):
            best.setdefault((s.unit.doc_id, s.unit.start), rank)
        ranks = [min((r for (d, start), r in best.items() if d == p.doc_id and p.start <= start < p.end),
                     default=len(best)) for p in answer.related]
        assert ranks == sorted(ranks), g["id"]


def test_related_passages_share_no_text(engine: AnswerEngine) -> None:
    """Chunks overlap (a sliding window); `related` lists each piece of text once, so the slot a repeat would
    take goes to a passage that says something else."""
    overlapping = 0
    for g in gold_items():
        if g["split"] != "dev":
            continue
        answer = engine.ask(g["question"], [Turn(**t) for t in g["history"]], k=10)
        spans = [(p.doc_id, p.start, p.end) for p in answer.related]
        overlapping += sum(1 for i, (d, s, e) in enumerate(spans) for d2, s2, e2 in spans[:i]
                           if d == d2 and s < e2 and s2 < e)
    assert overlapping == 0


def test_definition_questions_find_the_defining_sentences(engine: AnswerEngine) -> None:
    """A definition question ("What is a stem cell?") shares only its subject with the sentence defining it, and
    with many others: it is searched with the wording of a definition too, so every dev definition question's
    evidence is cited or among the first related passages."""
    asked = [g for g in gold_items() if g["split"] == "dev" and g["answerable"] and g["kind"] == "definition"]
    assert asked
    for g in asked:
        assert engine.analyse(g["question"], None).search_text.endswith("is defined as")
        answer = engine.ask(g["question"], k=5)
        shown = [c.text for c in answer.citations] + [p.text for p in answer.related]
        for evidence in g["evidence"]:
            assert any(evidence in text for text in shown), (g["id"], evidence)


def test_what_is_meant_by_a_term_is_answered(engine: AnswerEngine) -> None:
    """"meant" frames a definition question as "mean" does: no topic the library lacks (it was refused)."""
    answer = engine.ask("What is meant by microchimerism in the setting of breastfeeding?")
    assert answer.answered and "Microchimerism is the presence of a small number of cells" in answer.answer


def test_origin_questions_find_what_the_reviews_say_of_the_origin(engine: AnswerEngine) -> None:
    """"Where do X come from?" shares only X with the sentences that say where X originates, or that nobody
    knows: it is searched with the wording of an origin and such sentences rank first (before, the answer quoted
    when stem cells were first described in milk)."""
    assert engine.analyse("Is it known where the stem cells in breast milk come from?", None).answer_type == "origin"
    for question in ("Where do the stem cells in breast milk come from?", "Where do breast milk stem cells originate?"):
        answer = engine.ask(question)
        assert answer.answered and "the origin of" in engine.analyse(question, None).search_text
        assert any("exact origin of breast milk stem cells" in c.text for c in answer.citations), answer.answer


def test_a_question_on_both_reviews_quotes_more_than_one_sentence_of_the_other(engine: AnswerEngine) -> None:
    """One sentence of the review the answer does not open with seldom says all it says (before, each of these
    quoted the other review once)."""
    for question in ("Do either of the reviews report animal evidence that cell-free products such as exosomes "
                     "protect the gut?", "In animal models, do the two reviews say that cell-free products like "
                     "secretions or exosomes protect the intestine?"):
        answer = engine.ask(question)
        per_document = Counter(c.doc_id for c in answer.citations)
        first = answer.citations[0].doc_id
        assert len(per_document) == 2, answer.answer
        assert all(n >= 2 for d, n in per_document.items() if d != first), answer.answer


def test_limitation_questions_find_what_holds_the_therapy_back(engine: AnswerEngine) -> None:
    """"What limits X?" shares little with the sentence saying what X "is still limited by", which opens with
    "However" and leaves X to the sentence before it: it is searched with the wording of a limitation, such
    sentences rank first among those about X, and a finding question's aims lose (before, the answer quoted
    only what the review set out to do and how promising secretions are)."""
    question = "What limits the clinical use of stem cell secretions?"
    answer = engine.ask(question)
    assert answer.answered and "limited by" in engine.analyse(question, None).search_text
    assert "clinical use is still limited by variability in production methods" in answer.answer
    assert not any(c.text.startswith(("This review", "We examine")) for c in answer.citations), answer.answer


def test_who_asks_and_how_sure_is_no_topic_the_library_lacks(engine: AnswerEngine) -> None:
    """"we", "our", "actually" name no topic, though the library may lack them: the abstainer's share of the
    question's words the library lacks reads the question without them."""
    plain = engine.features("Do stem cells in breast milk come from the blood?")
    framed = engine.features("Do our stem cells in breast milk actually come from the blood?")
    assert framed["out_of_corpus"] == plain["out_of_corpus"] > 0


def test_which_of_two_is_better_is_answered_only_by_a_comparison(engine: AnswerEngine) -> None:
    """"A vs B - which works better?" is answered by a passage that compares them, not by one on A alone."""
    unanswered = engine.ask("cord blood cells with cooling vs cooling alone for HIE - which works better?")
    assert not unanswered.answered and unanswered.answer.endswith("no passage found compares them.")
    # "Is A or B better?" asks which of the two, as "A vs B" does: no verdict, and no answer without a comparison.
    for question in ("Is it the intravenous or the intratracheal route that works better for BPD?",
                     "Is cord blood or bone marrow the richer source of mesenchymal stem cells for BPD?"):
        unanswered = engine.ask(question)
        assert not unanswered.answered and unanswered.answer.endswith("no passage found compares them.")
    answer = engine.ask("Which route of giving the extracellular vesicles worked better in the Pisano pups?")
    assert answer.answered and "than the enteral group" in answer.answer, answer.answer
    # "What got better?" asks what improved, not which of two did better.
    assert engine.ask("What got better in the rats given amniotic fluid stem cells for NEC?").answered


def test_what_the_authors_concluded_is_no_bibliography_question(engine: AnswerEngine) -> None:
    """"Who are the authors of X?" asks for the bibliography; "What did the authors of X conclude?" for what
    they wrote (it was answered with a reference entry whose title shared its words)."""
    assert engine.analyse("Who are the authors of the Chang et al. trial?", None).answer_type == "bibliographic"
    question = "What did the authors of the secretome review conclude about its promise?"
    assert engine.analyse(question, None).answer_type != "bibliographic"
    assert not any(c.kind == "reference" for c in engine.ask(question).citations)


def test_what_was_concluded_is_answered_by_the_conclusion_paragraph(engine: AnswerEngine) -> None:
    """"What is the conclusion of X?" is answered by the paragraph under a conclusion label, in its order (before,
    by sentences elsewhere that shared the question's words, and "What did the review conclude?" went unanswered:
    "conclude" is in no sentence of the library)."""
    for question in ("What is the conclusion of the review on breast milk stem cells?",
                     "What did the breast milk review conclude?"):
        query = engine.analyse(question, None)
        assert query.answer_type == "conclusion" and "in conclusion" in query.search_text
        answer = engine.ask(question)
        assert answer.answered and {c.section for c in answer.citations} == {"Conclusion"}, answer.answer
        assert "used in the treatment of IVH, NEC, and HIE" in answer.answer, answer.answer
        assert [c.start for c in answer.citations] == sorted(c.start for c in answer.citations)
    # The review named by its authors (its metadata), nothing else of it: its conclusion, without the journal's
    # declarations printed under the same heading ("Conflict of Interest: ...", "Peer-review: ...").
    for question in ("What did Kersin and Özek conclude?", "what did kersin conclude?"):  # typed, lower case too
        named = engine.ask(question)
        assert named.answered and not named.answer.startswith("Note:"), named.answer
        assert "used in the treatment of IVH, NEC, and HIE" in named.answer, named.answer
        assert not any(c.text.startswith(("Conflict of", "Peer-review", "Financial")) for c in named.citations)
    # What a named study concluded is what the review says of it, not the review's own conclusion.
    chang = engine.ask("What did Chang et al. conclude about their BPD trial?")
    assert "BPD severity was markedly decreased" in chang.answer, chang.answer


def test_the_source_given_for_a_statement_is_its_reference(engine: AnswerEngine) -> None:
    """"Which source is given for X?" asks for the reference the sentence saying X cites, as "cited for" does."""
    question = "Which source is given for breast milk having more than 200 known components?"
    assert engine.analyse(question, None).answer_type == "bibliographic"
    answer = engine.ask(question)
    assert any(c.kind == "reference" and c.text.startswith("Blanc B.") for c in answer.citations), answer.answer


def test_the_paper_cited_for_a_claim_is_the_one_whose_entry_matches_it(engine: AnswerEngine) -> None:
    """Two sentences match "milk stem cells ... into the brain of pups" about as well (one on the gut, one on
    the brain); the entry whose title says it ("Transfer and integration of breast milk stem cells to the brain of
    suckling pups") decides which one's reference answers."""
    answer = engine.ask("Which paper is cited for breast milk stem cells integrating into the brain of pups?")
    entries = [c.text for c in answer.citations if c.kind == "reference"]
    assert entries and entries[0].startswith("Aydın MŞ"), answer.answer
    assert any(c.kind == "sentence" and "brain of pups" in c.text for c in answer.citations)


def test_cause_questions_find_what_causes_it(engine: AnswerEngine) -> None:
    """"Why does X vary?", "What makes X differ?" share little with the sentence saying what "causes differences"
    in X: they are searched with the wording of a cause, and such sentences rank first (before, the answer
    quoted that X varies and a study that found markers expressed more in preterm milk, a finding)."""
    question = "Why does breast milk composition vary from one mother to another?"
    query = engine.analyse(question, None)
    assert query.answer_type == "cause" and "caused by" in query.search_text
    answer = engine.ask(question)
    assert answer.answered and "stage of lactation" in answer.citations[0].text, answer.answer
    assert engine.analyse("Which factors contribute to NEC?", None).answer_type == "cause"
    assert engine.analyse("Do stem cells cause tumours?", None).answer_type != "cause"


def test_a_quantity_no_passage_gives_is_not_answered(engine: AnswerEngine) -> None:
    """A question asking for an amount, a share or a dose, answered by sentences on the right study or outcome
    that give no number, is not answered; an amount in words is one, and how often is said without a number."""
    for question in ("How much extracellular vesicle did Pisano et al. give each pup?",
                     "What proportion of NEC infants need surgery?",
                     "What was the mortality rate of the pups in the Zani et al. study?"):
        answer = engine.ask(question)
        assert not answer.answered and not answer.citations, answer.answer
        assert answer.answer == "The reviews do not say: no passage found gives the number asked."
    # "How many babies ...?" asks for a number of babies: "aged 0-1 years" counts years.
    people = engine.ask("How many babies in the Chang et al. trial had side effects?")
    assert not people.answered and people.answer.endswith("gives the number asked."), people.answer
    assert "nine premature infants" in engine.ask("How many preterm infants did Ahn et al. treat?").answer
    # "What dose ...?" asks for an amount in a unit of one: "nine premature infants" is none.
    dose = engine.ask("What dose of MSCs did each infant get in the Ahn et al. IVH trial?")
    assert not dose.answered and dose.answer.endswith("gives the dose asked."), dose.answer
    assert states_a_dose("1 × 10^7 cells/kg") and states_a_dose("20 mg/kg") and not states_a_dose("aged 0-1 year")
    # "How many days ...?" asks for a number of days: "six newborns" counts babies.
    days = engine.ask("How many days of cooling did the newborns in the HIE pilot study get?")
    assert not days.answered and days.answer.endswith("gives the number asked."), days.answer
    # "How many times more ...?" asks for a multiple: an amount alone ("thousands of cells") is no answer.
    multiple = engine.ask("How many times more cells does preterm milk hold than term milk?")
    assert not multiple.answered and multiple.answer.endswith("gives the number asked."), multiple.answer
    assert "thousands of cells" in engine.ask("How many cells are in a millilitre of breast milk?").answer
    assert engine.ask("How often were the vesicles given in the Pisano study?").answered


def test_routes_for_bpd_are_aggregated_from_table_and_prose(engine: AnswerEngine) -> None:
    answer = engine.ask("Which routes were used for BPD?")
    assert answer.answered
    lines = answer.answer.splitlines()
    for route in ("intratracheal", "intravenous", "intranasal"):
        bullet = next(line for line in lines if line.startswith(f"- {route}"))
        assert re.search(r"\[\d+\]", bullet)
    cited = " ".join(c.text for c in answer.citations)
    for study in ("Chang et al. (39)", "van Haften et al. (40)", "Moreira et al. (47)", "intravenous administration"):
        assert study in cited
    assert all("BPD" in c.text for c in answer.citations)
    assert "intraventricular" not in answer.answer.lower()  # IVH rows and disease names are not BPD routes
    intravenous = next(line for line in lines if line.startswith("- intravenous"))
    assert "Wu et al. (41)" in intravenous  # the prose sentence is linked to the table row of its study
    assert any(c.kind == "table_row" for c in answer.citations) and any(c.kind == "sentence" for c in answer.citations)


def test_a_count_over_a_table_says_how_many_it_lists(engine: AnswerEngine, search_index: SearchIndex) -> None:
    answer = engine.ask("How many studies in the table were animal studies?")
    doc = search_index.documents["kersin-2021-breast-milk-stem-cells"]
    table = next(t for t in doc.tables if any("Phase" in c for c in t.columns))
    animal = [r.cells[0].text for r in table.rows if r.cells[1].text.startswith("Animal")]
    lead = answer.answer.splitlines()[0]
    assert lead.startswith(f"{len(animal)} studies in the table: "), answer.answer
    assert all(study in lead for study in animal)
    assert sorted(c.text for c in answer.citations) == sorted(
        doc.text[r.start : r.end] for r in table.rows if r.cells[0].text in animal)
    # A count of values names its subject first.
    routes = engine.ask("How many routes were used for BPD?").answer.splitlines()
    listed = [line for line in routes if line.startswith("- ")]
    # ... and says where it counted: the routes come from the table's rows and from the text.
    assert routes[0].startswith(f"BPD ({len(listed)} routes in the table and text): "), routes[0]
    # One row counted is counted too, in the singular, and the count is grounded like any other.
    hie = [r for r in table.rows if r.cells[1].text.startswith("Animal") and r.cells[3].text == "HIE"]
    one = engine.ask("How many animal studies were done on HIE?")
    assert len(hie) == 1 and one.answer.startswith(f"HIE (1 animal study in the table): {hie[0].cells[0].text} ["), (
        one.answer)
    assert [c.text for c in one.citations] == [doc.text[hie[0].start : hie[0].end]]
    grounded = ground(one.answer, one.citations, search_index.documents, search_index.glossary)
    assert grounded.citation_recall == 1.0 and grounded.intact_citations == len(one.citations)
    # Without "how many", a list has no count; nor has a follow-up to a question that had one.
    assert engine.ask("Which routes were used for BPD?").answer.startswith("BPD: ")
    follow_up = engine.ask("Which route?", [Turn(role="user", content="How many infants?")])
    assert not re.match(r"\d", follow_up.answer), follow_up.answer


def test_a_count_of_people_is_not_a_count_of_table_rows(engine: AnswerEngine) -> None:
    """The table lists studies: "How many babies ...?" is not answered by counting its HIE rows ("HIE (2 babies in
    the table)", before), but from the sentence that says how many babies."""
    answer = engine.ask("How many babies in the HIE pilot study had a normal outcome?")
    assert "in the table" not in answer.answer, answer.answer
    assert "four babies" in answer.answer, answer.answer
    # A number question's answer type is a quantity: "HIE ... is one of the conditions ..." states none.
    assert "one of the conditions" not in answer.answer, answer.answer
    # What rows are ("Study": studies, trials, experiments) and what a column holds ("Route") are still counted.
    assert "(1 animal study in the table)" in engine.ask("How many animal studies were done on HIE?").answer
    assert "trials in the table" in engine.ask("How many clinical trials had a feasible and safe outcome?").answer


def test_another_papers_table_does_not_answer_by_a_shared_cell_word(engine: AnswerEngine) -> None:
    """The sentence answering "What pathways does the secretome review examine?" is the summary's; the other
    review's table has a row that says "pathways" (Kim et al.: "MAPK and STAT pathways"), which answered it
    alone before. A table of a paper other than the best sentence's answers only with a row among the best."""
    answer = engine.ask("What pathways does the secretome review examine?")
    assert "inflammation control, blood vessel growth, and tissue regeneration" in answer.answer, answer.answer
    assert all(c.doc_id == "msc-secretome-preterm-infants-summary" for c in answer.citations), answer.answer
    # A question the table answers still gets its rows (the table's paper holds the best units).
    assert "Kim et al. (46)" in engine.ask("Which studies in the table reported an effect on the MAPK pathway?").answer


def test_a_sentence_stating_no_effect_gives_no_verdict(engine: AnswerEngine) -> None:
    """The nearest passage to "Do probiotic bacteria ... affect the number of stem cells ...?" names probiotic
    bacteria only to set them aside from a classification of milk cells; it states no effect, and gave "Yes"."""
    answer = engine.ask("Do probiotic bacteria in breast milk affect the number of stem cells in it?")
    assert answer.verdict is None and answer.answer.startswith(NOT_SETTLED), answer.answer
    # A sentence that states an effect is still weighed.
    assert engine.ask("Did intratracheal cord blood MSCs lessen BPD severity in the Chang et al. trial?").verdict


def test_a_column_is_named_by_its_head(engine: AnswerEngine, search_index: SearchIndex) -> None:
    """"cell types" names the column "Stem cell type": the answer lists that column's values for the disease."""
    doc = search_index.documents["kersin-2021-breast-milk-stem-cells"]
    table = next(t for t in doc.tables if "Stem cell type" in t.columns)
    column = table.columns.index("Stem cell type")
    ivh = {r.cells[column].text for r in table.rows if "IVH" in {c.text for c in r.cells}}
    answer = engine.ask("Which cell types were used for IVH?")
    lead = answer.answer.splitlines()[0]
    assert lead.startswith("IVH: ") and all(f"{value} [" in lead for value in ivh), answer.answer
    assert all(c.kind == "table_row" and "IVH" in c.text for c in answer.citations)


def test_rows_are_asked_for_by_a_kind_their_cells_name(engine: AnswerEngine, search_index: SearchIndex) -> None:
    """No header says "trial": "Which clinical trials ...?" asks for the rows whose cells do, by their first cell."""
    doc = search_index.documents["kersin-2021-breast-milk-stem-cells"]
    table = next(t for t in doc.tables if any("Phase" in c for c in t.columns))
    trials = [r for r in table.rows if "clinical trial" in r.cells[1].text]
    counted = engine.ask("How many clinical trials are listed in the table?")
    lead = counted.answer.splitlines()[0]
    assert lead.startswith(f"{len(trials)} clinical trials in the table: "), counted.answer
    assert sorted(c.text for c in counted.citations) == sorted(doc.text[r.start : r.end] for r in trials)
    hie = engine.ask("Which clinical trials used stem cells for HIE?")
    assert [c.text for c in hie.citations] == [doc.text[r.start : r.end] for r in trials if r.cells[3].text == "HIE"]
    # A question naming the value of a column ("the intravenous route") asks for the rows that hold it.
    route = engine.ask("Which trials used the intravenous route?")
    assert route.citations and all("intravenous" in c.text and c.kind == "table_row" for c in route.citations)
    # A count says only the words every listed row says: no row says "randomised".
    randomised = engine.ask("How many randomised trials are in the table?")
    assert randomised.citations and not re.match(r"\d", randomised.answer), randomised.answer


def test_a_synonym_of_a_header_names_its_column(engine: AnswerEngine, search_index: SearchIndex) -> None:
    """"outcome" is WordNet's synonym of the header "Effect": it names that column and chooses no rows (no row
    says "outcome" beside "feasible and safe"; before, none met the question and prose answered it)."""
    doc = search_index.documents["kersin-2021-breast-milk-stem-cells"]
    table = next(t for t in doc.tables if "Effect" in t.columns)
    effect, phase = table.columns.index("Effect"), next(i for i, c in enumerate(table.columns) if "Phase" in c)
    safe = [r for r in table.rows if "clinical trial" in r.cells[phase].text and "safe" in r.cells[effect].text]
    answer = engine.ask("How many clinical trials had a feasible and safe outcome?")
    assert answer.answer.startswith(f"{len(safe)} clinical trials in the table: "), answer.answer
    assert sorted(c.text for c in answer.citations) == sorted(doc.text[r.start : r.end] for r in safe)


def test_aggregation_works_for_other_diseases_and_columns(engine: AnswerEngine) -> None:
    ivh = engine.ask("Which routes were used for IVH?")
    assert "intraventricular" in ivh.answer and "intranasal" in ivh.answer
    assert "intratracheal" not in ivh.answer
    nec = engine.ask("Which stem cell types were used for NEC?")
    assert "exosomes" in nec.answer and "BMSC extracellular vesicles" in nec.answer
    assert all("NEC" in c.text for c in nec.citations)


def test_a_word_of_an_abbreviations_long_form_is_no_constraint_on_its_own(engine: AnswerEngine) -> None:
    # "IVH" reads "intraventricular hemorrhage": an IVH study by the intranasal route used no intraventricular
    # route, while a question about intraventricular hemorrhage is about every IVH row.
    route = engine.ask("Which studies in the table used the intraventricular route?")
    listed = route.answer.splitlines()[0]
    assert "Ahn et al. (38)" in listed and "Kim et al. (46)" in listed and "Keller et al. (37)" not in listed
    disease = engine.ask("Which routes were used for intraventricular hemorrhage?")
    assert "intranasal" in disease.answer.splitlines()[0]
    # "breast milk" is in the long form of BMSC: the studies of BMSCs are no answer about the phases of milk.
    milk = engine.ask("In which phases do the substances of breast milk occur?")
    assert all(c.kind != "table_row" for c in milk.citations)


def test_a_second_column_the_question_names_is_asked_not_a_constraint(engine: AnswerEngine) -> None:
    # "cell type" names the "Stem cell type" column: its words do not restrict the rows to those saying "cell".
    answer = engine.ask("Which route and cell type does the table list for the Ahn et al. IVH trial?")
    assert answer.citations[0].kind == "table_row" and answer.citations[0].text.startswith("Ahn et al. (38)")
    assert "Allogeneic hUC-MSCs" in answer.answer


def test_table_rows_holding_the_questions_words_are_about_it(engine: AnswerEngine) -> None:
    # A topicality model that finds no paper about any question: rows chosen by the question's own words still
    # are about it (terse rows read as far from a question to a model fitted on abstracts' sentences).
    strict = AnswerEngine(engine.index, topicality=Topicality(weights={"dense": 1.0}, bias=0.0, threshold=1.0))
    rows = strict.ask("Which studies were found feasible and safe?")
    assert rows.answered and rows.about_question and not rows.answer.startswith(OFF_TOPIC_NOTE)
    assert {c.text.split(" et al.")[0] for c in rows.citations} == {"Tsuji", "Ahn", "Wu"}
    prose = strict.ask("Have breast milk stem cells been tried in infants with NEC?")
    assert prose.answered and not prose.about_question  # quoted sentences, no rows: the model decides


def test_a_free_text_column_is_listed_cell_by_cell(engine: AnswerEngine) -> None:
    # The Effect column holds findings, not labels: "and" inside one is no list of two values.
    nec = engine.ask("What effects were reported in the NEC studies?")
    lead = nec.answer.splitlines()[0]
    assert "↓ Incidence and severity of experimental NEC" in lead
    assert "severity of experimental NEC [" not in lead.replace("↓ Incidence and severity", "")
    bullets = [line for line in nec.answer.splitlines() if line.startswith("- ")]
    assert bullets and all(line.startswith("- Pisano") or line.startswith("- McCulloh") for line in bullets)
    # A column of labels is still split: "intraperitoneal, enteral" is two routes.
    routes = engine.ask("Which routes were used for NEC?")
    assert any(line.startswith("- enteral") for line in routes.answer.splitlines())


def test_negative_finding_is_an_answer(engine: AnswerEngine) -> None:
    answer = engine.ask("Have breast milk stem cells been tried in infants with NEC?")
    assert answer.answered
    assert any(c.text.startswith("No human studies have been conducted") for c in answer.citations)


@pytest.mark.parametrize("question", [
    "Which surfactant preparation works best for RDS?",
    "Who won the 2018 World Cup?",
    "What is the capital of Australia?",
])
def test_off_topic_questions_abstain(engine: AnswerEngine, question: str) -> None:
    answer = engine.ask(question)
    assert not answer.answered and not answer.citations
    assert answer.answer.startswith("The reviews do not say")  # the built-in library is two reviews


def test_follow_up_is_resolved_with_history(engine: AnswerEngine) -> None:
    history = [Turn(role="user", content="Which routes were used for BPD?")]
    answer = engine.ask("And for IVH?", history)
    assert answer.resolved_question is not None and "IVH" in answer.resolved_question
    assert "route" in answer.resolved_question.lower()
    assert "intraventricular" in answer.answer
    unrelated = engine.ask("Which surfactant preparation works best for RDS?", history)
    # A question of its own is not glued to the last one (it may be read with a synonym: "preparation
    # (formulation)", `qa.lay_words`).
    assert "BPD" not in (unrelated.resolved_question or "") and "route" not in (unrelated.resolved_question or "")


def test_references_resolve_to_the_primary_study(engine: AnswerEngine) -> None:
    answer = engine.ask("Which journal published the phase I BPD trial by Chang et al.?")
    assert answer.answered and "J Pediatr" in answer.answer
    routes = engine.ask("Which routes were used for BPD?")
    chang = next(c for c in routes.citations if c.text.startswith("Chang et al. (39)"))
    assert chang.reference_numbers == [39]
    assert "Chang YS" in chang.references[0] and "J Pediatr 2014" in chang.references[0]
    numbered = engine.ask("Who are the authors of reference 41?")  # no gold question asks for this one
    assert "Wu X" in numbered.answer


def test_abbreviation_lookup_cites_the_legend(engine: AnswerEngine) -> None:
    answer = engine.ask("What does BMSC stand for?")
    assert "breast milk-derived stem cell" in answer.answer
    assert answer.citations[0].text.startswith("BMSC: breast milk-derived stem cell")


def test_answers_are_short_and_without_duplicates(engine: AnswerEngine) -> None:
    for question, history in gold_questions():
        answer = engine.ask(question, history)
        spans = [(c.doc_id, c.start, c.end) for c in answer.citations]
        assert len(spans) == len(set(spans))
        assert len(answer.answer.split()) < 400


@pytest.mark.parametrize(("question", "k"), [("", 5), ("   ", 5), ("x" * 2001, 5), ("stem cells", 0),
                                             ("stem cells", 21)])
def test_bad_input_raises_a_named_error(engine: AnswerEngine, question: str, k: int) -> None:
    with pytest.raises(QAError):
        engine.ask(question, k=k)


def test_search_passages_read_from_the_document_head_equal_those_of_the_whole_document(
        search_index: SearchIndex) -> None:
    hits = [h for q in ("Chang et al. intratracheal MSC phase I", "breast milk stem cells references",
                        "exosomes necrotizing enterocolitis") for h in search_index.search(q, 10)]
    with_refs = 0
    for hit in hits:
        c = hit.chunk
        head = make_passage(search_index.documents.head(c.doc_id), c.start, c.end, c.kind, c.section, hit.score)
        whole = make_passage(search_index.documents[c.doc_id], c.start, c.end, c.kind, c.section, hit.score)
        assert head == whole
        with_refs += bool(head.references)
    assert with_refs > 0  # passages that cite references were compared too


def test_a_count_of_people_is_a_number_before_a_person() -> None:
    """The count "how many infants" asks for is a number a few words before a person ("nine premature infants",
    "12 of the 20 neonates"), not any number ("aged 0-1 years")."""
    wordnet = default_wordnet()
    assert wordnet is not None

    def person(word: str) -> bool:
        return wordnet.kind(word) == "noun.person"

    for text in ("on nine premature infants with severe IVH", "12 of the 20 neonates", "four babies were normal"):
        assert states_a_count_of(text, person), text
    for text in ("children aged 0-1 years", "Chang et al. (39) treated infants", "one of the conditions"):
        assert not states_a_count_of(text, person), text
