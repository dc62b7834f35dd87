"""What the engine remembers of one chat between two messages.

The stores keep it as a JSON-able dict (ConversationStore), so the state round-trips through
to_dict/from_dict; from_dict also reads states saved before this class existed, which had the same
keys minus `quoted`, and shrugs off keys it doesn't know.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

MAX_QUOTED = 200  # sentences remembered per disease: far more than any page has
MIN_CUT = 80  # a quoted start this long stands for its sentence ("Treatment" is no such start)


@dataclass
class ConversationState:
    """The disease under discussion and what of it the chat has seen.

    `shown` and `quoted` cover every answer about `doc_id` since the chat turned to it, not just
    the last one, so neither "more" nor a follow-up quotes the same passage or sentence twice
    (passages overlap by a sentence, and pages repeat sections). `ranked` is the last question's
    ranking, which "more" walks on. A pending choice keeps the question that offered it.
    """

    doc_id: str | None = None
    question: str = ""
    qtype: str | None = None
    ranked: list[str] = field(default_factory=list)  # passage ids, best first
    shown: list[str] = field(default_factory=list)  # passage ids used up for doc_id
    quoted: list[str] = field(default_factory=list)  # sentences (or their cut start) quoted for doc_id
    pending_question: str = ""
    pending_choices: list[str] = field(default_factory=list)  # doc ids offered
    updated_at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Field by field, lists copied: what dataclasses.asdict gives, without its deep copy
        of every string (a state is saved after every message)."""
        return {
            spec.name: list(value) if isinstance(value := getattr(self, spec.name), list) else value
            for spec in fields(self)
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ConversationState:
        """A state from what a store saved, however old; a damaged value falls back to empty
        rather than failing the user's message."""
        data = data if isinstance(data, dict) else {}
        state = cls()
        for spec in fields(cls):
            value = data.get(spec.name)
            default = getattr(state, spec.name)
            if isinstance(default, list):
                if isinstance(value, list):
                    setattr(state, spec.name, [str(v) for v in value])
            elif spec.name == "updated_at":
                if isinstance(value, int | float):
                    state.updated_at = float(value)
            elif isinstance(value, str):
                setattr(state, spec.name, value)
        return state

    def remember(self, passage_ids: list[str], sentences: list[str]) -> None:
        """Record what a reply quoted, so later replies about this disease skip it."""
        self.shown.extend(p for p in passage_ids if p not in self.shown)
        self.quoted.extend(s for s in sentences if s not in self.quoted)
        del self.quoted[:-MAX_QUOTED]

    def was_quoted(self, sentence: str) -> bool:
        """Quoted before, whole or as the start that a cut excerpt showed."""
        sentence = sentence.strip()
        return any(sentence == q or (len(q) >= MIN_CUT and sentence.startswith(q)) for q in self.quoted)
