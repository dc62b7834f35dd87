"""Passages plus their BM25 scorer, saved to and loaded from disk without pickle.

On disk an index is a folder: `matrix.npz` (term counts and lengths, loaded with
allow_pickle=False), `vocab.json`, `passages.json` and `meta.json` (format version, corpus
fingerprint, analyzer and chunk settings). Files are written to a temporary folder and renamed into
place, so a crash never leaves half an index behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.models import Passage
from retrieval.analyzer import analyze
from retrieval.bm25 import BM25, BM25Params, Compressed
from retrieval.errors import IndexCorruptError

FORMAT_VERSION = 2  # 2: doc ids unique across collections, names.json beside the index
FILES = ("matrix.npz", "vocab.json", "passages.json", "meta.json")


def index_text(passage: Passage) -> str:
    """What BM25 sees of a passage: names and section question weigh in beside the answer text."""
    return " ".join((passage.title, " ".join(passage.synonyms), passage.question, passage.text))


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    rank: int


class PassageIndex:
    """Ranks passages for a question; every frontend reaches the corpus only through this."""

    def __init__(
        self, passages: list[Passage], bm25: BM25, meta: dict | None = None, sidecars: dict | None = None
    ) -> None:
        self.passages = passages
        self.bm25 = bm25
        self.meta = meta or {}
        self.position = {p.passage_id: i for i, p in enumerate(passages)}
        # JSON made from the passages once, at build time, saved beside them as NAME.json, so a
        # process can start without redoing it (the disease-name table: retrieval/names.py).
        self.sidecars: dict = sidecars or {}

    @classmethod
    def build(
        cls,
        passages: list[Passage],
        meta: dict | None = None,
        params: BM25Params | None = None,
        progress: Callable[[Iterable], Iterable] | None = None,
    ) -> PassageIndex:
        texts: Iterable[Passage] = progress(passages) if progress else passages
        bm25 = BM25.from_tokens((analyze(index_text(p)) for p in texts), params)
        return cls(passages, bm25, meta)

    def add_passages(self, passages: Sequence[Passage]) -> None:
        """Grow the live index (e.g. published staff answers) without re-reading the corpus."""
        fresh = [p for p in passages if p.passage_id not in self.position]
        if not fresh:
            return
        self.bm25.add(analyze(index_text(p)) for p in fresh)
        for passage in fresh:
            self.position[passage.passage_id] = len(self.passages)
            self.passages.append(passage)

    def term_weight(self, term: str) -> float:
        """How telling a term is: log(1 + N / document frequency); unseen terms weigh most."""
        n_docs = self.bm25.n_docs
        column = self.bm25.vocab.get(term)
        if column is None:
            return float(np.log(1 + n_docs))
        indptr = self.bm25.weights.indptr
        return float(np.log(1 + n_docs / max(1, indptr[column + 1] - indptr[column])))

    def scores(self, question: str) -> np.ndarray:
        return self.bm25.get_scores(analyze(question))

    def search(self, question: str, k: int = 10) -> list[Hit]:
        ids, scores = self.bm25.top_k(analyze(question), k)
        return [
            Hit(self.passages[i], float(s), rank)
            for rank, (i, s) in enumerate(zip(ids, scores, strict=True), 1)
        ]

    def save(self, folder: Path) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            counts = self.bm25.counts
            np.savez(
                tmp / "matrix.npz",
                data=counts.data,
                indices=counts.indices,
                indptr=counts.indptr,
                shape=np.asarray(counts.shape),
                lengths=self.bm25.lengths,
                params=np.asarray([self.bm25.params.k1, self.bm25.params.b, self.bm25.params.epsilon]),
            )
            vocab = sorted(self.bm25.vocab, key=self.bm25.vocab.__getitem__)
            (tmp / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
            (tmp / "passages.json").write_text(
                json.dumps([p.to_dict() for p in self.passages], ensure_ascii=False),
                encoding="utf-8",
            )
            for name, data in self.sidecars.items():
                (tmp / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            meta = {**self.meta, "format": FORMAT_VERSION, "passages": len(self.passages),
                    "sidecars": sorted(self.sidecars),
                    "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}  # fmt: skip
            (tmp / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
            old = folder.with_name(folder.name + ".old")
            if folder.exists():
                shutil.rmtree(old, ignore_errors=True)
                os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> PassageIndex:
        """Read a saved index; any damage is reported as IndexCorruptError naming the folder."""
        meta = read_meta(folder)
        try:
            with np.load(folder / "matrix.npz", allow_pickle=False) as arrays:
                shape = tuple(int(x) for x in arrays["shape"])
                counts = Compressed(arrays["data"], arrays["indices"], arrays["indptr"], shape).checked()
                lengths = arrays["lengths"]
                k1, b, epsilon = (float(x) for x in arrays["params"])
            vocab_list = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            passages = [
                Passage.from_dict(d)
                for d in json.loads((folder / "passages.json").read_text(encoding="utf-8"))
            ]
            if len(vocab_list) != shape[1] or not len(passages) == len(lengths) == shape[0]:
                raise ValueError("matrix, vocabulary and passages disagree in size")
            sidecars = {
                str(name): json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
                for name in meta.get("sidecars", [])
                if str(name).isidentifier()
            }
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            raise IndexCorruptError(
                f"index at {folder} is damaged ({exc}); run `gardbot index build` to rebuild it"
            ) from None
        vocab = {term: i for i, term in enumerate(vocab_list)}
        return cls(passages, BM25(counts, lengths, vocab, BM25Params(k1, b, epsilon)), meta, sidecars)


def read_meta(folder: Path) -> dict:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("meta.json is not an object")
        return meta
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(
            f"index at {folder} is damaged ({exc}); run `gardbot index build` to rebuild it"
        ) from None
