"""Questions generated from the corpus, for `gardbot eval --linking` and for fitting the link
model (`--fit`): how well questions reach their page by name, and how often a disease
with no page is answered from a look-alike, on questions generated from the corpus itself.

Sets (one question per page each, from a few templates; seeded, so runs compare):
- name, synonym, abbreviation, typo, short name: a page's title, one of its synonyms, an
  abbreviation it defines (typed in capitals), its title with one long word misspelt, or its
  title shortened as people do ("Tourette's", "cholestasis of pregnancy"). Right: the page, or
  a page with exactly that name (the same disease in two places).
- leave-one-page-out: the page's title, asked with that page and every page of the same name
  hidden, as if the corpus had no page for it. Right: no page ("not here"), or a choice among
  true relatives (pages whose names hold every word of the asked name: the types of a family),
  or the page on the condition in general, said so (a page whose name the asked name holds
  whole: "Long QT syndrome" for "Long QT syndrome 3"; counted apart). Any other page is a
  look-alike: the failure that matters most.
- generic phrases: a sign or symptom from the pages' phenotype lists that is no page's name
  ("Is sleep apnea part of the syndrome?"), and vague messages ("is it inherited?"). Right: no
  page.

The questions go through the real Searcher, so the figures are the product's, not a model's.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from corpus.published import is_staff_doc
from retrieval.names import NAME_CONNECTORS
from retrieval.question_words import name_words
from retrieval.search import Searcher, SearchResult

TEMPLATES = [
    "What causes {}?",
    "what are the symptoms of {}",
    "Is {} inherited?",
    "how is {} treated",
    "My daughter has {}. What is it?",
    "I was just diagnosed with {} and I am scared. What should I know?",
    "i want to learn as much as possible about {}",
    "Could my brother's kids get {}?",
]
GENERIC_TEMPLATES = [
    "Is {} part of the syndrome?",
    "My son has {}. Is that serious?",
    "can {} be treated?",
    "what causes {} in children",
]
VAGUE = [
    "what is this syndrome?",
    "is it inherited?",
    "how is it treated",
    "tell me more about the condition",
    "what are the symptoms?",
    "Is this disease contagious?",
    "my doctor says it is rare. what does that mean?",
    "can it be cured",
]
PHENOTYPE_LIST = re.compile(r"\(when available\)(.*?)The Human Phenotype Ontology \(HPO\)", re.S)
PHENOTYPE_SPLIT = re.compile(r"\s+-\s+|\s+\d+(?:\.\d+)?%\s*|\s+\d+/\d+\s*")

RIGHT = "right page"
CHOICE_RIGHT = "choice with the right page"
NO_PAGE = "no page"
RELATIVES = "choice of true relatives"
WRONG = "wrong page"
LOOK_ALIKE = "look-alike page"
LOOK_ALIKE_CHOICE = "choice of look-alikes"
DID_YOU_MEAN = "did you mean (another page)"
GENERAL = "general page, said so"
OTHER_TYPES = "other types, said so"


@dataclass(frozen=True)
class Case:
    group: str
    question: str
    right: frozenset[str] = frozenset()  # pages that answer it; empty: no page should
    hidden: frozenset[str] = frozenset()  # pages hidden from the searcher (leave-one-page-out)
    asked: tuple[str, ...] = ()  # the asked name's words, to tell relatives from look-alikes


@dataclass
class Sample:
    """One link decision the searcher made: its features, and whether the page was right."""

    vector: tuple[float, ...]
    right: bool


@dataclass
class LinkingReport:
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    examples: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    samples: list[Sample] = field(default_factory=list)  # every link decision, for the PR curve

    def add(self, case: Case, outcome: str, detail: str) -> None:
        self.counts[case.group][outcome] += 1
        if len(self.examples[(case.group, outcome)]) < 8:
            self.examples[(case.group, outcome)].append(f"{case.question!r} -> {detail}")

    def share(self, group: str, outcomes: Iterable[str]) -> float:
        total = sum(self.counts[group].values())
        return sum(self.counts[group][o] for o in outcomes) / total if total else 0.0

    def table(self) -> str:
        columns = [
            RIGHT,
            CHOICE_RIGHT,
            NO_PAGE,
            RELATIVES,
            WRONG,
            LOOK_ALIKE,
            LOOK_ALIKE_CHOICE,
            DID_YOU_MEAN,
            GENERAL,
            OTHER_TYPES,
        ]
        used = [c for c in columns if any(self.counts[g][c] for g in self.counts)]
        lines = [
            "| set | questions | " + " | ".join(used) + " |",
            "|---|---:|" + "---:|" * len(used),
        ]
        for group, counts in self.counts.items():
            total = sum(counts.values())
            cells = [f"{counts[c]} ({100 * counts[c] / total:.1f}%)" for c in used]
            lines.append(f"| {group} | {total} | " + " | ".join(cells) + " |")
        return "\n".join(lines)


def misspelt(name: str, rng: random.Random) -> str | None:
    """The name with one word of six letters or more misspelt: a letter dropped or two swapped."""
    words = name.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long_words:
        return None
    i = rng.choice(long_words)
    word, j = words[i], rng.randrange(1, len(words[i]) - 1)
    swapped = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    words[i] = swapped if rng.random() < 0.5 and swapped != word else word[:j] + word[j + 1 :]
    return " ".join(words)


def short_name(searcher: Searcher, title: str, rng: random.Random) -> str | None:
    """How people shorten a name: its head word dropped ("Tourette's", "marfan") or one other
    word left out ("cholestasis of pregnancy"), when no other page has the shorter name."""
    words = title.replace(",", "").split()
    if len(words) < 2:
        return None
    heads = searcher.linker.heads
    if words[-1].lower() in heads and len(words) == 2 and len(words[0]) >= 4 and words[0].isalpha():
        short = words[0] + ("'s" if rng.random() < 0.5 else "")
    else:
        droppable = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 4 and w.lower() not in heads]
        if len(words) < 3 or len(droppable) < 2:
            return None
        i = rng.choice(droppable)
        short = " ".join(words[:i] + words[i + 1 :])
    return None if pages_named(searcher, short) else short


def pages_named(searcher: Searcher, name: str) -> frozenset[str]:
    """Every page with this name (title, synonym or abbreviation), in any order and connectors
    aside: "Renal dysplasia, megalocystis, and sirenomelia" is "Renal dysplasia megalocystis
    sirenomelia"."""
    wanted = content_words(name_words(name))
    return frozenset(e.doc_id for e in searcher.names.entries if content_words(e.words) == wanted)


def content_words(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w for w in words if w not in NAME_CONNECTORS)


def phenotypes(searcher: Searcher, limit: int, rng: random.Random) -> list[str]:
    """Signs and symptoms listed on the pages that are no page's name."""
    found: Counter[str] = Counter()
    for passage in searcher.index.passages:
        if passage.qtype != "symptoms" or "(when available)" not in passage.text:
            continue
        for block in PHENOTYPE_LIST.findall(passage.text):
            for phrase in PHENOTYPE_SPLIT.split(block):
                phrase = phrase.strip(" -")
                if 2 <= len(phrase.split()) <= 4 and "inheritance" not in phrase.lower():
                    found[phrase] += 1
    names = {content_words(e.words) for e in searcher.names.entries}
    common = [p for p, n in found.most_common() if n >= 3 and content_words(name_words(p)) not in names]
    rng.shuffle(common)
    return common[:limit]


def cases(searcher: Searcher, seed: int = 11, pages: int | None = None) -> list[Case]:
    rng = random.Random(seed)
    names = searcher.names
    doc_ids = sorted(d for d in names.entries_by_doc if not is_staff_doc(d))
    if pages is not None:
        doc_ids = rng.sample(doc_ids, min(pages, len(doc_ids)))
    out: list[Case] = []
    for k, doc_id in enumerate(doc_ids):
        template = TEMPLATES[k % len(TEMPLATES)]
        title = searcher.title(doc_id)
        same = pages_named(searcher, title) | {doc_id}
        out.append(Case("name", template.format(title), same))
        synonyms = [e.name for e in names.entries_of(doc_id) if e.kind == "synonym" and not e.abbreviation]
        if synonyms:
            synonym = rng.choice(synonyms)
            out.append(Case("synonym", template.format(synonym), pages_named(searcher, synonym) | {doc_id}))
        abbreviations = [e.name for e in names.entries_of(doc_id) if e.abbreviation]
        if abbreviations:
            short = rng.choice(abbreviations)
            out.append(Case("abbreviation", template.format(short), pages_named(searcher, short) | {doc_id}))
        if typo := misspelt(title, rng):
            out.append(Case("typo", template.format(typo), same))
        if short := short_name(searcher, title, rng):
            out.append(Case("short name", template.format(short), same))
        out.append(
            Case("leave-one-page-out", template.format(title), hidden=same, asked=tuple(name_words(title)))
        )
    for phrase in phenotypes(searcher, 400, rng):
        out.append(Case("generic phrase", rng.choice(GENERIC_TEMPLATES).format(phrase.lower())))
    out.extend(Case("vague", text) for text in VAGUE)
    return out


def outcome(searcher: Searcher, case: Case, result: SearchResult) -> tuple[str, str]:
    """The case's outcome class and a short description of what the searcher did. A "did you
    mean" question is counted apart: it asks the user, and quotes nothing unasked."""
    if result.reason == "did_you_mean" and result.choices:
        offered = {c.doc_id for c in result.choices}
        detail = "did you mean: " + "; ".join(searcher.title(d) for d in sorted(offered))
        return (CHOICE_RIGHT if offered & case.right else DID_YOU_MEAN), detail
    if result.choices:
        offered = {c.doc_id for c in result.choices}
        detail = "choice: " + "; ".join(searcher.title(d) for d in sorted(offered))
        if case.right:
            return (CHOICE_RIGHT if offered & case.right else WRONG), detail
        if case.asked and all(is_relative(searcher, d, case.asked) for d in offered):
            return RELATIVES, detail
        if result.other_type:  # "no page on X type 7 specifically; these are other types"
            return OTHER_TYPES, f"{detail} (said to be other types than {result.other_type!r})"
        return LOOK_ALIKE_CHOICE, detail
    if result.abstain or not result.results or result.disease is None:
        return NO_PAGE, f"no page ({result.reason})"
    page = result.disease.doc_id
    detail = searcher.title(page)
    if case.right:
        return (RIGHT if page in case.right else WRONG), detail
    if result.broader and case.asked and is_general(searcher, page, case.asked):
        return GENERAL, f"{detail} (said to cover {result.broader!r} in general)"
    return LOOK_ALIKE, detail


def is_relative(searcher: Searcher, doc_id: str, asked: tuple[str, ...]) -> bool:
    """A page one of whose names holds every word of the asked name ("Usher syndrome, type 1B"
    for "Usher syndrome"): a type of what was asked, not a look-alike."""
    wanted = set(asked)
    return any(wanted <= set(e.words) for e in searcher.names.entries_of(doc_id))


def is_general(searcher: Searcher, doc_id: str, asked: tuple[str, ...]) -> bool:
    """A page one of whose names the asked name holds whole ("Long QT syndrome" for "Long QT
    syndrome 3"): GARD's page on the condition in general. Answered from it with the line that
    says so, the asked type is not passed off as another disease; counted apart from look-alikes."""
    wanted = set(asked)
    return any(
        not e.abbreviation and set(e.words) <= wanted and len(e.words) < len(wanted)
        for e in searcher.names.entries_of(doc_id)
    )


def evaluate_linking(searcher: Searcher, all_cases: list[Case], progress=None) -> LinkingReport:
    report = LinkingReport()
    for case in progress(all_cases) if progress else all_cases:
        result = searcher.search(case.question, exclude=case.hidden)
        got, detail = outcome(searcher, case, result)
        report.add(case, got, detail)
        if case.group in FIT_GROUPS and (sample := sample_of(case, result)) is not None:
            report.samples.append(sample)
    return report


FIT_GROUPS = ("name", "synonym", "abbreviation", "typo", "leave-one-page-out", "generic phrase", "vague")


def samples(searcher: Searcher, all_cases: list[Case], progress=None) -> list[Sample]:
    """The features of every link decision on the cases, labelled by the case's right pages.

    Shortened names are left out: "cholestasis of pregnancy" and a disease with no page whose
    name is part of another's look the same, and the first is better offered as a choice of the
    pages with those words than guessed."""
    out = []
    all_cases = [c for c in all_cases if c.group in FIT_GROUPS]
    for case in progress(all_cases) if progress else all_cases:
        if (sample := sample_of(case, searcher.search(case.question, exclude=case.hidden))) is not None:
            out.append(sample)
    return out


def sample_of(case: Case, result: SearchResult) -> Sample | None:
    link = result.link
    if link is None or link.features is None:
        return None
    return Sample(link.features.vector(), link.extra.get("doc_id") in case.right)


def fit_logistic(data: list[Sample], l2: float = 1e-3, rounds: int = 50) -> tuple[float, ...]:
    """Logistic regression by Newton's method (IRLS) with a little L2: P(right | features)."""
    x = np.array([s.vector for s in data], dtype=float)
    y = np.array([s.right for s in data], dtype=float)
    w = np.zeros(x.shape[1])
    for _ in range(rounds):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + l2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return tuple(round(float(v), 3) for v in w)


def precision_recall(data: list[Sample], coefficients: tuple[float, ...], thresholds: Iterable[float]):
    """(threshold, precision, recall) of linking when P(right) >= threshold, over the decisions."""
    x = np.array([s.vector for s in data], dtype=float)
    y = np.array([s.right for s in data], dtype=bool)
    p = 1 / (1 + np.exp(-np.clip(x @ np.array(coefficients), -30, 30)))
    rows = []
    for t in thresholds:
        linked = p >= t
        right = int((linked & y).sum())
        rows.append((t, right / max(1, int(linked.sum())), right / max(1, int(y.sum()))))
    return rows


EVAL_SEED = 11  # the questions reported
FIT_SEED = 5  # other templates and misspellings for fitting, so the report is not on its own data
NAME_SETS = ("name", "synonym", "abbreviation", "typo")
THRESHOLDS = (0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99)
