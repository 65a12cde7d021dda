"""Invented but plausible biomedical names: conditions, interventions, markers, measures, people and journals.

Long forms are built from word lists and abbreviated by their initials, as papers do, so the same short form
often stands for different things in different documents ("ARF": acute renal failure, autoimmune retinal
fibrosis), which is exactly what per-document glossaries must keep apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_ONSET = ["acute", "chronic", "neonatal", "congenital", "recurrent", "idiopathic", "primary", "secondary",
          "severe", "progressive", "refractory", "autoimmune", "hereditary", "metastatic", "juvenile", "diffuse",
          "focal", "transient", "early", "late", "benign", "malignant", "perinatal", "postoperative", "infantile",
          "familial", "sporadic", "obstructive", "inflammatory", "ischemic", "hemorrhagic", "degenerative"]
_ORGAN = ["renal", "hepatic", "pulmonary", "cardiac", "intestinal", "cerebral", "retinal", "myocardial",
          "pancreatic", "gastric", "bronchial", "vascular", "cutaneous", "biliary", "thyroid", "adrenal", "ovarian",
          "prostatic", "colorectal", "esophageal", "spinal", "cortical", "respiratory", "placental", "alveolar",
          "lymphatic", "synovial", "muscular", "neuronal", "endothelial", "epithelial", "mucosal", "skeletal",
          "urinary", "ocular", "cochlear", "dental", "splenic", "umbilical", "mammary"]
_LESION = ["failure", "dysplasia", "injury", "syndrome", "hemorrhage", "carcinoma", "fibrosis", "insufficiency",
           "stenosis", "inflammation", "necrosis", "disease", "hypertension", "edema", "ischemia", "infarction",
           "neuropathy", "thrombosis", "obstruction", "atrophy", "dysfunction", "lesion", "sepsis", "adenoma",
           "infection", "hypoplasia", "calcification", "vasculitis", "sclerosis", "dystrophy"]
_CELL_SOURCE = ["umbilical cord", "bone marrow", "adipose", "amniotic fluid", "placental", "breast milk",
                "dental pulp", "Wharton's jelly", "peripheral blood", "menstrual blood", "synovial", "cord blood"]
_CELL_KIND = ["mesenchymal stem cells", "stromal cells", "progenitor cells", "mononuclear cells",
              "extracellular vesicles", "exosomes", "endothelial progenitor cells", "neural stem cells"]
_DRUG_HEAD = ["zol", "ver", "cal", "ban", "dex", "fen", "lor", "mir", "nol", "pra", "qui", "ros", "sim", "tel",
              "val", "xan", "ami", "bex", "cor", "dor", "epi", "fos", "gal", "hal", "ket", "lev", "mel", "nep"]
_DRUG_MID = ["a", "e", "i", "o", "u", "ava", "eno", "ira", "obu", "uti", "ame", "ixo", "ola", "era"]
_DRUG_TAIL = ["tinib", "mab", "parin", "statin", "cillin", "azole", "vir", "olol", "pril", "sartan", "dronate",
              "semide", "oxacin", "mycin", "lukast", "gliptin", "profen", "setron", "tidine", "zepam"]
_MEASURE_KIND = ["interleukin", "chemokine ligand", "growth factor", "matrix metalloproteinase", "toll-like receptor",
                 "cluster of differentiation", "tumor necrosis factor receptor", "heat shock protein"]
_SCORE_KIND = ["severity", "activity", "function", "outcome", "recovery", "frailty", "quality", "risk"]
_SCORE_TAIL = ["score", "index", "scale", "grade"]
_ROUTES = ["intravenous", "intratracheal", "intranasal", "intraperitoneal", "intraventricular", "oral", "enteral",
           "subcutaneous", "intramuscular", "intrathecal", "topical", "inhaled", "intra-arterial", "intravitreal"]
_DESIGNS = ["randomized controlled trial", "phase I dose-escalation trial", "phase II clinical trial",
            "prospective cohort study", "retrospective cohort study", "case-control study", "pilot study",
            "animal study", "in vitro study", "observational study", "cross-sectional study", "meta-analysis"]
_POPULATIONS = ["preterm infants", "term neonates", "children", "adolescents", "adults", "older adults", "rats",
                "mice", "piglets", "pregnant women", "outpatients", "intensive care patients"]
_SYLLABLES = ["an", "ber", "ka", "lin", "mor", "no", "ra", "sen", "ta", "vik", "wal", "yo", "zu", "hal", "gr",
              "dor", "fi", "le", "ma", "ne", "os", "pe", "ri", "st", "ul", "ve", "ch", "ko", "sa", "ti"]
_JOURNAL_FIELD = ["Pediatr", "Neonatol", "Respir Med", "Gastroenterol", "Nephrol", "Cardiol", "Neurol",
                  "Stem Cell Res", "Transl Med", "Clin Invest", "Perinatol", "Immunol", "Hepatol", "Oncol"]
_JOURNAL_HEAD = ["J", "Am J", "Eur J", "Int J", "Ann", "Arch", "Front", "BMC", "Clin", "Acta"]


def initials(long_form: str) -> str:
    """The short form a paper would coin: the initials of the long form's words, in capitals."""
    words = long_form.replace("-", " ").replace("'", "").split()
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


@dataclass(frozen=True)
class Entity:
    long: str
    short: str
    kind: str  # condition, cells, measure, score


def condition(rng: random.Random) -> Entity:
    words = [rng.choice(_ONSET), rng.choice(_ORGAN), rng.choice(_LESION)]
    if rng.random() < 0.3:
        words = words[1:]
    long_form = " ".join(words)
    return Entity(long_form, initials(long_form), "condition")


def cells(rng: random.Random) -> Entity:
    long_form = f"{rng.choice(_CELL_SOURCE)} {rng.choice(_CELL_KIND)}"
    short = initials(long_form)
    if long_form.endswith("cells"):  # "bone marrow mesenchymal stem cells (BMMSCs)"
        return Entity(long_form, short[:-1] + "s", "cells")
    return Entity(long_form, short, "cells")


def measure(rng: random.Random) -> Entity:
    kind, number = rng.choice(_MEASURE_KIND), rng.randint(1, 40)
    return Entity(f"{kind} {number}", f"{initials(kind)}-{number}", "measure")


def score(rng: random.Random) -> Entity:
    long_form = f"{rng.choice(_ORGAN)} {rng.choice(_SCORE_KIND)} {rng.choice(_SCORE_TAIL)}"
    return Entity(long_form, initials(long_form), "score")


def drug(rng: random.Random) -> str:
    return rng.choice(_DRUG_HEAD) + rng.choice(_DRUG_MID) + rng.choice(_DRUG_TAIL)


def surname(rng: random.Random, known: list[str]) -> str:
    if known and rng.random() < 0.4:
        return rng.choice(known)
    name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
    return name.capitalize()


def author(rng: random.Random, known: list[str]) -> str:
    letters = "ABCDEFGHJKLMNPRSTVWY"
    return f"{surname(rng, known)} {''.join(rng.choice(letters) for _ in range(rng.randint(1, 2)))}"


_GIVEN = ["Ayse", "Ben", "Carla", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Julia", "Kenji", "Lena",
          "Mehmet", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tomoko", "Umar", "Vera", "Wei", "Yusuf"]


def full_name(rng: random.Random, known: list[str]) -> str:
    """A byline name, family name last (the parser recognises bylines by the authors' family names)."""
    return f"{rng.choice(_GIVEN)} {surname(rng, known)}"


def journal(rng: random.Random, known: list[str]) -> str:
    if known and rng.random() < 0.5:
        return rng.choice(known)
    return f"{rng.choice(_JOURNAL_HEAD)} {rng.choice(_JOURNAL_FIELD)}"


def route(rng: random.Random) -> str:
    return rng.choice(_ROUTES)


def design(rng: random.Random) -> str:
    return rng.choice(_DESIGNS)


def with_article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def population(rng: random.Random) -> str:
    return rng.choice(_POPULATIONS)
