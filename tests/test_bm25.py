"""BM25 scores equal rank_bm25's BM25Okapi, and the index survives disk round trips."""

import json
import random

import numpy as np
import pytest
from conftest import SHARED_MEDQUAD
from rank_bm25 import BM25Okapi

from corpus.load import load_pages
from corpus.passages import make_passages
from retrieval.analyzer import analyze
from retrieval.bm25 import BM25, top_k
from retrieval.build import CorpusSelection, index_folder, open_index
from retrieval.index import IndexCorruptError, LazyPassages, PassageIndex, index_text
from retrieval.names import NAMES_FORMAT


def oracle_corpus(small_corpus) -> list[list[str]]:
    """A few hundred real passages when ../shared is present, else generated ones."""
    if (SHARED_MEDQUAD / "2_GARD_QA").is_dir():
        pages, _ = load_pages(SHARED_MEDQUAD)
        passages = make_passages(pages[:120])
        return [analyze(index_text(p)) for p in passages][:400]
    rng = random.Random(7)
    words = [f"w{i}" for i in range(300)]
    return [[rng.choice(words[: rng.randint(5, 300)]) for _ in range(rng.randint(0, 80))] for _ in range(300)]


@pytest.mark.gard  # reads 120 GARD pages where ../shared has them (generated text otherwise)
def test_scores_equal_rank_bm25(small_corpus):
    docs = oracle_corpus(small_corpus)
    oracle = BM25Okapi(docs)
    ours = BM25.from_tokens(docs)
    rng = random.Random(1)
    vocabulary = sorted({t for d in docs for t in d})
    queries = [rng.sample(vocabulary, rng.randint(1, 6)) for _ in range(200)]
    queries += [d[:8] for d in docs[:50] if d] + [["not-a-term"], [], ["x", "x"] + docs[0][:2] * 2]
    for query in queries:
        expected = oracle.get_scores(query)
        np.testing.assert_allclose(ours.get_scores(query), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.gard  # the same passages as the rank_bm25 oracle test
def test_scores_of_some_rows_equal_those_rows_of_all_scores(small_corpus):
    """A page's passages are scored alone (BM25.scores_of_rows): a run of rows, rows in any
    order, rows far apart, none, and a term counted twice."""
    docs = oracle_corpus(small_corpus)
    ours = BM25.from_tokens(docs)
    rng = random.Random(3)
    vocabulary = sorted({t for d in docs for t in d})
    n = len(docs)
    row_sets = [list(range(10, 19)), [n - 1, 0, 5], rng.sample(range(n), 40), [], [7]]
    for query in [rng.sample(vocabulary, 4) for _ in range(30)] + [[vocabulary[0]] * 2, ["not-a-term"]]:
        everything = ours.get_scores(query)
        for rows in row_sets:
            np.testing.assert_allclose(ours.scores_of_rows(query, rows), everything[rows], rtol=1e-12)


def test_top_k_matches_full_sort():
    scores = np.array([0.0, 3.0, 1.0, 3.0, 0.5, -1.0, 2.0])
    ids, values = top_k(scores, 3)
    assert ids.tolist() == [1, 3, 6] and values.tolist() == [3.0, 3.0, 2.0]
    assert top_k(scores, 0)[0].size == 0
    assert top_k(np.zeros(4), 2)[0].size == 0


@pytest.mark.parametrize("seed", range(4))
def test_top_k_equals_a_full_sort_with_ties_and_many_scores(seed):
    """The floor tried first (half the best score) and a tie at the k-th place keep the order
    of a full sort: best first, ties by lower index, only positive scores."""
    rng = np.random.default_rng(seed)
    for _ in range(300):
        n = int(rng.integers(1, 400))
        scores = np.zeros(n)
        hit = rng.choice(n, int(rng.integers(0, n + 1)), replace=False)
        scores[hit] = np.round(rng.exponential(2.0, hit.size), int(rng.integers(0, 3)))
        k = int(rng.integers(0, 15))
        expected = [i for i in sorted(range(n), key=lambda i: (-scores[i], i)) if scores[i] > 0][:k]
        assert top_k(scores, k)[0].tolist() == expected


def test_adding_documents_equals_building_with_them():
    docs = [["a", "b", "c"], ["a", "d"], ["e", "f", "a", "a"], ["b"]]
    grown = BM25.from_tokens(docs[:2])
    grown.add(docs[2:])
    np.testing.assert_allclose(
        grown.get_scores(["a", "f", "b"]), BM25Okapi(docs).get_scores(["a", "f", "b"]), rtol=1e-9
    )


def test_persistence_round_trip(small_index, tmp_path):
    small_index.save(tmp_path / "copy")
    loaded = PassageIndex.load(tmp_path / "copy")
    assert [p.to_dict() for p in loaded.passages] == [p.to_dict() for p in small_index.passages]
    assert isinstance(loaded.passages, LazyPassages)  # texts are decoded when first asked for
    assert loaded.passages[-1].text == small_index.passages[-1].text
    assert loaded.position == small_index.position
    question = "what causes inflammatory myofibroblastic tumor"
    np.testing.assert_allclose(loaded.scores(question), small_index.scores(question), rtol=1e-12)
    assert loaded.meta["fingerprint"] == small_index.meta["fingerprint"]


@pytest.mark.parametrize(
    "damage", ["truncate_matrix", "bad_json", "missing_vocab", "pickle", "truncate_texts", "missing_texts"]
)
def test_corrupt_index_gives_clear_error(small_index, tmp_path, damage):
    folder = tmp_path / "idx"
    small_index.save(folder)
    if damage == "truncate_matrix":
        data = (folder / "matrix.npz").read_bytes()
        (folder / "matrix.npz").write_bytes(data[: len(data) // 2])
    elif damage == "bad_json":
        (folder / "passages.json").write_text("[{", encoding="utf-8")
    elif damage == "missing_vocab":
        (folder / "vocab.json").unlink()
    elif damage == "truncate_texts":  # texts are read lazily, but their size is checked at load
        data = (folder / "texts.bin").read_bytes()
        (folder / "texts.bin").write_bytes(data[:-10])
    elif damage == "missing_texts":
        (folder / "texts.npy").unlink()
    else:  # an object array would need unpickling, which load refuses
        np.savez(folder / "matrix.npz", data=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(IndexCorruptError, match="gardbot index build"):
        PassageIndex.load(folder)


def test_missing_or_stale_index_is_rebuilt(small_corpus, tmp_path):
    selection = CorpusSelection(small_corpus)
    first = open_index(selection, tmp_path, progress=False)
    folder = index_folder(tmp_path, selection)
    assert (folder / "meta.json").exists()
    meta = json.loads((folder / "meta.json").read_text())
    meta["fingerprint"] = "old"
    (folder / "meta.json").write_text(json.dumps(meta))
    second = open_index(selection, tmp_path, progress=False)
    assert second.meta["fingerprint"] == first.meta["fingerprint"] != "old"
    other = index_folder(tmp_path, CorpusSelection(small_corpus, ("all",)))
    assert other != folder  # one index per collection list


def test_an_index_with_a_name_table_of_another_format_is_rebuilt(small_corpus, tmp_path):
    """A saved name table NameIndex can't read would be remade from every passage at each start:
    the index is rebuilt once instead."""
    selection = CorpusSelection(small_corpus)
    open_index(selection, tmp_path, progress=False)
    folder = index_folder(tmp_path, selection)
    meta = json.loads((folder / "meta.json").read_text())
    meta["names"] = meta["names"] - 1
    (folder / "meta.json").write_text(json.dumps(meta))
    names = json.loads((folder / "names.json").read_text())
    names["format"] -= 1
    (folder / "names.json").write_text(json.dumps(names))
    opened = open_index(selection, tmp_path, progress=False)
    assert opened.meta["names"] == NAMES_FORMAT
    assert json.loads((folder / "names.json").read_text())["format"] == NAMES_FORMAT
