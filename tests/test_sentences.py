"""Sentence boundaries: Punkt trained on the corpus at index build, saved with the index, and
applied by corpus.sentences without NLTK, whose PunktSentenceTokenizer is the oracle."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import SHARED_MEDQUAD, needs_shared

from corpus import sentences
from corpus.load import load_pages
from corpus.sentences import PunktParameters, punkt_spans, sentence_spans, split_sentences
from retrieval.build import CorpusSelection, index_folder, open_index
from retrieval.index import SENTENCES_SIDECAR, IndexCorruptError, PassageIndex

ABBREVIATED = "Several associations e.g. with E. coli infection. Dr. Smith said so! It is 2.5 cm.\nNext."
KEPT_TOGETHER = [
    "Several associations e.g. with E. coli infection.",
    "Dr. Smith said so!",
    "It is 2.5 cm.",
    "Next.",
]
TRICKY = [  # what Punkt's regular expressions and realignment handle: each must agree with NLTK
    'He said "It is rare." Then he left. (See below.) Done!',
    "Very bad acting!!! I promise... or not?! [1] Yes.[2] No.",
    "Type B. If so, see Dr. J. Smith and Prof. K. L. Jones, et al. (1998) for more.",
    "Doses of 2.5 mg. Then 3 mg. e.g. daily -- or so. 'Quoted.' End.",
    "It is \u201crare.\u201d Another \u00abone.\u00bb And (a list: x, y, z.) ok.",
    "  Leading space. Trailing space.   ",
    "No end punctuation here",
    "",
    "...",
    "A. B. C. D.",
]


@pytest.fixture
def splitter():
    """Puts parameters to use for one test, then gives back the process's own."""
    before = sentences.active()
    yield sentences.use
    sentences.use(before)


def nltk_tokenizer(params: PunktParameters):
    from nltk.tokenize.punkt import PunktParameters as NltkParameters
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    theirs = NltkParameters()
    theirs.abbrev_types = set(params.abbrev_types)
    theirs.collocations = set(params.collocations)
    theirs.sent_starters = set(params.sent_starters)
    theirs.ortho_context.update(params.ortho_context)
    return PunktSentenceTokenizer(theirs)


@pytest.fixture(scope="module")
def gard_params(gard_index) -> PunktParameters:
    return PunktParameters.from_data(gard_index.sidecars[SENTENCES_SIDECAR])


def test_line_breaks_are_hard_boundaries_and_spans_hold_no_outer_whitespace(splitter):
    splitter(PunktParameters())
    text = "Features include:\n  Short stature\n\nHearing loss.  It is rare. \nAnd (often) mild"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Features include:",
        "Short stature",
        "Hearing loss.",
        "It is rare.",
        "And (often) mild",
    ]
    assert all(not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)


def test_what_punkt_learned_keeps_abbreviations_and_collocations_inside_sentences(splitter):
    splitter(PunktParameters())  # untrained: "e.g." ends a sentence like any word and period
    assert split_sentences(ABBREVIATED)[0] == "Several associations e.g."
    splitter(PunktParameters(abbrev_types=frozenset({"e.g", "dr"}), collocations=frozenset({("e", "coli")})))
    assert split_sentences(ABBREVIATED) == KEPT_TOGETHER


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("learned", ["untrained", "abbreviations"])
def test_punkt_spans_are_nltks_on_tricky_text(text, learned):
    params = PunktParameters()
    if learned == "abbreviations":
        params = PunktParameters(
            abbrev_types=frozenset({"e.g", "dr", "prof", "al", "mg"}),
            collocations=frozenset({("##number##", "then")}),
            sent_starters=frozenset({"then", "another"}),
            ortho_context={"then": 2 | 32, "if": 2 | 32, "ok": 32, "yes": 2, "one": 32},
        )
    assert list(punkt_spans(text, params)) == list(nltk_tokenizer(params).span_tokenize(text))


@needs_shared
def test_punkt_spans_are_nltks_on_every_line_of_every_gard_page(gard_params):
    pages, _ = load_pages(SHARED_MEDQUAD)
    tokenizer = nltk_tokenizer(gard_params)
    lines = [line for page in pages for section in page.sections for line in section.answer.split("\n")]
    differing = [
        line for line in lines if list(punkt_spans(line, gard_params)) != list(tokenizer.span_tokenize(line))
    ]
    assert len(lines) > 5000 and differing == []


@needs_shared
def test_the_gard_index_learned_its_abbreviations(gard_params, splitter):
    assert {"e.g", "i.e", "u.s", "dr"} <= gard_params.abbrev_types
    assert {("e", "coli"), ("h", "pylori")} <= gard_params.collocations
    assert [pair for pair in gard_params.collocations if pair[0] == "##number##"] == []
    splitter(gard_params)
    assert split_sentences(ABBREVIATED) == KEPT_TOGETHER
    assert split_sentences("It was first described in 1963. Since then, 12 cases. On day 3. it ended.") == [
        "It was first described in 1963.",
        "Since then, 12 cases.",
        "On day 3. it ended.",
    ]


@needs_shared
def test_remembering_token_types_trains_as_nltk_does():
    """corpus.sentences.train's token class only memoizes; NLTK's own learns the same."""
    from nltk.tokenize.punkt import PunktTrainer

    pages, _ = load_pages(SHARED_MEDQUAD)
    texts = [section.answer for page in pages[:400] for section in page.sections]
    ours = sentences.train(texts, batch=300)
    trainer = PunktTrainer()
    for start in range(0, len(texts), 300):
        trainer.train("\n\n" + "\n\n".join(texts[start : start + 300]), finalize=False)
    theirs = trainer.get_params()
    assert ours.abbrev_types == theirs.abbrev_types
    assert ours.collocations == {pair for pair in theirs.collocations if pair[0] != "##number##"}
    assert ours.sent_starters == theirs.sent_starters
    assert ours.ortho_context == {typ: flags for typ, flags in theirs.ortho_context.items() if flags}
    assert ours.abbrev_types and ours.sent_starters


def test_the_index_saves_its_splitter_and_opening_it_puts_it_to_use(small_corpus, tmp_path, splitter):
    selection = CorpusSelection(small_corpus)
    built = open_index(selection, tmp_path, progress=False)
    folder = index_folder(tmp_path, selection)
    saved = json.loads((folder / "sentences.json").read_text(encoding="utf-8"))
    assert saved == built.sidecars[SENTENCES_SIDECAR] and saved["ortho_context"]
    assert built.meta["sentences"] == sentences.SPLITTER
    splitter(PunktParameters(abbrev_types=frozenset({"stale"})))
    PassageIndex.load(folder)
    assert sentences.active() == PunktParameters.from_data(saved)


def test_a_damaged_sentences_json_is_a_damaged_index(small_corpus, tmp_path, splitter):
    selection = CorpusSelection(small_corpus)
    open_index(selection, tmp_path, progress=False)
    folder = index_folder(tmp_path, selection)
    (folder / "sentences.json").write_text('["not", "parameters"]', encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="sentences.json"):
        PassageIndex.load(folder)


def test_a_passage_read_from_the_index_has_the_spans_its_build_cut(small_corpus, tmp_path, splitter):
    """spans.npy holds each passage's sentences as cut at build; a passage read from the index
    brings them, so quoting it runs no Punkt (corpus.sentences.remember)."""
    selection = CorpusSelection(small_corpus)
    open_index(selection, tmp_path, progress=False)
    loaded = PassageIndex.load(index_folder(tmp_path, selection))
    passages = [loaded.passages[i] for i in range(len(loaded.passages))]
    assert all(p.text in sentences._known for p in passages if p.text)
    served = [sentences.sentence_spans(p.text) for p in passages]
    sentences._known.clear()
    assert served == [sentences.sentence_spans(p.text) for p in passages]  # what Punkt cuts
    assert sum(len(spans) for spans in served) > len(passages)


def test_spans_that_disagree_with_the_passages_are_a_damaged_index(small_corpus, tmp_path, splitter):
    selection = CorpusSelection(small_corpus)
    open_index(selection, tmp_path, progress=False)
    folder = index_folder(tmp_path, selection)
    np.save(folder / "spans_at.npy", np.asarray([0, 1], dtype=np.int64), allow_pickle=False)
    with pytest.raises(IndexCorruptError, match="spans"):
        PassageIndex.load(folder)


ONE_QUESTION = """
import json, sys
from pathlib import Path
from answers.engine import Engine
from corpus.sentences import sentence_spans
from retrieval.build import CorpusSelection, open_index
from retrieval.search import Searcher
index = open_index(CorpusSelection(Path(sys.argv[1])), Path(sys.argv[2]), progress=False)
reply = Engine(Searcher(index)).reply("one", "What causes inflammatory myofibroblastic tumor?")
unseen = sentence_spans("A staff answer published today. It was never indexed.")
print(json.dumps({"answered": reply.answered, "unseen": unseen, "modules": sorted(sys.modules)}))
"""


@pytest.mark.e2e  # a subprocess
def test_a_process_that_opens_the_index_and_answers_never_imports_nltk(small_corpus, tmp_path, splitter):
    """Building imports NLTK to train Punkt; a chat process reads what it learned instead."""
    open_index(CorpusSelection(small_corpus), tmp_path, progress=False)
    done = subprocess.run(
        [sys.executable, "-c", ONE_QUESTION, str(small_corpus), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["answered"] and report["unseen"] == [[0, 31], [32, 53]]
    assert [m for m in report["modules"] if m == "nltk" or m.startswith("nltk.")] == []
