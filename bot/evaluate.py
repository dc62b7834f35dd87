"""`gardbot eval`: answer quality on a question set in the format of gard-dev-questions.jsonl.

Disease-hit@1 and section-hit@1 count an abstention on an answerable question as a miss; MRR@10
over pages is computed with ir-measures.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import ir_measures
from ir_measures import RR

from answers.engine import Engine
from bot.config import Config
from bot.runtime import load_engine


@dataclass
class EvalReport:
    answerable: int = 0
    should_abstain: int = 0
    disease_hits: int = 0
    section_hits: int = 0
    correct_abstentions: int = 0
    false_abstentions: int = 0
    mrr: float = 0.0
    seconds_per_question: float = 0.0
    misses: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str]]:
        a, b = max(1, self.answerable), max(1, self.should_abstain)
        return [
            ("answerable questions", str(self.answerable)),
            ("questions that should abstain", str(self.should_abstain)),
            ("disease-hit@1", f"{self.disease_hits / a:.3f}"),
            ("section-hit@1", f"{self.section_hits / a:.3f}"),
            ("MRR@10 (page)", f"{self.mrr:.3f}"),
            ("correct-abstention rate", f"{self.correct_abstentions / b:.3f}"),
            ("false-abstention rate", f"{self.false_abstentions / a:.3f}"),
            ("ms per question", f"{self.seconds_per_question * 1000:.1f}"),
        ]


def evaluate(engine: Engine, rows: list[dict], k: int = 10) -> EvalReport:
    report = EvalReport()
    qrels, run = [], []
    started = time.perf_counter()
    for row in rows:
        result = engine.search(row["question"], k=k)
        top = result.results[0].passage if result.results and not result.abstain else None
        if row.get("expect") == "abstain":
            report.should_abstain += 1
            report.correct_abstentions += result.abstain
            if not result.abstain:
                report.misses.append(f"answered (should abstain): {row['question']!r} -> {top.title}")
            continue
        report.answerable += 1
        qrels.append(ir_measures.Qrel(row["id"], row["doc_id"], 1))
        seen: set[str] = set()
        for rank, ranked in enumerate(result.results):
            if ranked.passage.doc_id not in seen:
                seen.add(ranked.passage.doc_id)
                run.append(ir_measures.ScoredDoc(row["id"], ranked.passage.doc_id, float(k - rank)))
        if result.abstain:
            report.false_abstentions += 1
            report.misses.append(f"abstained ({result.reason}): {row['question']!r}")
            continue
        report.disease_hits += top.doc_id == row["doc_id"]
        report.section_hits += top.qid == row["qid"]
        if top.doc_id != row["doc_id"]:
            report.misses.append(f"wrong page: {row['question']!r} -> {top.title}")
        elif top.qid != row["qid"]:
            report.misses.append(f"wrong section: {row['question']!r} -> {top.qtype}")
    report.seconds_per_question = (time.perf_counter() - started) / max(1, len(rows))
    if qrels:
        report.mrr = ir_measures.calc_aggregate([RR @ 10], qrels, run)[RR @ 10]
    return report


def read_questions(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError:
                print(f"warning: line {number} of {path} is not JSON; skipped", file=sys.stderr)
    return rows


def run_eval(config: Config, questions: Path, k: int = 10, details: bool = False) -> int:
    if not questions.exists():
        print(f"error: question file {questions} not found", file=sys.stderr)
        return 1
    report = evaluate(load_engine(config, progress=True, chat=False), read_questions(questions), k)
    print("| measure | value |\n|---|---|")
    for name, value in report.rows():
        print(f"| {name} | {value} |")
    if details:
        print("\n".join(report.misses))
    return 0
