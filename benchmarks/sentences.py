"""The sentence splitter on GARD: the old rule list against Punkt trained on the corpus.

    python benchmarks/sentences.py [--corpus data/medquad] [--sample 30] [--seed 7]

Prints: the cost of importing NLTK's Punkt (why chat processes don't), Punkt training time and
what it learned, the time to split every GARD section with NLTK and with corpus.sentences' own
Punkt, how many sentence boundaries and passages changed from the old splitter (35 hand-listed
abbreviations, removed from corpus/sentences.py with the change to Punkt; kept here to compare),
and a seeded sample of changed boundaries, each with the words around it, to check by hand.
Figures vary with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the project, not this folder

from corpus import passages as passages_module  # noqa: E402
from corpus import sentences  # noqa: E402
from corpus.load import load_pages  # noqa: E402
from corpus.passages import ChunkSettings, make_passages  # noqa: E402

OLD_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "prof", "st", "no", "fig", "approx",
    "al", "ca", "cf", "jr", "sr", "inc", "ltd", "co", "vol", "pp", "ed", "eds", "min", "max",
    "u.s", "mt", "dept", "univ", "sp", "spp", "var", "ref", "refs",
}  # fmt: skip
OLD_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
OLD_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)[.!?]+[\"')\]]*\s*$")

IMPORT_COST = """
import json, resource, sys, time
started = time.perf_counter()
import nltk.tokenize.punkt
print(json.dumps({"seconds": time.perf_counter() - started, "modules": len(sys.modules),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
BARE = "import json, resource, sys; print(json.dumps({'modules': len(sys.modules), 'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))"  # noqa: E501


def old_sentence_spans(text: str) -> list[tuple[int, int]]:
    """The rule-based splitter gardbot used before Punkt."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in OLD_BOUNDARY.finditer(text):
        if not match.group().startswith("\n"):
            word = OLD_LAST_WORD.search(text, start, match.end())
            token = word.group(1).lower().rstrip(".") if word else ""
            if token in OLD_ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        sentences._add_span(text, start, match.end(), spans)
        start = match.end()
    sentences._add_span(text, start, len(text), spans)
    return spans


def import_cost() -> None:
    bare = json.loads(subprocess.run([sys.executable, "-c", BARE], capture_output=True, text=True).stdout)
    runs = [
        json.loads(subprocess.run([sys.executable, "-c", IMPORT_COST], capture_output=True, text=True).stdout)
        for _ in range(3)
    ]
    seconds = sorted(r["seconds"] for r in runs)
    print(
        f"import nltk.tokenize.punkt: {seconds[1]:.2f} s (median of 3; {seconds[0]:.2f}-{seconds[2]:.2f}), "
        f"{runs[0]['modules'] - bare['modules']} modules, +{runs[0]['rss_mb'] - bare['rss_mb']:.0f} MB RSS"
    )


def starts(spans: list[tuple[int, int]]) -> set[int]:
    """Where a sentence break puts the next sentence's first character."""
    return {start for start, _ in spans[1:]}


def show(text: str, at: int, width: int = 60) -> str:
    before = text[max(0, at - width) : at].rsplit("\n", 1)[-1]
    return f"…{before}‖{text[at : at + width // 2]}…".replace("\n", " ")


def compare(answers: list[str], args: argparse.Namespace) -> None:
    old_total = new_total = 0
    changed: list[tuple[str, int, str]] = []
    for text in answers:
        old, new = starts(old_sentence_spans(text)), starts(sentences.sentence_spans(text))
        old_total, new_total = old_total + len(old), new_total + len(new)
        changed += [(text, at, "old only") for at in sorted(old - new)]
        changed += [(text, at, "Punkt only") for at in sorted(new - old)]
    old_only = sum(1 for *_, side in changed if side == "old only")
    print(f"sentence boundaries: old {old_total}, Punkt {new_total}; changed {len(changed)} "
          f"({old_only} only the old splitter breaks at, {len(changed) - old_only} only Punkt)")  # fmt: skip
    sample = random.Random(args.seed).sample(changed, min(args.sample, len(changed)))
    for number, (text, at, side) in enumerate(sorted(sample, key=lambda c: c[2]), 1):
        print(f"  {number:2}. [{side}] {show(text, at)}")


def passage_changes(pages: list, chunk: ChunkSettings) -> None:
    new = {p.passage_id: p.text for p in make_passages(pages, chunk)}
    passages_module.sentence_spans = old_sentence_spans  # cut them again the old way
    try:
        old = {p.passage_id: p.text for p in make_passages(pages, chunk)}
    finally:
        passages_module.sentence_spans = sentences.sentence_spans
    differ = sum(1 for pid, text in new.items() if old.get(pid) != text)
    sections = {pid.rsplit("-", 1)[0] for pid in new if old.get(pid) != new[pid]}
    print(f"passages: old {len(old)}, Punkt {len(new)}; {differ} Punkt passages differ from the old "
          f"one of the same id, in {len(sections)} sections")  # fmt: skip


def timings(answers: list[str]) -> sentences.PunktParameters:
    started = time.perf_counter()
    learned = sentences.train(answers)
    trained = time.perf_counter() - started
    print(f"Punkt training on {len(answers)} sections ({sum(map(len, answers)):,} chars): {trained:.1f} s "
          f"(NLTK imported before); learned {len(learned.abbrev_types)} abbreviations, "
          f"{len(learned.collocations)} collocations, {len(learned.sent_starters)} sentence starters, "
          f"{len(learned.ortho_context)} word contexts; "
          f"sentences.json {len(json.dumps(learned.to_data())):,} bytes")  # fmt: skip
    print("  abbreviations:", " ".join(sorted(learned.abbrev_types)))
    print("  collocations:", " ".join(f"{a}.+{b}" for a, b in sorted(learned.collocations)))
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    theirs = PunktParameters()
    theirs.abbrev_types, theirs.collocations = set(learned.abbrev_types), set(learned.collocations)
    theirs.sent_starters = set(learned.sent_starters)
    theirs.ortho_context.update(learned.ortho_context)
    for name, split in (
        ("NLTK span_tokenize", PunktSentenceTokenizer(theirs).span_tokenize),
        ("corpus.sentences.punkt_spans", lambda line: sentences.punkt_spans(line, learned)),
    ):
        started = time.perf_counter()
        for text in answers:
            for line in text.split("\n"):
                list(split(line))
        print(f"splitting every section: {name} {time.perf_counter() - started:.2f} s")
    return learned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("data/medquad"))
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    import_cost()
    pages, _ = load_pages(args.corpus)
    answers = [section.answer for page in pages for section in page.sections]
    import nltk.tokenize.punkt  # noqa: F401  (its import is counted above, not in training)

    sentences.use(timings(answers))
    passage_changes(pages, ChunkSettings())
    compare(answers, args)


if __name__ == "__main__":
    main()
