"""Sibling pages: the same disease's page in another NIH collection of MedQuAD, quoted when GARD's
page doesn't say what was asked (retrieval/siblings.py, answers/engine.py). Same disease is
strict: quoting another disease's page is the worst failure."""

from __future__ import annotations

from dataclasses import replace

import pytest
from corpus_fixture import write_corpus, write_sibling_corpus

from answers import messages
from answers.engine import Engine
from answers.settings import EngineSettings
from corpus.models import Page, Section
from retrieval.build import CorpusSelection, open_index
from retrieval.policy import AnswerPolicy
from retrieval.search import Searcher
from retrieval.siblings import match_siblings, quotable_page


def page(doc_id: str, title: str, *synonyms: str, collection: str = "2_GARD_QA") -> Page:
    return Page("GARD", collection, doc_id, "", title, synonyms, (Section("1", "information", "", "Text."),))


def other(title: str, *synonyms: str) -> Page:
    return page("9", title, *synonyms, collection="3_GHR_QA")


GARD = [
    page("1", "Paget disease of bone", "PDB", "Juvenile Paget disease"),
    page("2", "Norum disease", "LCAT deficiency", "Lecithin cholesterol acyltransferase deficiency"),
    page("3", "Usher syndrome type 1", "Usher syndrome", "USH1"),
    page("4", "Usher syndrome type 2", "Usher syndrome"),
    page("5", "Galactose epimerase deficiency", "GALE deficiency"),
    page("6", "Galactokinase deficiency", "GALK deficiency"),
    page("7", "Blepharospasm", "BEB", "Benign essential blepharospasm"),
    page("8", "Huntington disease", "HD"),
    page("10", "Hodgkin lymphoma", "Hodgkin disease", "Hodgkin's lymphoma"),
]


def matched(*others: Page) -> dict[str, list[str]]:
    return {doc: [p.title for p in pages] for doc, pages in match_siblings(GARD, list(others)).items()}


def test_the_same_title_in_any_case_or_punctuation_is_the_same_disease():
    assert matched(other("paget disease of bone"), other("Paget's Disease of Bone")) == {
        "1": ["paget disease of bone", "Paget's Disease of Bone"]
    }


def test_one_shared_synonym_is_not_the_same_disease():
    """GARD lists a relative among a page's synonyms; GHR's page on it is another disease."""
    assert matched(other("juvenile Paget disease", "JPD")) == {}


def test_two_shared_names_through_a_synonym_are():
    assert matched(other("complete LCAT deficiency", "LCAT deficiency", "Norum disease")) == {
        "2": ["complete LCAT deficiency"]
    }


@pytest.mark.parametrize(
    ("sibling", "expected"),
    [
        # NINDS lists no "BEB"; its title's initials are the abbreviation GARD's page lists
        (other("Benign Essential Blepharospasm"), {"7": ["Benign Essential Blepharospasm"]}),
        # initials are a shared name only: "Hodgkin disease" names no HD (Huntington disease)
        (other("Hodgkin disease", "Hodgkin's lymphoma"), {"10": ["Hodgkin disease"]}),
        # nor are they a name by themselves: one shared name and initials GARD doesn't list
        (other("juvenile Paget disease"), {}),
    ],
)
def test_a_titles_initials_count_as_a_second_shared_name(sibling, expected):
    assert matched(sibling) == expected


def test_a_name_two_gard_pages_share_counts_for_neither():
    """ "Usher syndrome" is a synonym of two GARD pages: it is no second shared name of either."""
    assert matched(other("Usher syndrome", "USH1")) == {}


def test_a_page_titled_as_one_gard_page_is_never_anothers():
    """Its synonyms name page 2 twice over, but its title is page 1's."""
    assert matched(other("Paget disease of bone", "Norum disease", "LCAT deficiency")) == {
        "1": ["Paget disease of bone"]
    }


def test_a_page_that_also_names_another_gard_page_is_no_sibling():
    """GHR's "galactosemia" lists every type; GARD has pages on two of them."""
    galactosemia = other(
        "galactosemia", "galactose epimerase deficiency", "GALE deficiency", "GALK deficiency"
    )
    assert matched(galactosemia) == {}


def test_a_section_that_only_lists_other_sites_is_left_out():
    listing = Section(
        "2", "treatment", "", "These resources address the diagnosis or management of X: - Gene Review"
    )
    kept = quotable_page(replace(other("X"), sections=(*other("X").sections, listing)))
    assert [s.qtype for s in kept.sections] == ["information"]
    assert kept.doc_id == "3_GHR_QA/9"  # a GHR doc id may be a GARD one's number


# --- the engine, on a small corpus with a second collection ------------------------------------


@pytest.fixture(scope="module")
def sibling_searcher(tmp_path_factory) -> Searcher:
    root = write_sibling_corpus(tmp_path_factory.mktemp("siblings"))
    return Searcher(open_index(CorpusSelection(root), tmp_path_factory.mktemp("index"), progress=False))


def test_what_gards_page_lacks_is_quoted_from_the_same_diseases_page_named_and_cited(sibling_searcher):
    reply = Engine(sibling_searcher).reply("c", "What is the outlook for Tietze syndrome?")
    assert reply.message.startswith("GARD's page on Tietze syndrome doesn't say")
    assert reply.message.endswith("NINDS's page on it says:")
    assert [e.citation.url for e in reply.excerpts] == ["https://www.ninds.nih.gov/disorders/tietze"]
    assert reply.excerpts[0].parts == (
        "The prognosis for Tietze syndrome varies. Most people recover fully within a few months, "
        "while some have pain that comes back.",
    )
    assert reply.unsaid and reply.partial  # the caveat first, and a specialist offered
    assert "life expectancy of people with costochondral" not in reply.excerpts[0].text  # the decoy


def test_a_section_gards_page_lacks_is_quoted_from_the_same_diseases_page(sibling_searcher):
    reply = Engine(sibling_searcher).reply("c", "How is fibrodysplasia ossificans progressiva treated?")
    assert reply.message == messages.NO_SECTION_SIBLING.format(
        title="Fibrodysplasia ossificans progressiva", section="treatment", source="NINDS"
    )
    assert reply.excerpts[0].citation.url == "https://www.ninds.nih.gov/disorders/fop" and reply.partial


def test_the_setting_turns_sibling_pages_off(sibling_searcher):
    engine = Engine(sibling_searcher, settings=EngineSettings(sibling_pages=False))
    reply = engine.reply("c", "What is the outlook for Tietze syndrome?")
    assert "NINDS" not in reply.message and all("ninds" not in e.citation.url for e in reply.excerpts)
    assert reply.message.startswith("GARD's page on Tietze syndrome doesn't say")


def test_without_the_other_collection_there_are_no_siblings(tmp_path):
    root = write_corpus(tmp_path / "corpus")
    searcher = Searcher(open_index(CorpusSelection(root), tmp_path / "index", progress=False))
    assert searcher.sibling_pages("0006123") == []
    reply = Engine(searcher).reply("c", "What is the outlook for Tietze syndrome?")
    assert "NINDS" not in reply.message and reply.unsaid


def test_gards_own_sentences_naming_what_the_question_names_come_before_a_siblings_section(
    sibling_searcher,
):
    """The page has no treatment section, but names the flare-ups asked about: its sentence
    answers more of the question than another collection's treatment section in general.
    (Words this rare are rarer in a corpus of a dozen passages; the threshold is lowered.)"""
    engine = Engine(sibling_searcher)
    engine.answer_policy = AnswerPolicy(lead_idf=1.0)
    reply = engine.reply("c", "How are flare-ups of fibrodysplasia ossificans progressiva treated?")
    assert reply.message == messages.ABOUT_ASK.format(
        title="Fibrodysplasia ossificans progressiva", about="flare-ups"
    )
    assert "flare-ups" in reply.excerpts[0].text and "ninds" not in reply.excerpts[0].citation.url


def test_a_page_of_another_collection_is_called_that_collections_page(tmp_path_factory):
    """With every collection searched, a reply from NINDS's page says "NINDS's page on X", never
    "GARD's page on X" (Engine._named_for_its_source)."""
    root = write_sibling_corpus(tmp_path_factory.mktemp("both"))
    selection = CorpusSelection(root, ("2_GARD_QA", "6_NINDS_QA"))
    searcher = Searcher(open_index(selection, tmp_path_factory.mktemp("both-index"), progress=False))
    reply = Engine(searcher).reply("c", "Is costochondral junction syndrome contagious?")
    assert reply.disease == "Costochondral junction syndrome"
    assert "NINDS's page on Costochondral junction syndrome" in reply.message
    assert "GARD's page" not in reply.message
