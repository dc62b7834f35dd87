"""Loading pages in all MedQuAD layouts and plain GARD text, and cutting them into passages."""

import logging

import pytest
from corpus_fixture import PAGES, write_corpus

from corpus.gard_pages import iter_page_dir, parse_gard_text
from corpus.load import load_pages
from corpus.medquad import CorpusError, resolve_collections
from corpus.models import LoadReport
from corpus.passages import ChunkSettings, make_passages, window_spans

LOWER_CASE_DOC = """<?xml version="1.0" encoding="UTF-8"?>
<doc docid="0000007" corpus="NINDS" url="http://www.ninds.nih.gov/disorders/holmes_adie/holmes_adie.htm">
<doctitle-focus>Holmes-Adie</doctitle-focus><qaPairs><pair pid="1">
<question qid="0000007-1" qtype="information">what is holmes-adie syndrome ?</question>
<answer>Holmes-Adie syndrome (HAS) is a neurological disorder affecting the pupil of the eye.</answer>
</pair></qaPairs></doc>"""

DISEASE_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<DiseaseFile fid="0000397" source="CDC" url="http://www.cdc.gov/parasites/taeniasis/">
<Focus>Parasites - Taeniasis</Focus><QAPairs><QAPair pid="2">
<Question qid="0000397-2" qtype="susceptibility">Who is at risk for Parasites - Taeniasis? ?</Question>
<Answer>Eating raw or undercooked beef or pork is the primary risk factor.

Persons who don&apos;t eat raw beef are not likely to get taeniasis.</Answer></QAPair></QAPairs></DiseaseFile>"""


def test_loads_fixture_pages_and_counts_empty_answers(small_corpus):
    pages, report = load_pages(small_corpus)
    assert len(pages) == len(PAGES)
    fop = next(p for p in pages if p.doc_id == "0000999")
    assert [s.qtype for s in fop.sections] == ["symptoms", "inheritance"]
    assert report.empty_answers == 1
    imt = next(p for p in pages if p.doc_id == "0003208")
    assert imt.synonyms == ("Inflammatory pseudotumor", "Inflammatory fibrosarcoma")
    assert imt.url.startswith("https://rarediseases.info.nih.gov/")


def test_other_layouts_and_bad_files(tmp_path, caplog):
    folder = tmp_path / "6_NINDS_QA"
    folder.mkdir()
    (folder / "0000007.xml").write_text(LOWER_CASE_DOC, encoding="utf-8")
    (folder / "0000397.xml").write_text(DISEASE_FILE, encoding="utf-8")
    (folder / "broken.xml").write_text("<Document id='1'><Focus>x</Focus>", encoding="utf-8")
    (folder / "latin1.xml").write_bytes(
        '<?xml version="1.0" encoding="UTF-8"?><Document id="9"><Focus>Caf\xe9</Focus></Document>'.encode(
            "latin-1"
        )
    )
    (folder / "nofocus.xml").write_text('<Document id="5"><Focus></Focus></Document>', encoding="utf-8")
    (folder / "other.xml").write_text("<html><body>not a page</body></html>", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        pages, report = load_pages(tmp_path, ["6_NINDS_QA"])
    assert {p.doc_id for p in pages} == {"0000007", "0000397"}
    holmes = next(p for p in pages if p.doc_id == "0000007")
    assert holmes.title == "Holmes-Adie" and holmes.source == "NINDS"
    assert holmes.sections[0].qid == "0000007-1"
    taeniasis = next(p for p in pages if p.doc_id == "0000397")
    assert taeniasis.sections[0].qid == "0000397-2"  # qid kept, not the section's position
    assert "don't eat" in taeniasis.sections[0].answer
    assert len(report.skipped) == 4
    for name in ("broken.xml", "latin1.xml", "nofocus.xml", "other.xml"):
        assert any(name in record.getMessage() for record in caplog.records)


def test_missing_corpus_and_collections_give_clear_errors(tmp_path):
    with pytest.raises(CorpusError, match="make setup"):
        load_pages(tmp_path / "nowhere")
    write_corpus(tmp_path)
    with pytest.raises(CorpusError, match="9_CDC_QA"):
        resolve_collections(tmp_path, ["9_CDC_QA"])
    assert resolve_collections(tmp_path, ["all"]) == ["2_GARD_QA"]


def test_passage_ids_are_stable_and_unique(small_corpus):
    first = make_passages(load_pages(small_corpus)[0])
    second = make_passages(load_pages(small_corpus)[0])
    assert [p.passage_id for p in first] == [p.passage_id for p in second]
    assert len({p.passage_id for p in first}) == len(first)
    assert first[0].passage_id == "GARD-0000999-1-0"  # file-name order


def test_long_answers_are_windowed_on_sentence_boundaries():
    sentences = [f"Sentence number {i} has exactly eight words here." for i in range(60)]
    text = " ".join(sentences)
    spans = window_spans(text, ChunkSettings(window_words=120, max_words=150, overlap_sentences=1))
    assert len(spans) > 3
    for start, end in spans:
        piece = text[start:end]
        assert piece.startswith("Sentence") and piece.endswith(".")
        assert len(piece.split()) <= 150
    covered = " ".join(text[a:b] for a, b in spans)
    assert all(s in covered for s in sentences)
    # neighbouring windows share one sentence
    assert text[spans[1][0] : spans[1][0] + 20] in text[spans[0][0] : spans[0][1]]


GARD_TEXT = """Your browser does not support javascript:   Search for gard here

Genetic and Rare Diseases Information Center (GARD)

Print friendly version

Inflammatory myofibroblastic tumor

Other Names for this Disease
  • Inflammatory fibrosarcoma
  • Inflammatory pseudotumor
See Disclaimer regarding information on this site.


Inflammatory myofibroblastic tumor is made up of specific cells. Treatment typically involves surgery.
Last updated: 11/2/2010


  1. Coffin CM, Hornick JL. American Journal of Surgical Pathology. 2007.
Your Questions Answered
"""


def test_plain_gard_page_text(tmp_path):
    title, synonyms, body = parse_gard_text(GARD_TEXT, "x")
    assert title == "Inflammatory myofibroblastic tumor"
    assert synonyms == ["Inflammatory fibrosarcoma", "Inflammatory pseudotumor"]
    assert body.endswith("involves surgery.") and "Coffin" not in body and "Disclaimer" not in body
    (tmp_path / "imt.txt").write_text(GARD_TEXT, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("Print friendly version\n", encoding="utf-8")
    report = LoadReport()
    pages = list(iter_page_dir(tmp_path, report))
    assert [p.title for p in pages] == ["Inflammatory myofibroblastic tumor"]
    assert len(report.skipped) == 1


def test_page_dirs_borrow_urls_of_medquad_pages(small_corpus, tmp_path):
    (tmp_path / "imt.txt").write_text(GARD_TEXT, encoding="utf-8")
    pages, _ = load_pages(small_corpus, ["2_GARD_QA"], (tmp_path,))
    text_page = next(p for p in pages if p.doc_id == "page-imt")
    assert text_page.url == PAGES[0]["url"]


def test_boilerplate_is_what_a_good_share_of_pages_repeat() -> None:
    """Site notes recur on most pages and are boilerplate; a fact worded alike on a few pages
    ("Most cases of X are not inherited") still says something about each and is not."""
    from corpus.boilerplate import find_boilerplate, template_key
    from corpus.models import Passage

    def passage(i: int) -> Passage:
        title = f"Disease {chr(65 + i % 26)}{i}"
        text = f"You can use the MedlinePlus Medical Dictionary to look up terms for {title}."
        if i < 8:
            text += f" Most cases of {title} are not inherited."
        return Passage(
            f"p{i}", "GARD", "2_GARD_QA", f"d{i}", f"d{i}-1", "inheritance", title, "", (), "", text
        )

    found = find_boilerplate([passage(i) for i in range(200)])
    assert (
        template_key("You can use the MedlinePlus Medical Dictionary to look up terms for X.", ["X"]) in found
    )
    assert template_key("Most cases of X are not inherited.", ["X"]) not in found
