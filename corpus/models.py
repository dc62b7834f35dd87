"""The corpus as the rest of gardbot sees it: pages of sections, and passages cut from them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Section:
    """One question/answer pair of a page; qtype says what the answer is about."""

    qid: str
    qtype: str
    question: str
    answer: str


@dataclass(frozen=True)
class Page:
    """A disease page: its name (focus), other names, and its sections."""

    source: str
    collection: str
    doc_id: str
    url: str
    title: str
    synonyms: tuple[str, ...]
    sections: tuple[Section, ...]
    path: str = ""


@dataclass(frozen=True)
class Passage:
    """A piece of one section that is indexed, ranked and quoted on its own.

    `text` is the exact answer text the passage covers, so any excerpt quoted from it is verbatim
    page text. Page fields are repeated so a passage can be cited without its page.
    """

    passage_id: str
    source: str
    collection: str
    doc_id: str
    qid: str
    qtype: str
    title: str
    url: str
    synonyms: tuple[str, ...]
    question: str
    text: str
    position: int = 0
    kind: str = "page"
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["synonyms"] = list(self.synonyms)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Passage:
        data = dict(data)
        data["synonyms"] = tuple(data.get("synonyms") or ())
        return cls(**data)

    @classmethod
    def from_index(cls, fields: dict, text: str) -> Passage:
        """A passage from an index's own rows, which hold every field (to_dict): made without
        __init__, whose frozen field-by-field setting is most of the cost of reading one."""
        if len(fields) != len(cls.__dataclass_fields__) - 1:  # not every field: let __init__ check
            return cls.from_dict({**fields, "text": text})
        passage = object.__new__(cls)
        passage.__dict__.update(fields)
        passage.__dict__["text"] = text
        return passage


@dataclass
class LoadReport:
    """What loading skipped, so the CLI can say it instead of failing silently."""

    files: int = 0
    pages: int = 0
    sections: int = 0
    empty_answers: int = 0
    replaced: dict[str, str] = field(default_factory=dict)  # MedQuAD doc id -> its replacement's
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def merge(self, other: LoadReport) -> None:
        self.files += other.files
        self.pages += other.pages
        self.sections += other.sections
        self.empty_answers += other.empty_answers
        self.replaced.update(other.replaced)
        self.skipped.extend(other.skipped)
