"""Pages of a page folder replace the MedQuAD pages at the same GARD address: one disease, one page."""

from __future__ import annotations

import logging

import pytest
from corpus_fixture import PAGES, write_corpus

from answers.engine import Engine
from corpus.gard_pages import page_url
from corpus.load import load_pages, normalize_url
from corpus.published import PublishedQA
from retrieval.build import CorpusSelection, open_index
from retrieval.search import Searcher

IMT_URL = PAGES[0]["url"]  # https://rarediseases.info.nih.gov/gard/7146/inflammatory-myofibroblastic-tumor
TIETZE_URL = PAGES[1]["url"]


def plain_page(title: str, summary: str, address_line: str = "") -> str:
    """A page as saved from the old GARD site, optionally with its address on a line of its own."""
    return (
        "Your browser does not support javascript:   Search for gard here\n\n"
        "Genetic and Rare Diseases Information Center (GARD)\n\n"
        f"{address_line}\n\nPrint friendly version\n\n{title}\n\n"
        "Other Names for this Disease\n  • Inflammatory pseudotumor\n"
        "See Disclaimer regarding information on this site.\n\n\n"
        f"{summary}\nLast updated: 11/2/2010\n\n  1. Coffin CM. 2007.\nYour Questions Answered\n"
    )


IMT_SUMMARY = (
    "Inflammatory myofibroblastic tumor is made up of myofibroblastic spindle cells. Surgery removes it."
)


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "medquad")


def load_with(corpus, folder, text: str):
    folder.mkdir(exist_ok=True)
    (folder / "imt.txt").write_text(text, encoding="utf-8")
    return load_pages(corpus, ["2_GARD_QA"], (folder,))


@pytest.mark.parametrize(
    ("address_line", "replaced"),
    [
        (IMT_URL, True),  # the same address
        ("URL: " + IMT_URL, True),  # labelled
        (IMT_URL.replace("https://", "http://"), True),  # scheme
        (IMT_URL + "/", True),  # trailing slash
        (IMT_URL.replace("rarediseases.info.nih.gov", "RareDiseases.Info.NIH.gov"), True),  # host case
        ("", True),  # no address: it borrows the MedQuAD address of its name, so it is that page
        (IMT_URL.replace("7146", "9999"), False),  # another GARD page
        (IMT_URL.replace("inflammatory", "Inflammatory"), False),  # paths may differ by case
    ],
)
def test_a_page_at_a_medquad_address_replaces_that_page(corpus, tmp_path, address_line, replaced):
    pages, report = load_with(
        corpus, tmp_path / "pages", plain_page(PAGES[0]["focus"], IMT_SUMMARY, address_line)
    )
    doc_ids = [p.doc_id for p in pages]
    assert "page-imt" in doc_ids
    assert ("0003208" not in doc_ids) is replaced
    assert report.replaced == ({"0003208": "page-imt"} if replaced else {})
    assert len(pages) == len(PAGES) + (0 if replaced else 1)


def test_a_page_keeps_its_own_address(corpus, tmp_path):
    """A page whose address differs from its namesake's is cited by its own address."""
    other = IMT_URL.replace("7146", "9999")
    pages, _ = load_with(corpus, tmp_path / "pages", plain_page(PAGES[0]["focus"], IMT_SUMMARY, other))
    assert next(p for p in pages if p.doc_id == "page-imt").url == other


def test_a_new_disease_replaces_nothing(corpus, tmp_path):
    text = plain_page("Hallbrook syndrome", "Hallbrook syndrome is a made-up condition of the test corpus.")
    pages, report = load_with(corpus, tmp_path / "pages", text)
    assert report.replaced == {} and len(pages) == len(PAGES) + 1
    assert next(p for p in pages if p.doc_id == "page-imt").url == ""


def test_replacements_are_logged(corpus, tmp_path, caplog):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "tietze.txt").write_text(
        plain_page("Tietze syndrome", "Tietze syndrome causes chest pain.", TIETZE_URL), encoding="utf-8"
    )
    with caplog.at_level(logging.INFO, logger="corpus.load"):
        _, report = load_with(corpus, folder, plain_page(PAGES[0]["focus"], IMT_SUMMARY, IMT_URL))
    assert report.replaced == {"0003208": "page-imt", "0006123": "page-tietze"}
    assert any("2 MedQuAD page(s) replaced" in r.getMessage() for r in caplog.records)


def test_the_replaced_disease_is_one_page_in_search(corpus, tmp_path):
    folder = tmp_path / "pages"
    load_with(corpus, folder, plain_page(PAGES[0]["focus"], IMT_SUMMARY, IMT_URL))
    index = open_index(CorpusSelection(corpus, page_dirs=(folder,)), tmp_path / "index", progress=False)
    result = Searcher(index).search("what is inflammatory myofibroblastic tumor")
    assert not result.abstain and result.disease.doc_id == "page-imt"
    assert {r.passage.url for r in result.results if "myofibroblastic" in r.passage.title.lower()} == {
        IMT_URL
    }
    assert {r.passage.doc_id for r in result.results} & {"0003208"} == set()


def test_answers_published_under_a_replaced_page_move_to_its_replacement(corpus, tmp_path):
    """Staff filed them under the MedQuAD page; its replacement is the same page now."""
    folder = tmp_path / "pages"
    load_with(corpus, folder, plain_page(PAGES[0]["focus"], IMT_SUMMARY, IMT_URL))
    index = open_index(CorpusSelection(corpus, page_dirs=(folder,)), tmp_path / "index", progress=False)
    assert index.meta["replaced_pages"] == {"0003208": "page-imt"}
    engine = Engine(Searcher(index))
    qa = PublishedQA(1, "Can IMT come back after surgery?", "It can recur.", "specialist", 0.0, "0003208")
    (passage,) = engine.load_published([qa])
    assert passage.doc_id == "page-imt" and passage.url == IMT_URL


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("https://rarediseases.info.nih.gov/gard/7146/imt", "rarediseases.info.nih.gov/gard/7146/imt"),
        ("http://RAREDISEASES.info.nih.gov/gard/7146/imt/", "rarediseases.info.nih.gov/gard/7146/imt"),
        ("  https://rarediseases.info.nih.gov/gard/7146/IMT  ", "rarediseases.info.nih.gov/gard/7146/IMT"),
        ("https://rarediseases.info.nih.gov/gard?id=7", "rarediseases.info.nih.gov/gard?id=7"),
        ("", ""),
        ("not a url", ""),
    ],
)
def test_normalize_url(url, normal):
    assert normalize_url(url) == normal


@pytest.mark.parametrize(
    ("line", "found"),
    [
        (IMT_URL, IMT_URL),
        ("Source: " + IMT_URL, IMT_URL),
        (f"See {IMT_URL} for more.", ""),  # a link in a sentence is not the page's address
        ("https://www.nih.gov/about", ""),  # not a GARD disease page
    ],
)
def test_page_url(line, found):
    assert page_url(plain_page("X syndrome", "X syndrome is rare.", line)) == found
