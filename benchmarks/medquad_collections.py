"""Ranking over every MedQuAD collection: gardbot's reading of the question against plain BM25 of
the whole message over the same passages.

With `--collections all` one disease has pages in several collections (GARD, GHR, NINDS, ...),
so a page counts as right when one of its names is one of the expected GARD page's names. Sets:
the dev set's answerable questions; its long messages (20 words or more); and messages that ask
about two diseases at once (two dev questions joined), where either disease's pages are right.
Prints MRR@10 over pages and the share with a right page first, for both rankings.

    .venv/bin/python benchmarks/medquad_collections.py [--corpus PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from bot.config import load_config  # noqa: E402
from bot.runtime import load_engine  # noqa: E402
from retrieval.analyzer import fold  # noqa: E402
from retrieval.search import Searcher  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "gard-dev-questions.jsonl"


def page_names(searcher: Searcher) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for passage in searcher.index.passages:
        if passage.doc_id not in names:
            names[passage.doc_id] = {fold(n).strip() for n in (passage.title, *passage.synonyms)}
    return names


def ranked_pages(doc_ids: list[str], k: int = 10) -> list[str]:
    return list(dict.fromkeys(doc_ids))[:k]


def reciprocal_rank(pages: list[str], right: set[str]) -> float:
    return next((1.0 / rank for rank, page in enumerate(pages, 1) if page in right), 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", help="corpus folder (default from config.yaml)")
    args = parser.parse_args()
    overrides = {"corpus": {"collections": ["all"], **({"path": args.corpus} if args.corpus else {})}}
    searcher = load_engine(load_config(overrides=overrides), progress=True).searcher
    names = page_names(searcher)
    gard_names = {d: n for d, n in names.items()}

    def right_pages(doc_id: str) -> set[str]:
        wanted = gard_names.get(doc_id, set())
        return {d for d, n in names.items() if n & wanted}

    rows = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    answerable = [r for r in rows if r.get("expect") == "answer"]
    rng = random.Random(3)
    pairs = [rng.sample(answerable, 2) for _ in range(120)]
    sets = {
        "dev, answerable": [(r["question"], right_pages(r["doc_id"])) for r in answerable],
        "dev, 20+ words": [
            (r["question"], right_pages(r["doc_id"])) for r in answerable if len(r["question"].split()) >= 20
        ],
        "two diseases in one message": [
            (f"{a['question']} Also, {b['question']}", right_pages(a["doc_id"]) | right_pages(b["doc_id"]))
            for a, b in pairs
        ],
    }
    print("| set | questions | gardbot MRR@10 | plain BM25 MRR@10 | gardbot right first | BM25 right first |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, questions in sets.items():
        ours = plain = ours_first = plain_first = 0.0
        for question, right in questions:
            result = searcher.search(question, k=30)
            mine = reciprocal_rank(ranked_pages([r.passage.doc_id for r in result.results]), right)
            bm25 = reciprocal_rank(
                ranked_pages([h.passage.doc_id for h in searcher.index.search(question, 30)]), right
            )
            ours, plain = ours + mine, plain + bm25
            ours_first, plain_first = ours_first + (mine == 1.0), plain_first + (bm25 == 1.0)
        n = max(1, len(questions))
        print(
            f"| {label} | {len(questions)} | {ours / n:.3f} | {plain / n:.3f} "
            f"| {ours_first / n:.3f} | {plain_first / n:.3f} |"
        )


if __name__ == "__main__":
    main()
