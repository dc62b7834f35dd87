"""British spellings of medical words read as GARD's American ones (retrieval/spelling.py), in
the analyzer (BM25 terms and name words alike) and so in linking and ranking."""

from __future__ import annotations

import pytest
from corpus_fixture import corpus_searcher, named_page

from retrieval.analyzer import analyze, words
from retrieval.search import Outcome, Searcher
from retrieval.spelling import american


@pytest.mark.parametrize(
    ("british", "american_form"),
    [
        ("anaemia", "anemia"),  # "ae" in a medical word's middle
        ("haemorrhagic", "hemorrhagic"),
        ("orthopaedic", "orthopedic"),
        ("diarrhoea", "diarrhea"),
        ("dyspnoea", "dyspnea"),
        ("oesophageal", "esophageal"),  # "oe" that starts a word
        ("angio-oedema", "angio-edema"),
        ("coeliac", "celiac"),
        ("tumours", "tumors"),
        ("fibre", "fiber"),
        # American words and other English words are left alone
        ("angioedema", "angioedema"),
        ("aerobic", "aerobic"),
        ("does", "does"),
        ("exercise", "exercise"),
    ],
)
def test_american(british: str, american_form: str) -> None:
    assert american(british) == american_form


def test_both_spellings_are_the_same_terms_and_name_words() -> None:
    assert analyze("Fanconi anaemia with a tumour") == analyze("Fanconi anemia with a tumor")
    assert words("Oesophageal atresia") == ["esophageal", "atresia"]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    pages = [named_page("0000001", "Fanconi anemia"), named_page("0000002", "Wilms tumor")]
    return corpus_searcher(tmp_path_factory, pages, "spelling")


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("How is Fanconi anaemia treated?", "Fanconi anemia"),
        ("How is a Wilms tumour treated?", "Wilms tumor"),
    ],
)
def test_a_british_spelling_names_the_page_exactly(searcher: Searcher, question: str, title: str) -> None:
    """The name is spelt exactly, not misspelt: no "did you mean", the match as sure as the
    American spelling's."""
    result = searcher.search(question)
    assert result.outcome is Outcome.ANSWER and result.disease.title == title
    assert result.disease.similarity == 1.0
