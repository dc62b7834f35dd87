"""`gardbot eval`: answer quality on a question set in the format of gard-dev-questions.jsonl.

Disease-hit@1 and section-hit@1 count an abstention on an answerable question as a miss; MRR@10
over pages is computed with ir-measures. The CLI hands in how to load the engine (`EngineLoader`),
so evaluation needs nothing from bot/ and is loaded only once the question file is found.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ir_measures
from ir_measures import RR

from answers import messages
from answers.engine import Engine
from retrieval.abbreviations import find_abbreviations, spelt_out_before
from retrieval.analyzer import words
from retrieval.ask import carries
from retrieval.linking import FEATURES
from retrieval.linking_fit import (
    DID_YOU_MEAN,
    EVAL_SEED,
    FIT_SEED,
    GENERAL,
    LOOK_ALIKE,
    LOOK_ALIKE_CHOICE,
    NAME_SETS,
    NO_PAGE,
    OTHER_TYPES,
    RELATIVES,
    RIGHT,
    THRESHOLDS,
    cases,
    evaluate_linking,
    fit_logistic,
    precision_recall,
    samples,
)

# Loads the configured engine; `chat=False` when only search is asked (no chat warm-up).
EngineLoader = Callable[..., Engine]


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


@dataclass
class RealReport:
    """Real questions (gard-real-dev.jsonl): rows that spell a page's name ("named") and rows
    that spell none ("unnamed"). A choice holding a gold page counts as reaching it."""

    named: int = 0
    reached: int = 0  # answered from a gold page, or offered one in a choice
    no_page_named: int = 0  # told "I have no page on X" though a gold page exists
    no_page_disputed: int = 0  # ... where X holds the gold name inside a longer name, or the
    # question spells the gold abbreviation out as X (gold was made by string matching)
    wrong_page: int = 0  # answered from a page not among the gold ones
    broader: int = 0  # answered from a gold page that covers the asked name in general
    sections: int = 0  # named rows whose type maps to a section a gold page has
    section_hits: int = 0
    unnamed: int = 0
    unnamed_answered: int = 0  # answered from a page though no page name is spelt
    unnamed_wrong: int = 0  # ... from a page a hand grader judged WRONG for that row
    outcomes: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    # per question type: [answered, with a specific ask, ask carried by a quoted sentence, caveat,
    # "couldn't find an answer to exactly that" said of quotes that leave out what was asked]
    asks: dict[str, list[int]] = field(default_factory=dict)

    def ask_rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """Of the questions answered from a page: how many ask one specific thing (issue 17),
        how many of those get a quoted sentence that carries it, how many replies say first
        that the page doesn't say it, and how many that the bot couldn't find an answer to
        exactly that; by the annotated question type, then all."""
        total = [sum(counts[i] for counts in self.asks.values()) for i in range(5)]
        out = []
        for name, (answered, asked, carried, caveat, maybe) in [*sorted(self.asks.items()), ("all", total)]:
            out.append(
                (
                    name,
                    str(answered),
                    f"{asked}",
                    f"{carried / asked:.3f} ({carried})" if asked else "-",
                    f"{caveat / answered:.3f} ({caveat})" if answered else "-",
                    f"{maybe / answered:.3f} ({maybe})" if answered else "-",
                )
            )
        return out

    def rows(self) -> list[tuple[str, str]]:
        n, u, sec = max(1, self.named), max(1, self.unnamed), max(1, self.sections)
        return [
            ("named questions", str(self.named)),
            ("answered from a named page, or offered it in a choice", f"{self.reached / n:.3f}"),
            ('"no page" said of a named page', f"{self.no_page_named / n:.3f}"),
            (
                "... of which the gold name is part of a longer name the question gives",
                str(self.no_page_disputed),
            ),
            (
                '"no page" said of a named page, those rows aside',
                f"{(self.no_page_named - self.no_page_disputed) / max(1, n - self.no_page_disputed):.3f}",
            ),
            ("answered from another page", f"{self.wrong_page / n:.3f}"),
            ("answered from a broader page, said so", f"{self.broader / n:.3f}"),
            (
                "section-hit@1 where the page has the section",
                f"{self.section_hits / sec:.3f} of {self.sections}",
            ),
            ("unnamed questions", str(self.unnamed)),
            ("unnamed questions answered from a page", f"{self.unnamed_answered / u:.3f}"),
            ("... from a page judged WRONG for the row", str(self.unnamed_wrong)),
            ("outcomes", ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))),
        ]


ASK_CAPTION = (
    "\nA quote from the same disease's page in another NIH collection of MedQuAD, given when GARD's "
    "page doesn't say (answers.sibling_pages), counts as carried when it carries the ask; its reply "
    "says first that GARD's page doesn't, so it counts as a caveat too. \"May not answer\": replies "
    "that say first \"I couldn't find an answer to exactly what you asked on GARD's page on X\", as "
    "their quotes leave out words of the question nothing read explains (ask.leftover_terms) or name "
    "only its rare words (ask.lead_ask), with a specialist offered."
)


def count_ask(engine: Engine, row: dict, report: RealReport) -> None:
    """Ask a question answered from a page in a fresh chat, and count what its reply does
    with the ask: a quoted sentence carries it, or the reply says first the page doesn't."""
    reply = engine.reply(f"eval-{row.get('id', '')}", row["question"])
    if not reply.answered:
        return
    counts = report.asks.setdefault(row.get("question_type") or "?", [0, 0, 0, 0, 0])
    counts[0] += 1
    counts[3] += reply.unsaid
    counts[4] += messages.MAY_NOT_ANSWER.format(title=reply.disease) in reply.message
    if reply.ask is not None and reply.ask.specific:
        counts[1] += 1
        counts[2] += any(
            carries(reply.ask, part, engine.composer.idf, engine.answer_policy)
            for excerpt in reply.excerpts
            for part in excerpt.parts
        )


def gold_inside(gold_name: str, missing: str, question: str) -> bool:
    """Whether the name a "no page" reply gives holds the gold name inside a longer name
    ("Bannayan-Riley-Ruvalcaba syndrome" holds "Ruvalcaba syndrome", "clubfoot syndrome" holds
    "Clubfoot"), or is what the question spells the gold abbreviation out as ("in vitro
    fertilization (IVF)"): the sentence names another condition, and its gold, found by string
    matching, is disputed (../shared/eval/README.md says to flag these, not work around them)."""
    gold, said = words(gold_name), words(missing)
    if gold and len(said) > len(gold):
        if any(said[i : i + len(gold)] == gold for i in range(len(said) - len(gold) + 1)):
            return True
    if any(short == gold_name and words(long) == said for short, long in find_abbreviations(question)):
        return True
    typed = words(question)  # "in vitro fertilization ivf", without brackets or capitals
    return len(gold) == 1 and any(
        word == gold[0] and (long := spelt_out_before(typed, at)) is not None and words(long) == said
        for at, word in enumerate(typed)
    )


# The named rows written as people also write them: a rule fitted to how the dev set happens to
# be typed should not fall over when the same question is typed otherwise (the held-out half is
# typed by other people).
SENTENCE_MARKS = re.compile(r"[?!,;:()\[\]\"]|\.(?=\s|$)")  # not the point of "17q21.31"
STORY = "My daughter Maya, 6, saw her doctor last week. "
CHAT = {r"\bplease\b": "pls", r"\babout\b": "abt", r"\byou\b": "u", r"\byour\b": "ur", r"\bpeople\b": "ppl"}


def in_chat_shorthand(question: str) -> str:
    """The question with common words typed as people type them in chats ("pls", "abt", "u"),
    and no space after its commas ("X,including treatment")."""
    for word, short in CHAT.items():
        question = re.sub(word, short, question, flags=re.IGNORECASE)
    return question.replace(", ", ",")


BRITISH = {  # American letters -> British, as someone from the UK or Australia types them
    r"emia": "aemia",  # anemia, leukemia
    r"\bhem(?=[oa])": "haem",  # hemorrhage, hemangioma (not "chemotherapy")
    r"\btumor": "tumour",
    r"\bedema": "oedema",
    r"\besophag": "oesophag",
    r"\bpediatric": "paediatric",
    r"\bbehavior": "behaviour",
    r"\bestrogen": "oestrogen",
    r"diarrhea": "diarrhoea",
    r"\bfet(?=al|us)": "foet",
    r"\bcenter": "centre",
    r"\bfiber": "fibre",
    r"\bceliac": "coeliac",
    r"\banesth": "anaesth",
}
_AMERICAN = re.compile("|".join(f"({pattern})" for pattern in BRITISH), re.IGNORECASE)


def in_british_spelling(question: str) -> str:
    """The question with American spellings of medical words in British form (BRITISH)."""
    replacements = list(BRITISH.values())

    def british(found: re.Match[str]) -> str:
        spelt = replacements[found.lastindex - 1]
        return spelt.capitalize() if found.group()[:1].isupper() else spelt

    return _AMERICAN.sub(british, question)


def with_a_slip(row: dict) -> str:
    """The question with the longest word (six letters or more) of the gold name, where the
    question spells it, typed with two middle letters swapped ("syndorme"), as hurried typing
    does; unchanged when there is no such word."""
    question, gold = row["question"], row.get("gold_name") or row.get("focus") or ""
    found = re.search(re.escape(gold), question, re.IGNORECASE) if gold else None
    long_words = re.findall(r"[A-Za-z]{6,}", found.group()) if found else []
    if not found or not long_words:
        return question
    word = max(long_words, key=len)
    half = len(word) // 2
    slip = word[:half] + word[half + 1] + word[half] + word[half + 2 :]
    return question[: found.start()] + found.group().replace(word, slip, 1) + question[found.end() :]


REWRITES: dict[str, Callable[[dict], str]] = {
    "as sent": lambda row: row["question"],
    "lower-cased": lambda row: row["question"].lower(),
    "in capitals": lambda row: row["question"].upper(),
    "without punctuation": lambda row: " ".join(SENTENCE_MARKS.sub(" ", row["question"]).split()),
    "after a sentence about the asker": lambda row: STORY + row["question"],
    "in British spelling": lambda row: in_british_spelling(row["question"]),
    "in chat shorthand, no space after commas": lambda row: in_chat_shorthand(row["question"]),
    "with a slip in the disease's name": with_a_slip,
}


def evaluate_rewritten(engine: Engine, rows: list[dict]) -> list[tuple[str, str, str, str]]:
    """Reached, "no page" (disputed rows aside) and section-hit of the named rows, per way of
    writing them (REWRITES)."""
    named = [row for row in rows if row.get("kind") == "named"]
    out = []
    for label, rewrite in REWRITES.items():
        report = evaluate_real(engine, [{**row, "question": rewrite(row)} for row in named], asks=False)
        n, kept = max(1, report.named), max(1, report.named - report.no_page_disputed)
        out.append(
            (
                label,
                f"{report.reached / n:.3f}",
                f"{(report.no_page_named - report.no_page_disputed) / kept:.3f}",
                f"{report.section_hits / max(1, report.sections):.3f}",
            )
        )
    return out


def evaluate_dev_rewritten(engine: Engine, rows: list[dict], k: int = 10) -> list[tuple[str, str, str, str]]:
    """Disease-hit, section-hit and correct abstention of the hand-written dev set, per way of
    writing its questions (REWRITES; the slip falls in the page's Focus)."""
    out = []
    for label, rewrite in REWRITES.items():
        report = evaluate(engine, [{**row, "question": rewrite(row)} for row in rows], k)
        a, b = max(1, report.answerable), max(1, report.should_abstain)
        out.append(
            (
                label,
                f"{report.disease_hits / a:.3f}",
                f"{report.section_hits / a:.3f}",
                f"{report.correct_abstentions / b:.3f}",
            )
        )
    return out


def evaluate_real(engine: Engine, rows: list[dict], asks: bool = True) -> RealReport:
    """The named and unnamed figures of real questions; with `asks`, also what replies do with
    the ask (count_ask: a whole reply per answered row)."""
    report = RealReport()
    for row in rows:
        result = engine.search(row["question"])
        outcome = str(result.outcome)
        report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
        if outcome == "answer" and asks:
            count_ask(engine, row, report)
        top = result.results[0].passage if outcome == "answer" else None
        offered = {c.doc_id for c in result.choices} if outcome in ("choice", "did_you_mean") else set()
        if row.get("kind") != "named":
            report.unnamed += 1
            if top is not None:
                report.unnamed_answered += 1
                judged = row.get("judged_answer") or {}
                report.unnamed_wrong += judged.get("verdict") == "WRONG" and judged.get("title") == top.title
            continue
        gold = set(row.get("gold_docs") or ())
        report.named += 1
        reached = (top is not None and top.doc_id in gold) or bool(offered & gold)
        report.reached += reached
        report.no_page_named += outcome == "no_page"
        report.no_page_disputed += outcome == "no_page" and gold_inside(
            row.get("gold_name") or "", result.missing, row["question"]
        )
        report.wrong_page += top is not None and top.doc_id not in gold
        report.broader += reached and bool(result.broader)
        if row.get("section") and row.get("has_section"):
            report.sections += 1
            report.section_hits += reached and top is not None and top.qtype == row["section"]
        if not reached:
            said = result.missing or (top.title if top is not None else "")
            report.misses.append(
                f"{outcome}: {row['question']!r} (gold {row.get('gold_name')!r}) -> {said!r}"
            )
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


def run_eval(load_engine: EngineLoader, questions: Path, k: int = 10, details: bool = False) -> int:
    if not questions.exists():
        print(f"error: question file {questions} not found", file=sys.stderr)
        return 1
    rows = read_questions(questions)
    engine = load_engine(chat=False)
    report = evaluate_real(engine, rows) if any("kind" in row for row in rows) else evaluate(engine, rows, k)
    print("| measure | value |\n|---|---|")
    for name, value in report.rows():
        print(f"| {name} | {value} |")
    if isinstance(report, RealReport):
        print(
            "\n| question type | answered | with a specific ask | ask carried by a quote | caveat "
            "| may not answer |"
        )
        print("|---|---|---|---|---|---|")
        for cells in report.ask_rows():
            print("| " + " | ".join(cells) + " |")
        print(ASK_CAPTION)
        print(
            "\n| named questions written | answered from a named page or offered it "
            '| "no page" said of a named page (disputed gold aside) | section-hit@1 |'
        )
        print("|---|---|---|---|")
        for cells in evaluate_rewritten(engine, rows):
            print("| " + " | ".join(cells) + " |")
    else:
        print(
            "\n| questions written | disease-hit@1 | section-hit@1 | correct abstention |\n|---|---|---|---|"
        )
        for cells in evaluate_dev_rewritten(engine, rows, k):
            print("| " + " | ".join(cells) + " |")
    if details:
        print("\n".join(report.misses))
    return 0


def run_linking_eval(
    load_engine: EngineLoader, pages: int | None = None, fit: bool = False, details: bool = False
) -> int:
    """Print the linking figures the README shows: outcomes per set, the headline shares, and the
    precision/recall of the link decision at several probability thresholds."""
    from tqdm import tqdm

    searcher = load_engine().searcher
    policy = searcher.linker.policy
    coefficients = policy.coefficients
    if fit:
        fit_cases = cases(searcher, seed=FIT_SEED, pages=pages)
        data = samples(searcher, fit_cases, progress=lambda c: tqdm(c, desc="fitting", unit="q"))
        coefficients = fit_logistic(data)
        print(f"fitted on {len(data)} link decisions ({sum(s.right for s in data)} right):")
        print(f"coefficients = {coefficients}  # {', '.join(FEATURES)}\n")
    all_cases = cases(searcher, seed=EVAL_SEED, pages=pages)
    report = evaluate_linking(searcher, all_cases, progress=lambda c: tqdm(c, desc="linking", unit="q"))
    print(report.table())
    lopo = "leave-one-page-out"
    named = sum(report.counts[g][RIGHT] for g in NAME_SETS)
    asked = sum(sum(report.counts[g].values()) for g in NAME_SETS)
    print()
    print(f"- names, synonyms, abbreviations and typos: right page {100 * named / max(1, asked):.1f}%")
    print(
        f"- leave-one-page-out: look-alike page {100 * report.share(lopo, [LOOK_ALIKE]):.1f}%, "
        f"choice of look-alikes {100 * report.share(lopo, [LOOK_ALIKE_CHOICE]):.1f}%, "
        f"no page or true relatives {100 * report.share(lopo, [NO_PAGE, RELATIVES]):.1f}%, "
        f'"did you mean" another page {100 * report.share(lopo, [DID_YOU_MEAN]):.1f}%, '
        f"general page said so {100 * report.share(lopo, [GENERAL]):.1f}%, "
        f"other types said so {100 * report.share(lopo, [OTHER_TYPES]):.1f}%"
    )
    print(f"\nPrecision/recall of linking, {len(report.samples)} link decisions (threshold: P(right page)):")
    print("| threshold | precision | recall |\n|---:|---:|---:|")
    for threshold, precision, recall in precision_recall(report.samples, coefficients, THRESHOLDS):
        mark = " (chosen)" if abs(threshold - policy.link_probability) < 1e-9 else ""
        print(f"| {threshold:.2f}{mark} | {precision:.4f} | {recall:.4f} |")
    if details:
        for (group, got), examples in report.examples.items():
            if got not in (RIGHT, NO_PAGE, RELATIVES) or (group != lopo and got == NO_PAGE):
                print(f"\n## {group}: {got}")
                print("\n".join(examples))
    return 0
