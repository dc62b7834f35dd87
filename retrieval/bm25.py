"""BM25 scores exactly as rank_bm25.BM25Okapi defines them, computed from a sparse matrix.

rank_bm25 loops over every document for every query term. Here each passage's term weight
idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)) is computed once at build time, so a
query is the sum of a few matrix columns and top-k is an argpartition, not a full sort.
Terms with a negative idf get rank_bm25's floor: epsilon times the average idf.

The matrices are three numpy arrays each (Compressed), not scipy.sparse: scoring only ever reads
a column's slice of the arrays, and importing scipy.sparse cost every start a tenth of a second.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25


def index_type(largest: int) -> type[np.signedinteger]:
    """32-bit positions while they fit, as scipy chooses them: half the memory of 64-bit ones,
    and the same arrays on disk as indexes scipy wrote."""
    return np.int32 if largest < 2**31 else np.int64


@dataclass
class Compressed:
    """A sparse matrix as scipy keeps one: row-major (CSR) with `indices` holding columns, or
    column-major (CSC) with `indices` holding rows; `indptr` says where each row (or column)
    starts in `data` and `indices`."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    @property
    def nnz(self) -> int:
        return len(self.data)

    def checked(self) -> Compressed:
        """Itself, when its arrays make a valid CSR matrix of its shape (as read from disk);
        ValueError otherwise, as scipy would have raised."""
        rows, columns = self.shape
        indptr, indices = self.indptr, self.indices
        if len(indptr) != rows + 1 or len(indices) != self.nnz or (rows and indptr[-1] != self.nnz):
            raise ValueError("matrix arrays disagree with its shape")
        if indptr[0] != 0 or np.any(np.diff(indptr) < 0):
            raise ValueError("matrix row pointers are not ascending")
        if self.nnz and (indices.min() < 0 or indices.max() >= columns):
            raise ValueError("matrix column indices out of range")
        return self

    def resized(self, columns: int) -> Compressed:
        """The same CSR rows with room for new terms (columns) on the right."""
        return Compressed(self.data, self.indices, self.indptr, (self.shape[0], columns))

    def to_columns(self) -> Compressed:
        """The CSC form of a CSR matrix: per column, its rows in ascending order, as
        scipy's tocsc gives them (so scores add up in the same order)."""
        rows = np.repeat(np.arange(self.shape[0], dtype=index_type(self.shape[0])), np.diff(self.indptr))
        # numpy's stable sort of 16-bit keys is a radix sort, five times faster: GARD has 15k terms
        small = self.shape[1] <= 1 << 16
        order = np.argsort(self.indices.astype(np.uint16) if small else self.indices, kind="stable")
        per_column = np.bincount(self.indices, minlength=self.shape[1])
        indptr = np.concatenate(([0], np.cumsum(per_column))).astype(index_type(self.nnz))
        return Compressed(self.data[order], rows[order], indptr, self.shape)

    @staticmethod
    def stack(top: Compressed, bottom: Compressed) -> Compressed:
        """CSR rows of `bottom` below those of `top` (both as wide)."""
        return Compressed(
            np.concatenate((top.data, bottom.data)),
            np.concatenate((top.indices, bottom.indices)),
            np.concatenate((top.indptr, bottom.indptr[1:] + top.indptr[-1])),
            (top.shape[0] + bottom.shape[0], max(top.shape[1], bottom.shape[1])),
        )


def term_counts(documents: Iterable[Sequence[str]], vocab: dict[str, int]) -> tuple[Compressed, np.ndarray]:
    """Documents x terms count matrix and document lengths; new terms are added to vocab."""
    indptr, indices, counts, lengths = [0], [], [], []
    for tokens in documents:
        for term, count in Counter(tokens).items():
            index = vocab.get(term)
            if index is None:
                index = vocab[term] = len(vocab)
            indices.append(index)
            counts.append(count)
        indptr.append(len(indices))
        lengths.append(len(tokens))
    matrix = Compressed(
        np.asarray(counts, dtype=np.float64),
        np.asarray(indices, dtype=index_type(len(vocab))),
        np.asarray(indptr, dtype=index_type(len(indices))),
        (len(lengths), len(vocab)),
    )
    return matrix, np.asarray(lengths, dtype=np.float64)


def okapi_idf(doc_freq: np.ndarray, n_docs: int, epsilon: float) -> np.ndarray:
    """rank_bm25's idf: log((N - n + 0.5) / (n + 0.5)), negatives floored at epsilon * mean idf.

    Only terms that occur in some document count towards the mean, as in rank_bm25.
    """
    idf = np.log(n_docs - doc_freq + 0.5) - np.log(doc_freq + 0.5)
    present = doc_freq > 0
    if present.any():
        floor = epsilon * idf[present].mean()
        idf = np.where(present & (idf < 0), floor, idf)
    return np.where(present, idf, 0.0)


def weight_matrix(counts: Compressed, lengths: np.ndarray, params: BM25Params) -> Compressed:
    """Per passage and term, the score that term adds when it appears once in a query; CSR
    counts in, CSC weights out (a query reads columns)."""
    n_docs = counts.shape[0]
    if n_docs == 0:
        empty = np.empty(0, dtype=np.int32)
        return Compressed(np.empty(0), empty, np.zeros(counts.shape[1] + 1, dtype=np.int32), counts.shape)
    avgdl = lengths.sum() / n_docs
    doc_freq = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = okapi_idf(doc_freq, n_docs, params.epsilon)
    rows = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
    tf = counts.data
    norm = params.k1 * (1 - params.b + params.b * lengths[rows] / avgdl) if avgdl else params.k1
    data = idf[counts.indices] * (tf * (params.k1 + 1) / (tf + norm))
    return Compressed(data, counts.indices, counts.indptr, counts.shape).to_columns()


class BM25:
    """A BM25Okapi scorer over tokenized documents that can grow without re-tokenizing."""

    def __init__(
        self,
        counts: Compressed,
        lengths: np.ndarray,
        vocab: dict[str, int],
        params: BM25Params | None = None,
    ) -> None:
        self.params = params or BM25Params()
        self.counts = counts  # CSR: documents x terms
        self.lengths = lengths
        self.vocab = vocab
        self.weights = weight_matrix(self.counts, self.lengths, self.params)

    @classmethod
    def from_tokens(cls, documents: Iterable[Sequence[str]], params: BM25Params | None = None) -> BM25:
        vocab: dict[str, int] = {}
        counts, lengths = term_counts(documents, vocab)
        return cls(counts, lengths, vocab, params)

    @property
    def n_docs(self) -> int:
        return self.counts.shape[0]

    def add(self, documents: Iterable[Sequence[str]]) -> None:
        """Append documents; idf and length norms change for all, so weights are recomputed."""
        new_counts, new_lengths = term_counts(documents, self.vocab)
        self.counts = Compressed.stack(self.counts.resized(len(self.vocab)), new_counts)
        self.lengths = np.concatenate([self.lengths, new_lengths])
        self.weights = weight_matrix(self.counts, self.lengths, self.params)

    def get_scores(self, query: Sequence[str]) -> np.ndarray:
        """Score of every document; a query term counted twice adds twice, as in rank_bm25."""
        term_freq = Counter(t for t in query if t in self.vocab)
        if not term_freq or self.n_docs == 0:
            return np.zeros(self.n_docs)
        # Add each query term's column straight from the CSC arrays: no sparse objects per query.
        weights = self.weights
        scores = np.zeros(self.n_docs)
        for term, times in term_freq.items():
            column = self.vocab[term]
            start, end = weights.indptr[column], weights.indptr[column + 1]
            scores[weights.indices[start:end]] += times * weights.data[start:end]
        return scores

    def scores_of_rows(self, query: Sequence[str], rows: Sequence[int]) -> np.ndarray:
        """get_scores(query)[rows], reading only those rows of each query term's column: a
        page's passages are a few consecutive rows, found in the sorted column by bisection,
        instead of scoring the whole corpus to rank one page."""
        wanted = np.asarray(rows, dtype=np.int64)
        scores = np.zeros(len(wanted))
        term_freq = Counter(t for t in query if t in self.vocab)
        if not term_freq or not len(wanted):
            return scores
        order = np.argsort(wanted, kind="stable")
        ordered = wanted[order]
        low, high = int(ordered[0]), int(ordered[-1]) + 1
        weights = self.weights
        for term, times in term_freq.items():
            column = self.vocab[term]
            start, end = weights.indptr[column], weights.indptr[column + 1]
            indices = weights.indices[start:end]
            first, last = np.searchsorted(indices, [low, high])
            found, data = indices[first:last], weights.data[start + first : start + last]
            where = np.minimum(np.searchsorted(ordered, found), len(ordered) - 1)
            hit = ordered[where] == found
            np.add.at(scores, order[where[hit]], times * data[hit])
        return scores

    def top_k(self, query: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and scores of the k best documents with a positive score, best first."""
        scores = self.get_scores(query)
        return top_k(scores, k)


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k largest positive scores without sorting the whole array; ties by lower index.

    A question with a common word scores half the corpus; selecting among all of them costs more
    than the rest of the ranking (0.27 ms of 15,000 here). The k best are among the scores of at
    least half the best one whenever k of them are, which a comparison finds first."""
    candidates = np.flatnonzero(scores > 0)
    if k <= 0 or candidates.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0)
    if candidates.size > k:
        values = scores[candidates]
        best = values.max()
        for share in TOP_K_SHARES:
            kept = values >= best * share
            if np.count_nonzero(kept) >= k:
                candidates, values = candidates[kept], values[kept]
                break
        if candidates.size > k:
            kth = np.partition(values, candidates.size - k)[candidates.size - k]
            above = candidates[values > kth]
            tied = candidates[values == kth][: k - above.size]  # the lower indexes of a tie
            candidates = np.concatenate([above, tied])
    order = np.lexsort((candidates, -scores[candidates]))
    best = candidates[order]
    return best, scores[best]


TOP_K_SHARES = (0.5, 0.25)  # shares of the best score tried as a floor before selecting among all
