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
            return self.text
        return f"{head}{header}\n" + TABLE_ITEM_END.sub(lambda m: f"{m.group(1)}\n", rows.strip())


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
