"""Side-by-side retrieval figures: gardbot's index vs rank_bm25.BM25Okapi vs bm25s.

For the GARD collection and for all MedQuAD collections: index build time, peak memory while
building, index load time (gardbot), and query latency p50/p95 and queries per second over a few
hundred realistic questions (the dev set plus section questions of random pages). Prints a table.
Usage: python benchmarks/retrieval.py [--corpus PATH] [--queries N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would hide the
# `retrieval` package; the project root must come first instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])

import bm25s  # noqa: E402
import numpy as np  # noqa: E402
from rank_bm25 import BM25Okapi  # noqa: E402

from answers.engine import Engine  # noqa: E402
from corpus.load import load_pages  # noqa: E402
from corpus.passages import make_passages  # noqa: E402
from retrieval.analyzer import analyze  # noqa: E402
from retrieval.build import CorpusSelection, open_index  # noqa: E402
from retrieval.index import PassageIndex, index_text  # noqa: E402
from retrieval.search import Searcher  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def timed(fn):
    tracemalloc.start()
    started = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return value, seconds, peak / 2**20


def latencies(fn, queries) -> tuple[float, float, float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        fn(query)
        times.append(time.perf_counter() - started)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    return statistics.median(times) * 1000, p95 * 1000, len(times) / sum(times)


def questions(passages, n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    dev = ROOT.parent / "shared" / "eval" / "gard-dev-questions.jsonl"
    rows = [json.loads(line)["question"] for line in dev.read_text().splitlines()] if dev.exists() else []
    rows += [rng.choice(passages).question or rng.choice(passages).title for _ in range(n)]
    return rows[:n]


def bench(corpus: Path, collections: list[str], n_queries: int) -> list[tuple]:
    pages, _ = load_pages(corpus, collections)
    passages = make_passages(pages)
    queries = questions(passages, n_queries)
    tokens = [analyze(q) for q in queries]
    rows = []

    index, build_s, build_mb = timed(lambda: PassageIndex.build(list(passages)))
    with tempfile.TemporaryDirectory() as folder:
        index.save(Path(folder) / "idx")
        started = time.perf_counter()  # no tracemalloc here: it slows loading several-fold
        PassageIndex.load(Path(folder) / "idx")
        load_s = time.perf_counter() - started
    p50, p95, qps = latencies(lambda t: index.bm25.top_k(t, 10), tokens)
    rows.append(("gardbot (sparse BM25Okapi)", len(passages), build_s, build_mb, load_s, p50, p95, qps))

    docs = [analyze(index_text(p)) for p in passages]
    oracle, build_s, build_mb = timed(lambda: BM25Okapi(docs))
    subset = tokens[: max(20, n_queries // 4)] if len(passages) > 20_000 else tokens
    p50, p95, qps = latencies(lambda t: np.argsort(-oracle.get_scores(t))[:10], subset)
    rows.append(("rank_bm25 BM25Okapi + sort", len(passages), build_s, build_mb, None, p50, p95, qps))

    def build_bm25s():
        retriever = bm25s.BM25()
        retriever.index(docs, show_progress=False)
        return retriever

    retriever, build_s, build_mb = timed(build_bm25s)
    p50, p95, qps = latencies(
        lambda t: retriever.retrieve([t], k=10, show_progress=False), [t for t in tokens if t]
    )
    rows.append(("bm25s", len(passages), build_s, build_mb, None, p50, p95, qps))

    # Answers come from the index as the bot opens it: built by `gardbot index build` (Punkt
    # trained on the corpus, sentence spans saved) and read lazily from disk.
    opened = open_index(CorpusSelection(corpus, tuple(collections)), ROOT / "data" / "index", progress=False)
    engine = Engine(Searcher(opened))
    engine.warm_up()  # as the bot does at start (bot.runtime.load_engine): not a user's wait
    p50, p95, qps = latencies(lambda q: engine.reply("bench", q), queries)
    rows.append(("gardbot answer end-to-end, first pass", len(passages), None, None, None, p50, p95, qps))
    # The same questions again, in another chat: a running bot has its texts decoded, sentences cut
    # and language model loaded, so this is what a question costs once the process has warmed up.
    p50, p95, qps = latencies(lambda q: engine.reply("bench-again", q), queries)
    rows.append(("gardbot answer end-to-end, warmed", len(passages), None, None, None, p50, p95, qps))
    return rows


def one_question_process(corpus: Path, collections: str, runs: int = 5) -> tuple[float, float]:
    """Median wall seconds and peak RSS (MB) of `gardbot search` answering one question, the
    index already built (the first run builds it when missing and is not counted)."""
    command = [sys.executable, "-m", "bot.cli", "search", "what causes marfan syndrome", "--json",
               "--corpus", str(corpus), "--collections", collections]  # fmt: skip
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
    seconds, peaks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds.append(time.perf_counter() - started)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(seconds), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "data" / "medquad"))
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    print("| corpus | system | passages | build s | build peak MB | load s | p50 ms | p95 ms | queries/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    processes = []
    for label, collections in (("GARD", ["2_GARD_QA"]), ("all MedQuAD", ["all"])):
        processes.append((label, *one_question_process(corpus, ",".join(collections))))
        for name, n, build_s, mb, load_s, p50, p95, qps in bench(corpus, collections, args.queries):

            def fmt(x, spec):
                return "—" if x is None else format(x, spec)

            print(
                f"| {label} | {name} | {n} | {fmt(build_s, '.2f')} | {fmt(mb, '.0f')} | {fmt(load_s, '.2f')} "
                f"| {p50:.3f} | {p95:.3f} | {qps:.0f} |",
                flush=True,
            )
    print("\n| corpus | one-question process: wall s (median of 5) | peak RSS MB |\n|---|---|---|")
    for label, seconds, rss in processes:
        print(f"| {label} | {seconds:.2f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
