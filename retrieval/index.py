"""Passages plus their BM25 scorer, saved to and loaded from disk without pickle.

On disk an index is a folder: `matrix.npz` (term counts and lengths, loaded with
allow_pickle=False), `vocab.json`, `passages.json` (every field but the text), `texts.bin` (the
texts, UTF-8, one after another, their byte offsets in `texts.npy`) and `meta.json` (format
version, corpus fingerprint, analyzer and chunk settings). `sentences.json` holds what Punkt
learned of the corpus's sentences: opening an index puts it to use (corpus.sentences.use), so
a process cuts sentences as the index's passages were cut. `spans.npy` holds each passage's
sentences as cut at build (character offsets; `spans_at.npy` says where each passage's begin), so
a question never waits for Punkt on a passage it quotes. A process reads a passage's text only
when it quotes it: on all of MedQuAD that is most of the index's memory and load time.
Files are written to a temporary folder and renamed into
place, so a crash never leaves half an index behind.
"""

from __future__ import annotations

import json
import mmap
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus import sentences
from corpus.models import Passage
from retrieval.analyzer import analyze
from retrieval.bm25 import BM25, BM25Params, Compressed
from retrieval.errors import IndexCorruptError

FORMAT_VERSION = 5  # 2: unique doc ids, names.json; 3-4: texts.bin read lazily, page fields once; 5: spans
SENTENCES_SIDECAR = "sentences"  # corpus.sentences.PunktParameters, as sentences.json
FILES = (
    "matrix.npz",
    "vocab.json",
    "passages.json",
    "texts.bin",
    "texts.npy",
    "spans.npy",
    "spans_at.npy",
    "meta.json",
)


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
        self,
        passages: list[Passage] | LazyPassages,
        bm25: BM25,
        meta: dict | None = None,
        sidecars: dict | None = None,
    ) -> None:
        self.passages = passages
        self.bm25 = bm25
        self.meta = meta or {}
        ids = (
            passages.column("passage_id")
            if isinstance(passages, LazyPassages)
            else [p.passage_id for p in passages]
        )
        self.position = {passage_id: i for i, passage_id in enumerate(ids)}
        # JSON made from the passages once, at build time, saved beside them as NAME.json, so a
        # process can start without redoing it (the disease-name table: retrieval/names.py).
        self.sidecars: dict = sidecars or {}
        # Files saved beside the index that a process reads only when it needs them, not at
        # load (the sibling pages: retrieval/siblings.py); and the folder it was saved in or
        # loaded from, where they are.
        self.files: dict[str, bytes] = {}
        self.folder: Path | None = None

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
        return self.scores_of(analyze(question))

    def scores_of(self, terms: list[str] | tuple[str, ...]) -> np.ndarray:
        """BM25 scores of terms analyzed already (a Question's)."""
        return self.bm25.get_scores(list(terms))

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
            write_passages(tmp, self.passages)
            for name, data in self.sidecars.items():
                (tmp / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            for file_name, content in self.files.items():
                (tmp / file_name).write_bytes(content)
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
            self.folder = folder
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
            passages = LazyPassages.open(folder)
            if len(vocab_list) != shape[1] or not len(passages) == len(lengths) == shape[0]:
                raise ValueError("matrix, vocabulary and passages disagree in size")
            sidecars = {
                str(name): json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
                for name in meta.get("sidecars", [])
                if str(name).isidentifier()
            }
            if SENTENCES_SIDECAR in sidecars:
                sentences.use(sentences.PunktParameters.from_data(sidecars[SENTENCES_SIDECAR]))
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            raise IndexCorruptError(
                f"index at {folder} is damaged ({exc}); run `gardbot index build` to rebuild it"
            ) from None
        vocab = {term: i for i, term in enumerate(vocab_list)}
        index = cls(passages, BM25(counts, lengths, vocab, BM25Params(k1, b, epsilon)), meta, sidecars)
        index.folder = folder
        return index


PAGE_FIELDS = ("source", "collection", "doc_id", "title", "url", "synonyms")


def write_passages(folder: Path, passages: Sequence[Passage]) -> None:
    """passages.json without the texts, each page's own fields once ("pages", and a page number
    per passage); texts.bin with the texts, texts.npy with their byte offsets."""
    pages: dict[tuple, int] = {}
    rows, offsets, size = [], [0], 0
    with open(folder / "texts.bin", "wb") as texts:
        for passage in passages:
            data = passage.to_dict()
            encoded = data.pop("text").encode("utf-8")
            texts.write(encoded)
            size += len(encoded)
            offsets.append(size)
            page = tuple(json.dumps(data.pop(key)) for key in PAGE_FIELDS)
            data["page"] = pages.setdefault(page, len(pages))
            rows.append(data)
    np.save(folder / "texts.npy", np.asarray(offsets, dtype=np.int64), allow_pickle=False)
    write_spans(folder, passages)
    page_list = [dict(zip(PAGE_FIELDS, map(json.loads, page), strict=True)) for page in pages]
    (folder / "passages.json").write_text(
        json.dumps({"pages": page_list, "passages": rows}, ensure_ascii=False), encoding="utf-8"
    )


def write_spans(folder: Path, passages: Sequence[Passage]) -> None:
    """Each passage's sentence spans as the active splitter cuts them (see corpus.sentences)."""
    spans: list[tuple[int, int]] = []
    starts = [0]
    for passage in passages:
        spans.extend(sentences.sentence_spans(passage.text))
        starts.append(len(spans))
    np.save(folder / "spans.npy", np.asarray(spans, dtype=np.int32).reshape(-1, 2), allow_pickle=False)
    np.save(folder / "spans_at.npy", np.asarray(starts, dtype=np.int64), allow_pickle=False)


def with_pages(data: dict) -> list[dict]:
    """Passage fields with their page's merged in; the page's values are shared objects."""
    if not isinstance(data, dict) or not isinstance(data.get("pages"), list):
        raise ValueError("passages.json has no pages")
    pages = data["pages"]
    for page in pages:
        page["synonyms"] = tuple(page.get("synonyms") or ())
    return [{**pages[row.pop("page")], **row} for row in data["passages"]]


class LazyPassages(Sequence[Passage]):
    """The passages of a saved index, each made (with its text) when first asked for.

    Fields other than the text are read at once; a text is decoded from the memory-mapped
    texts.bin on first use and kept. Passages added later (published answers) are plain objects.
    """

    def __init__(
        self,
        metas: list[dict],
        texts: mmap.mmap | bytes,
        offsets: np.ndarray,
        spans: tuple[np.ndarray, np.ndarray],
    ) -> None:
        self._metas = metas
        self._texts = texts
        self._offsets = offsets
        self._spans, self._spans_at = spans
        self._made: dict[int, Passage] = {}
        self._added: list[Passage] = []

    @classmethod
    def open(cls, folder: Path) -> LazyPassages:
        metas = with_pages(json.loads((folder / "passages.json").read_text(encoding="utf-8")))
        offsets = np.load(folder / "texts.npy", allow_pickle=False)
        spans = np.load(folder / "spans.npy", allow_pickle=False)
        spans_at = np.load(folder / "spans_at.npy", allow_pickle=False)
        if len(spans_at) != len(metas) + 1 or int(spans_at[-1]) != len(spans) or spans.ndim != 2:
            raise ValueError("spans.npy and spans_at.npy disagree with the passages")
        with open(folder / "texts.bin", "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            texts = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        if not isinstance(metas, list) or len(offsets) != len(metas) + 1 or int(offsets[-1]) != size:
            raise ValueError("passages.json, texts.npy and texts.bin disagree")
        return cls(metas, texts, offsets, (spans, spans_at))

    def __len__(self) -> int:
        return len(self._metas) + len(self._added)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if i >= len(self._metas):
            return self._added[i - len(self._metas)]
        passage = self._made.get(i)
        if passage is None:
            start, end = int(self._offsets[i]), int(self._offsets[i + 1])
            passage = Passage.from_index(self._metas[i], self._texts[start:end].decode("utf-8"))
            sentences.remember(passage.text, self._spans[self._spans_at[i] : self._spans_at[i + 1]])
            self._made[i] = passage
        return passage

    def column(self, name: str, rows: range | None = None) -> list:
        """One field of the passages in `rows` (all by default), without making them."""
        default = Passage.__dataclass_fields__[name].default
        rows = range(len(self)) if rows is None else rows
        known = len(self._metas)
        return [
            self._metas[i].get(name, default) if i < known else getattr(self._added[i - known], name)
            for i in rows
        ]

    def append(self, passage: Passage) -> None:
        self._added.append(passage)


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
