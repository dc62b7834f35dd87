"""What the answer engine hands to a frontend: structured, so each renders it its own way.

Text in a Reply is either verbatim page text (Excerpt.parts) or one of the fixed messages in
answers/messages.py; a frontend adds markup but never words of its own to an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from retrieval.ask import Ask

SEPARATOR = " … "
# GARD's symptom tables arrive flattened: "... (when available) Arthralgia 90% Arthritis 90% ...".
TABLE_HEADER = "Approximate number of patients (when available)"
TABLE_ITEM_END = re.compile(r"(\d+(?:\.\d+)?%|\s-)\s+(?=[A-Z0-9])")
# GARD's bulleted lists arrive run together after a colon: "... managed with the following:
# Medications such as steroids Physical therapy to improve strength Speech therapy ...". An item
# starts with a capital after a word that ends the one before it (not "such as Wilson disease").
LIST_LEAD = re.compile(r":\s+(?=[A-Z])")
ITEM_START = re.compile(
    r"(?<=[a-z0-9)\]])(?<!\bsuch as)(?<!\bcalled)(?<!\bnamed)(?<!\bknown as)(?<!\bincluding)"
    r"(?<!\bmore)(?<!\bthe)(?<!\ba)(?<!\ban)(?<!\bof)(?<!\bby)(?<!\band)(?<!\bor)(?<!\bwith)(?<!\bin)(?<!\bto)(?<!\bfor)"
    r"\s+(?=[A-Z][a-z])"
)
# a sentence's end (not that of "i.e.", "e.g." or an initial: "(H. pylori)"), or the gap before
# the next part
LIST_END = re.compile(r"(?<!\bi\.e)(?<!\be\.g)(?<!\b[A-Z])[.!?](?=\s|$)|\s…")
# Words that start a sentence, not an item: the list before them is over.
SENTENCE_STARTS = frozenset(
    "The A An This These That Those It Its There They Their In For If When While Although However "
    "Unfortunately Most Many Some Other Others Treatment People Individuals Patients Affected Of".split()
)
POSSESSIVE = ("'s", "’s")
NAME_HEADS = frozenset(
    "Disease Syndrome Society Foundation Association Institute Research Center Network".split()
)
MIN_ITEMS = 3  # fewer capitals after a colon are more likely names than a list
# Words that send the reader to another site instead of saying something: a web address,
# "click here", "X's Web site offers more ...". On a page they lead to a link; quoted, nowhere.
# (answers.compose.POINTER adds "at the following links" for whole sentences.)
LINK_POINTER = (
    r"https?://|\bwww\.|\bclick (here|on)\b|\bweb ?site (offers|provides|has) (more|additional|further)\b"
    r"|\b(offers|provides) (more|additional|further) information\b|\bprovides the following list\b"
)
# A list's last item that only sends the reader to another site, which the page shows as a link.
LIST_POINTER = re.compile(LINK_POINTER, re.IGNORECASE)


class ReplyKind(StrEnum):
    ANSWER = "answer"  # excerpts with citations
    ABSTAIN = "abstain"  # nothing in the corpus answers it; offer to forward to staff
    CHOOSE = "choose"  # several diseases match about equally; ask which
    SMALLTALK = "smalltalk"  # greeting, thanks, off-topic: a fixed short reply
    INVALID = "invalid"  # empty, too long, nothing to search for


@dataclass(frozen=True)
class Citation:
    title: str
    url: str
    section: str  # human label of the section, e.g. "Symptoms"
    passage_id: str
    doc_id: str
    qid: str
    source: str = "GARD"
    note: str = ""  # e.g. "Answered by staff on 2026-11-25"


@dataclass(frozen=True)
class Excerpt:
    """Quoted text: each part is an exact substring of the cited passage; gaps are shown as …"""

    parts: tuple[str, ...]
    citation: Citation
    truncated_end: bool = False
    listed: bool = False  # each part is one item of a list on the page (a phenotype table's features)
    # whole sentences that followed in the passage were left out for room: "more" may show them
    left_out: bool = False

    @property
    def text(self) -> str:
        return SEPARATOR.join(self.parts) + ("…" if self.truncated_end else "")

    @property
    def display(self) -> str:
        """The text laid out to read: a flattened symptom table gets one line per row. Only
        spaces become line breaks; every word stays as the page has it. A list's items get a
        line each."""
        if self.listed:
            return "\n".join([*(f"• {part}" for part in self.parts), *(["…"] if self.truncated_end else [])])
        head, header, rows = self.text.partition(TABLE_HEADER)
        if not header:
            return inline_lists(self.text)
        return f"{head}{header}\n" + TABLE_ITEM_END.sub(lambda m: f"{m.group(1)}\n", rows.strip())


def inline_lists(text: str) -> str:
    """A run-together list after a colon laid out one item a line, as the page shows it. Only
    the spaces between items become line breaks with a bullet; every word stays as it is. The
    list ends where a sentence starts ("The Human Phenotype Ontology ...", "Although ...")."""
    out: list[str] = []
    at = 0
    for lead in LIST_LEAD.finditer(text):
        if lead.start() < at:
            continue
        end = LIST_END.search(text, lead.end())
        stop = end.start() if end else len(text)
        items = _items(text, lead.end(), stop)
        if len(items) < MIN_ITEMS:
            continue
        pointer = LIST_POINTER.search(text, *items[-1]) is not None
        if pointer:  # "Medscape Reference's Web site offers more ...": no item to read, left out
            items = items[:-1]
        out.append(text[at : lead.start() + 1])  # the lead, to its colon
        out.append("".join(f"\n• {text[a:b]}" for a, b in items))
        at = items[-1][1]
        if pointer:
            at = end.end() if end is not None and end.group(0) in ".!?" else stop
        elif at == stop and end is not None and end.group(0) in ".!?":  # its end stays on the last item
            out.append(end.group(0))
            at = end.end()
        rest = text[at:]
        if _only_a_pointer(rest):  # "For a comprehensive listing ..., please click here.": no link here
            at, rest = len(text), ""
        if rest.strip():  # what follows the list starts a line of its own
            out.append("\n")
            at += len(rest) - len(rest.lstrip())
    out.append(text[at:])
    return "".join(out)


def _only_a_pointer(rest: str) -> bool:
    """Whether what follows a list is one last sentence that only sends the reader to a link
    the page showed, which a quote can't: it is left out of the layout, as a list's pointer
    item is."""
    if not LIST_POINTER.search(rest):
        return False
    end = LIST_END.search(rest)
    return end is None or not rest[end.end() :].strip().strip("…")


def _items(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """Spans of a list's items in text[start:stop]: split where a capital starts an item, names
    kept whole ("Medscape Reference's Web site"), and ended by the first item that starts a
    sentence instead."""
    spans: list[tuple[int, int]] = []
    begin = start
    for gap in ITEM_START.finditer(text, start, stop):
        spans.append((begin, gap.start()))
        begin = gap.end()
    spans.append((begin, stop))
    kept: list[tuple[int, int]] = []
    for a, b in spans:
        item = text[a:b]
        first = item.split(" ", 1)[0]
        if first.rstrip(",") in SENTENCE_STARTS:
            break  # the list is over, or was never one: a sentence follows
        previous = text[kept[-1][0] : kept[-1][1]] if kept else ""
        name_goes_on = (
            previous.endswith(POSSESSIVE)
            or (first.endswith(POSSESSIVE) and " " not in previous)
            or item.rstrip(".,;") in NAME_HEADS  # "Tangier Disease": a name's head word
        )
        if kept and name_goes_on:
            kept[-1] = (kept[-1][0], b)  # a name goes on: one item
        else:
            kept.append((a, b))
    return kept


@dataclass(frozen=True)
class Choice:
    doc_id: str
    title: str


@dataclass
class Reply:
    kind: ReplyKind
    message: str = ""  # fixed bot text shown before excerpts (or alone)
    excerpts: list[Excerpt] = field(default_factory=list)
    disease: str | None = None  # title of the page answered from / detected
    doc_id: str | None = None
    qtype: str | None = None
    other_names: list[str] = field(default_factory=list)
    confidence: float = 0.0
    choices: list[Choice] = field(default_factory=list)
    notice: str = ""  # "information, not medical advice"
    can_forward: bool = False  # offer "Ask a specialist"
    partial: bool = False  # the page lacks the section asked about: a specialist may know more
    has_more: bool = False
    candidates: list[Citation] = field(default_factory=list)  # best pages, for staff
    reason: str = ""  # why the engine abstained, where it says: "no_page" (a disease with no page)
    ask: Ask | None = None  # what the question asked beyond the section (a ticket carries it)
    unsaid: bool = False  # the page says nothing of the ask, and the message says so first

    @property
    def answered(self) -> bool:
        return self.kind is ReplyKind.ANSWER and bool(self.excerpts)

    def to_text(self) -> str:
        """Plain-text rendering for the console and logs; citations as bare URLs."""
        lines: list[str] = []
        if self.message:
            lines.append(self.message)
        for excerpt in self.excerpts:
            cite = excerpt.citation
            lines.append(f"“{excerpt.display}”")
            where = f" ({cite.note})" if cite.note else ""
            lines.append(f"   — {cite.title}, {cite.section}{where}: {cite.url or 'no link'}")
        if self.other_names:
            lines.append("Other names: " + "; ".join(self.other_names))
        for number, choice in enumerate(self.choices, 1):
            lines.append(f"  {number}. {choice.title}")
        if self.notice:
            lines.append(self.notice)
        return "\n".join(lines)
