"""Start-up time and memory of a process that answers one question, and where the time goes.

    python benchmarks/startup.py [--runs 5] [--question "what causes marfan syndrome"]

First, whole processes: `gardbot search QUESTION --json` run --runs times (after one run that
builds the index if needed), with wall time and peak RSS from os.wait4. Then the same steps
timed inside one fresh process, so each part's share shows: imports, opening the index, the
English word counts, the rest of the NameIndex build, the engine, the search itself, and the
language identifier that only chatting processes load. Figures vary with the machine's load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GARDBOT = Path(sys.executable).with_name("gardbot")

STEPS = r"""
import json, resource, sys, time
t0 = time.perf_counter()
marks = []
def mark(name):
    marks.append((name, time.perf_counter()))
import bot.runtime, bot.config
from retrieval.build import open_index
from retrieval.search import Searcher
from answers.engine import Engine
from retrieval import english
mark("imports (numpy, rapidfuzz, yaml, gardbot)")
config = bot.config.load_config(None)
index = open_index(bot.runtime.selection_from_config(config), config.index_dir,
                   bot.runtime.chunk_settings(config), progress=False)
mark("open the index (fingerprint, npz, passages.json)")
english._counts()
mark("English word counts (pyspellchecker's list)")
searcher = Searcher(index)
mark("NameIndex build, besides the word counts")
engine = Engine(searcher)
mark("Engine (idf table, composer)")
engine.search(sys.argv[1])
mark("the search")
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
engine.warm_up()
mark("language identifier (chat processes only)")
rows, last = [], t0
for name, at in marks:
    rows.append((name, at - last))
    last = at
print(json.dumps({"rows": rows, "rss_before_identifier": rss,
                  "rss_after": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_process(question: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `gardbot search --json` process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(GARDBOT), "search", question, "--json"], cwd=ROOT, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"gardbot search failed with status {status}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--question", default="what causes marfan syndrome")
    args = parser.parse_args()

    run_process(args.question)  # builds the index if it is missing or stale; not counted
    runs = [run_process(args.question) for _ in range(args.runs)]
    walls = sorted(w for w, _ in runs)
    print(f"`gardbot search {args.question!r} --json`, {args.runs} runs")
    print(f"  wall s: min {walls[0]:.2f}, median {statistics.median(walls):.2f}, max {walls[-1]:.2f}")
    print(f"  peak RSS MB: {max(r for _, r in runs):.0f}")

    import json

    out = subprocess.run(
        [sys.executable, "-c", STEPS, args.question], cwd=ROOT, capture_output=True, text=True, check=True
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print("\nOne process, step by step (Python's own start-up not included):")
    print("| step | s |\n|---|---:|")
    for name, seconds in figures["rows"]:
        print(f"| {name} | {seconds:.3f} |")
    print(f"\npeak RSS MB: {figures['rss_before_identifier']:.0f} when searching; ", end="")
    print(f"{figures['rss_after']:.0f} once the language identifier is loaded")


if __name__ == "__main__":
    main()
