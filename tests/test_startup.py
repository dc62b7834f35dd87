"""What a process that only searches loads: the same English word counts, and none of the
libraries that only building, chatting, Telegram or charts need. (Stems are checked against
NLTK's in tests/test_stems.py; timings are in benchmarks/startup.py, not here.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from retrieval import english
from retrieval.bm25 import Compressed


def test_english_counts_are_pyspellcheckers():
    from spellchecker import SpellChecker

    dictionary = SpellChecker(language="en", distance=1).word_frequency.dictionary
    expected = {w: c for w, c in dictionary.items() if c >= english.KEPT_FROM}
    assert english._counts() == expected
    assert english.english_count("hardly") > 10_000 and english.english_count("achard") == 0


SEARCH_ONLY = """
import json, sys
from bot.cli import main
code = main(["search", "--corpus", sys.argv[1], "--index-dir", sys.argv[2], "--json", "what causes IMT?"])
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}), file=sys.stderr)
"""
ONLY_ELSEWHERE = {  # what needs them: none is a search
    "nltk": "index builds (Punkt training); stems come from PyStemmer",
    "py3langid": "chat replies (other languages)",
    "telegram": "the Telegram frontend",
    "matplotlib": "report charts",
    "tqdm": "index builds",
    "ir_measures": "evaluation",
    "scipy": "nothing: BM25 keeps its sparse matrices as numpy arrays",
}


@pytest.mark.e2e  # a subprocess
def test_a_search_process_loads_only_what_searching_needs(small_corpus, tmp_path):
    index_root = tmp_path / "index"
    env = {**os.environ, "GARDBOT_DB": str(tmp_path / "none.sqlite3")}
    # the first run builds this index folder's copy; the second is the one a user starts
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", SEARCH_ONLY, str(small_corpus), str(index_root)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    result = json.loads(done.stdout)
    assert report["code"] == 0 and result["results"][0]["doc_id"] == "0003208"
    assert set(report["modules"]) & set(ONLY_ELSEWHERE) == set()


def test_chat_processes_load_the_language_identifier_at_start(small_corpus, tmp_path):
    from answers import language
    from bot.config import load_config
    from bot.runtime import load_engine

    config = load_config(
        None, overrides={"corpus": {"path": str(small_corpus)}, "index": {"dir": str(tmp_path)}}
    )
    language._identifier.cache_clear()
    load_engine(config, progress=False, chat=False)
    assert language._identifier.cache_info().currsize == 0
    engine = load_engine(config, progress=False)
    assert language._identifier.cache_info().currsize == 1
    assert engine.reply("es", "¿Qué es el síndrome de Tietze y cómo se trata?").message.startswith(
        "I can only read and answer in English"
    )


def dense(matrix: Compressed, by_rows: bool) -> np.ndarray:
    out = np.zeros(matrix.shape)
    for major in range(len(matrix.indptr) - 1):
        for at in range(matrix.indptr[major], matrix.indptr[major + 1]):
            out[(major, matrix.indices[at]) if by_rows else (matrix.indices[at], major)] = matrix.data[at]
    return out


@pytest.mark.parametrize("columns", [7, 70_000], ids=["radix-sorted-columns", "wider-than-16-bits"])
def test_columns_of_a_numpy_sparse_matrix(columns):
    """BM25's matrices are numpy arrays, not scipy.sparse: the column form holds the same
    entries, each column's rows ascending (the order scipy's tocsc gives)."""
    rng = np.random.default_rng(3)
    rows = [sorted(rng.choice(columns, size=rng.integers(0, 5), replace=False)) for _ in range(9)]
    indptr = np.cumsum([0, *map(len, rows)])
    indices = np.asarray([c for row in rows for c in row], dtype=np.int64)
    matrix = Compressed(rng.random(len(indices)), indices, indptr, (9, columns)).checked()
    by_columns = matrix.to_columns()
    assert np.array_equal(dense(by_columns, by_rows=False), dense(matrix, by_rows=True))
    for column in range(columns):
        assert np.all(
            np.diff(by_columns.indices[by_columns.indptr[column] : by_columns.indptr[column + 1]]) > 0
        )


@pytest.mark.parametrize(
    ("data", "indices", "indptr"),
    [
        ([1.0, 2.0], [0, 1], [0, 1]),  # fewer row pointers than rows
        ([1.0, 2.0], [0, 1], [0, 2, 1]),  # pointers going back
        ([1.0, 2.0], [0, 5], [0, 1, 2]),  # a column out of range
        ([1.0, 2.0], [0], [0, 1, 2]),  # data and indices of different lengths
    ],
    ids=["short-indptr", "descending-indptr", "column-out-of-range", "ragged"],
)
def test_damaged_matrix_arrays_are_refused(data, indices, indptr):
    with pytest.raises(ValueError):
        Compressed(np.asarray(data), np.asarray(indices), np.asarray(indptr), (2, 3)).checked()
