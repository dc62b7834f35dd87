"""Benchmark: how well questions find their page by name, on questions generated from the corpus.

Three sets, none of them from the dev questions:
- "name": a page's title in one of five question templates;
- "typo": the same with one long word of the title misspelt (a letter dropped or two swapped);
- "proper": the title's first word alone, where the pages only use it in names and English
  rarely uses it ("my son was diagnosed with ollier, what causes it?"), grouped by how many
  pages' names share that word;
- "medical term": the title's last word alone, where page text uses it too, English rarely
  does, and at most six pages' names have it ("... diagnosed with cystinosis ...").

    .venv/bin/python benchmarks/names.py [--corpus PATH] [--limit N] [--out FILE.jsonl]

Prints counts: right page, a choice among the right pages, abstained, wrong. --out keeps every
question's outcome, to compare two versions of the code line by line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

from bot.config import load_config  # noqa: E402
from bot.runtime import load_engine  # noqa: E402
from retrieval.english import KEPT_FROM, english_count  # noqa: E402
from retrieval.linking_fit import TEMPLATES as LINKING_TEMPLATES  # noqa: E402
from retrieval.linking_fit import misspelt  # noqa: E402
from retrieval.policy import ReadingPolicy  # noqa: E402
from retrieval.question_words import name_words  # noqa: E402
from retrieval.search import Searcher  # noqa: E402

MAX_CHOICES = ReadingPolicy().max_choices

TEMPLATES = LINKING_TEMPLATES[:5]  # the first five of the linking evaluation's
PROPER_TEMPLATES = ["my son was diagnosed with {}, what causes it?", "What are the symptoms of {}?"]


def outcome(searcher: Searcher, question: str, pages: set[str]) -> str:
    result = searcher.search(question)
    if result.choices:
        return "choice" if {c.doc_id for c in result.choices} <= pages else "wrong"
    if result.abstain or not result.results:
        return "abstain"
    return "right" if result.results[0].passage.doc_id in pages else "wrong"


def questions(searcher: Searcher, limit: int, seed: int = 7) -> list[tuple[str, str, set[str]]]:
    """(set, question, the pages that would be a right answer)."""
    rng = random.Random(seed)
    titles: dict[str, str] = {}
    for passage in searcher.index.passages:
        titles.setdefault(passage.doc_id, passage.title)
    pages = sorted(titles.items())
    rng.shuffle(pages)
    out = []
    for k, (doc_id, title) in enumerate(pages[:limit]):
        template = TEMPLATES[k % len(TEMPLATES)]
        out.append(("name", template.format(title), {doc_id}))
        if typo := misspelt(title, rng):
            out.append(("typo", template.format(typo), {doc_id}))
    names, seen = searcher.names, set()
    for doc_id, title in sorted(titles.items()):
        words = name_words(title)
        first = words[0] if len(words) >= 2 else ""
        if len(first) < 4 or first in seen or names.word_counts[first] or english_count(first) >= KEPT_FROM:
            continue
        seen.add(first)
        sharing = names.pages_of.get(first, {doc_id})
        group = "proper, 1 page" if len(sharing) == 1 else "proper, 2-6 pages"
        if len(sharing) > MAX_CHOICES:
            group = "proper, more pages"
        out.extend((group, template.format(first), set(sharing)) for template in PROPER_TEMPLATES)
    seen.clear()
    for title in sorted(titles.values()):
        words = name_words(title)
        head = words[-1] if len(words) >= 2 else ""
        if len(head) < 6 or head in seen or not names.word_counts[head] or english_count(head) >= KEPT_FROM:
            continue
        sharing = names.pages_of.get(head, set())
        if 1 <= len(sharing) <= MAX_CHOICES:
            seen.add(head)
            out.extend(("medical term", template.format(head), set(sharing)) for template in PROPER_TEMPLATES)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", help="corpus folder (default from config.yaml)")
    parser.add_argument("--limit", type=int, default=1850, help="pages for the name and typo sets")
    parser.add_argument("--out", type=Path, help="write each question's outcome as JSON lines")
    args = parser.parse_args()
    overrides = {"corpus": {"path": args.corpus}} if args.corpus else None
    engine = load_engine(load_config(overrides=overrides), progress=True)
    counts: dict[str, Counter[str]] = {}
    lines = []
    for group, question, pages in tqdm(questions(engine.searcher, args.limit), desc="questions", unit="q"):
        got = outcome(engine.searcher, question, pages)
        counts.setdefault(group, Counter())[got] += 1
        lines.append(json.dumps({"set": group, "question": question, "pages": sorted(pages), "outcome": got}))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("| set | questions | right page | choice of right pages | abstained | wrong |")
    print("|---|---:|---:|---:|---:|---:|")
    for group, c in counts.items():
        print(
            f"| {group} | {sum(c.values())} | {c['right']} | {c['choice']} | {c['abstain']} | {c['wrong']} |"
        )


if __name__ == "__main__":
    main()
