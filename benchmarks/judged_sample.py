"""Print a fixed sample of real questions with the bot's full replies, for a judge to grade.

The sample: the questions listed in `judged_sample_ids.txt` beside this script, so the same
questions are judged before and after a change. They were drawn (`--draw`) as 60 named questions
of the real dev half (`gard-real-dev.jsonl`) whose top answer came from a gold page (the bot found
the right page) on 2026-12-07, with seed 17. Each is asked in a fresh chat, and the reply is
printed as the console shows it, with its line where Telegram would offer a specialist. The
rubric is in docs/evaluation.md, *Judged replies* (ANSWERS / PARTLY / NO, honest, readable); grades
are given by a reader, not by this script.

    python benchmarks/judged_sample.py [QUESTIONS.jsonl] > sample.md
    python benchmarks/judged_sample.py --draw [--size 60] [--seed 17] > sample.md   # a new sample
    python benchmarks/judged_sample.py --ids benchmarks/judged/second-sample-seed23-ids.txt   # the second
    python benchmarks/judged_sample.py --draw --seed 31 --exclude benchmarks/judged_sample_ids.txt \
        benchmarks/judged/second-sample-seed23-ids.txt --print-ids   # a third, apart from both
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import load_config  # noqa: E402
from bot.console import console_text  # noqa: E402
from bot.runtime import load_engine  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "gard-real-dev.jsonl"
IDS = Path(__file__).resolve().parent / "judged_sample_ids.txt"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", default=str(DEFAULT))
    parser.add_argument("--size", type=int, default=60)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--draw", action="store_true", help="draw a new sample instead of the listed one")
    parser.add_argument("--ids", default=str(IDS), help="the file listing the sample's question ids")
    parser.add_argument("--exclude", nargs="*", default=[], help="with --draw: id files to leave out")
    parser.add_argument("--print-ids", action="store_true", help="print the sample's ids, not its replies")
    args = parser.parse_args()
    rows = [
        json.loads(line) for line in Path(args.questions).read_text(encoding="utf-8").splitlines() if line
    ]
    engine = load_engine(load_config(), progress=False)
    if args.draw:
        found = []
        excluded = {i for path in args.exclude for i in Path(path).read_text(encoding="utf-8").split()}
        for row in rows:
            if row.get("kind") != "named" or row["id"] in excluded:
                continue
            result = engine.search(row["question"])
            if str(result.outcome) == "answer" and result.results[0].passage.doc_id in row["gold_docs"]:
                found.append(row)
        sample = random.Random(args.seed).sample(found, min(args.size, len(found)))
    else:
        listed = set(Path(args.ids).read_text(encoding="utf-8").split())
        sample = [row for row in rows if row["id"] in listed]
    if args.print_ids:
        print("\n".join(sorted(row["id"] for row in sample)))
        return 0
    for number, row in enumerate(sorted(sample, key=lambda r: r["id"]), 1):
        reply = engine.reply(f"judge-{row['id']}", row["question"])
        print(f"## {number}. {row['id']} ({row['question_type']})\n\n**Q:** {row['question']}\n")
        print("```\n" + console_text(reply) + "\n```\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
