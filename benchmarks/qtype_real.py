"""Question types against real questions: our main_type next to the annotated type of each
sentence of the real GARD dev set (Roberts et al. 2014), for the types that map to a page section.

The mapping is the one the set's README gives (Cause→causes, Management→treatment,
Diagnosis→exams and tests, Manifestation→symptoms, Information→information,
Susceptibility→inheritance). Prints a confusion table (rows: annotated section, columns: ours)
with accuracy, over all mapped rows and over the named rows alone (the ones with a `section`).
The question type is read from the sentence alone, so it can be measured on unnamed rows too.

    .venv/bin/python benchmarks/qtype_real.py [--set PATH] [--errors SECTION]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from retrieval.qtype import main_type, question_types  # noqa: E402

REAL_DEV = ROOT.parent / "shared" / "eval" / "gard-real-dev.jsonl"
SECTION_OF = {
    "Cause": "causes",
    "Management": "treatment",
    "Diagnosis": "exams and tests",
    "Manifestation": "symptoms",
    "Information": "information",
    "Susceptibility": "inheritance",
}
ORDER = ["information", "symptoms", "causes", "treatment", "inheritance", "exams and tests"]
SHORT = {"information": "info", "symptoms": "symp", "causes": "caus", "treatment": "treat",
         "inheritance": "inher", "exams and tests": "exams"}  # fmt: skip


def table(pairs: list[tuple[str, str]], title: str) -> str:
    """Confusion counts, annotated section by row and our type by column, then accuracy."""
    counts = Counter(pairs)
    header = "gold \\ ours".ljust(16) + "".join(SHORT[t].rjust(7) for t in ORDER)
    lines = [f"{title} (n={len(pairs)})", header]
    for gold in ORDER:
        row = [counts[(gold, ours)] for ours in ORDER]
        total = sum(row)
        right = counts[(gold, gold)]
        recall = f"  {right}/{total} = {right / total:.2f}" if total else ""
        lines.append(gold.ljust(16) + "".join(str(n).rjust(7) for n in row) + recall)
    right = sum(1 for gold, ours in pairs if gold == ours)
    lines.append(f"accuracy {right}/{len(pairs)} = {right / max(1, len(pairs)):.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=REAL_DEV)
    parser.add_argument("--errors", help="print the misread sentences of this annotated section")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    mapped = [(r, SECTION_OF[r["question_type"]]) for r in rows if r.get("question_type") in SECTION_OF]
    ours = {r["id"]: main_type(question_types(r["question"])) for r, _ in mapped}
    print(table([(gold, ours[r["id"]]) for r, gold in mapped], "all rows of a mapped type"))
    print()
    named = [(r["section"], ours[r["id"]]) for r, _ in mapped if r.get("section")]
    print(table(named, "named rows (their `section`)"))
    if args.errors:
        print()
        for r, gold in mapped:
            if gold == args.errors and ours[r["id"]] != gold:
                print(f"{ours[r['id']]:>16}  {r['question']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
