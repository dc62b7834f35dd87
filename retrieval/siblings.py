"""The same disease's pages in MedQuAD's other NIH collections: "sibling pages".

GARD's page on a disease may not say what a question asks ("What is the outlook for
polymyositis?") while NINDS's or Genetics Home Reference's page on the same disease does. Those
pages are in MedQuAD too (data/medquad/3_GHR_QA, 6_NINDS_QA, ...). When the GARD page carries no
sentence for the ask, the engine may quote one from a sibling page, named by its source and cited
by its own address.

Quoting another disease's page would be the worst failure, so "the same disease" is strict: the
other page's title equals (ignoring case and punctuation) the GARD page's title or one of its
synonyms, or the GARD page's title equals one of the other page's synonyms; never through a name
two GARD pages share, and never for a page whose title is another GARD page's title.

The mapping and the sibling pages' passages are made at index build and saved beside the index
as two files: `siblings.json` (GARD doc id -> where its siblings are in `siblings.jsonl`, plus the
siblings' own boilerplate) and `siblings.jsonl` (one line of passages per GARD page). A process
reads `siblings.json` on the first question that needs it and one line per page it quotes, so
start-up and memory stay as they were.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from corpus.boilerplate import find_boilerplate
from corpus.medquad import collection_folders, parse_page
from corpus.models import LoadReport, Page, Passage
from corpus.passages import ChunkSettings, make_passages
from retrieval.analyzer import fold

log = logging.getLogger(__name__)

MAP_FILE = "siblings.json"
PAGES_FILE = "siblings.jsonl"
RULE = 3  # the matching rule's version: part of an index's identity (retrieval/build.py)
# Collections tried in this order (the one with sections on outlook, research and treatment
# first), with the name a reply gives each source. CancerGov is NCI's.
SOURCES: dict[str, str] = {
    "6_NINDS_QA": "NINDS",
    "3_GHR_QA": "Genetics Home Reference",
    "5_NIDDK_QA": "NIDDK",
    "8_NHLBI_QA_XML": "NHLBI",
    "1_CancerGov_QA": "NCI",
    "4_MPlus_Health_Topics_QA": "MedlinePlus",
    "7_SeniorHealth_QA": "NIHSeniorHealth",
    "9_CDC_QA": "CDC",
}
NOT_A_LETTER = re.compile(r"[^a-z0-9]+")
POSSESSIVE = re.compile(r"'s\b")  # "Parkinson's disease" is "Parkinson disease"
MIN_SHARED_NAMES = 2  # names a page must share with a GARD page, through synonyms, to be on it
# Words a title's initials skip: "Benign Essential Blepharospasm" is BEB, "Tetralogy of Fallot" TF.
INITIALS_SKIP = frozenset({"of", "and", "with", "the", "in", "to", "for", "or"})
# A section that only lists other sites ("These resources address the diagnosis or management of
# X: - Gene Review: ... - Genetic Testing Registry: ...", every GHR treatment section) says
# nothing to quote; its list items would read as carriers of a test or a treatment.
RESOURCE_LIST = re.compile(r"^\s*these resources\b", re.IGNORECASE)


def name_key(name: str) -> str:
    """A name as compared across collections: case, accents and punctuation ignored."""
    return NOT_A_LETTER.sub(" ", POSSESSIVE.sub("", fold(name))).strip()


def sibling_collections(corpus_path: Path, selected: list[str]) -> list[str]:
    """The known collections present beside the selected ones, in the order they are tried;
    none when the selection has no GARD pages to stand beside."""
    if "2_GARD_QA" not in selected:
        return []
    present = set(collection_folders(corpus_path)) - set(selected)
    return [name for name in SOURCES if name in present]


def identity(corpus_path: Path, selected: list[str]) -> dict:
    """What the saved siblings depend on, checked at start-up: the rule and each sibling
    folder's modification time (a file added or removed changes it). A stat per folder."""
    folders = {}
    for name in sibling_collections(corpus_path, selected):
        try:
            folders[name] = os.stat(corpus_path / name).st_mtime_ns
        except OSError:
            continue
    return {"rule": RULE, "collections": folders}


def match_siblings(gard: list[Page], others: list[Page]) -> dict[str, list[Page]]:
    """GARD doc id -> the other collections' pages on the same disease (module docstring)."""
    titles: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)  # every name, title or synonym -> its pages
    for page in gard:
        titles[name_key(page.title)].add(page.doc_id)
        for name in page_names(page):
            names[name].add(page.doc_id)
    gard_titles = {page.doc_id: name_key(page.title) for page in gard}
    found: dict[str, list[Page]] = defaultdict(list)
    for other in others:
        doc_id = _same_disease(other, titles, names, gard_titles)
        if doc_id is not None:
            found[doc_id].append(other)
    return dict(found)


def page_names(page: Page) -> set[str]:
    """A page's title and synonyms, as compared (name_key)."""
    return {key for key in map(name_key, (page.title, *page.synonyms)) if key}


def title_initials(title: str) -> str | None:
    """The initials of a title of two words or more ("benign essential blepharospasm" -> "beb"),
    the abbreviation a page goes by whether or not it lists it; None for a one-word title."""
    words = [w for w in name_key(title).split() if w not in INITIALS_SKIP]  # name_key splits "-"
    return "".join(w[0] for w in words) if len(words) >= 2 else None


def _same_disease(
    other: Page, titles: dict[str, set[str]], names: dict[str, set[str]], gard_titles: dict[str, str]
) -> str | None:
    """The one GARD page `other` is on, or None when there is none or more than one.

    The same title settles it. Through a synonym, one shared name is not enough: GARD's pages
    list subtypes and relatives among their synonyms ("Juvenile Paget disease" on "Paget disease
    of bone", "Clouston syndrome" on "Palmoplantar keratoderma"), and GHR's and MedlinePlus's do
    too ("Ulcerative proctitis" on "Ulcerative colitis"). So the title of one must be a name of
    the other, and the two must share a second name besides, each a name of no other GARD page;
    and the other page must have no other GARD page's title, or name of no other, among its own.
    A title's initials count as a shared name (title_initials).
    """
    title = name_key(other.title)
    if title in titles:  # another page's title names that page and no other
        return next(iter(titles[title])) if len(titles[title]) == 1 else None
    # the title's initials count as a shared name: NINDS's "Benign Essential Blepharospasm" lists
    # no "BEB", while GARD's "Blepharospasm" lists both. They name no other page, though: "Hodgkin
    # disease" is not about HD (Huntington disease).
    listed = page_names(other)
    own = listed | {i for i in [title_initials(other.title)] if i}
    shared: dict[str, int] = defaultdict(int)
    for name in own:
        if len(names.get(name, ())) == 1:  # a name two GARD pages share names neither
            shared[next(iter(names[name]))] += 1
    candidates = {
        doc_id
        for doc_id, count in shared.items()
        if count >= MIN_SHARED_NAMES and (gard_titles[doc_id] in own or doc_id in names.get(title, ()))
    }
    if len(candidates) != 1:
        return None
    doc_id = next(iter(candidates))
    # a page that has another GARD page's name among its own covers that one too (GHR's
    # "galactosemia" lists the types GARD has pages on): it is no page on this disease alone
    named = {d for name in listed for d in titles.get(name, ())}
    named |= {d for name in listed if len(names.get(name, ())) == 1 for d in names[name]}
    return doc_id if named <= {doc_id} else None


def read_others(corpus_path: Path, collections: list[str]) -> list[Page]:
    """The pages of the sibling collections; unreadable files are left out quietly (they are
    no part of the index, and the all-collections build reports them)."""
    pages = []
    report = LoadReport()
    for collection in collections:
        for path in sorted((corpus_path / collection).glob("*.xml")):
            try:
                pages.append(parse_page(path, collection, report))
            except (ValueError, OSError) as exc:
                log.debug("sibling pages: skipping %s: %s", path, exc)
    return pages


def quotable_page(page: Page) -> Page:
    """The page without sections that only list other sites, and with its doc id marked by its
    source (a GHR doc id may be a GARD one's number)."""
    sections = tuple(s for s in page.sections if not RESOURCE_LIST.match(s.answer))
    return replace(page, sections=sections, doc_id=f"{page.collection}/{page.doc_id}")


def build_files(
    corpus_path: Path, selected: list[str], gard: list[Page], chunk: ChunkSettings
) -> dict[str, bytes]:
    """The two sibling files for an index folder (empty when no sibling collection is present).
    Passages are cut as the index's are, with the splitter trained for it."""
    collections = sibling_collections(corpus_path, selected)
    others = [quotable_page(p) for p in read_others(corpus_path, collections)]
    order = {name: place for place, name in enumerate(SOURCES)}
    matched = match_siblings(gard, others)
    boilerplate = sorted(find_boilerplate(make_passages(others, chunk))) if matched else []
    lines: list[bytes] = []
    where: dict[str, list[int]] = {}
    offset = 0
    for doc_id, pages in sorted(matched.items()):
        pages = sorted(pages, key=lambda p: (order.get(p.collection, len(order)), p.doc_id))
        passages = [[p.to_dict() for p in make_passages([page], chunk)] for page in pages]
        line = (json.dumps({"doc_id": doc_id, "pages": passages}, ensure_ascii=False) + "\n").encode()
        where[doc_id] = [offset, len(line)]
        offset += len(line)
        lines.append(line)
    index = {"boilerplate": boilerplate, "docs": where}
    return {MAP_FILE: json.dumps(index).encode(), PAGES_FILE: b"".join(lines)}


class SiblingPages:
    """The sibling pages saved with an index, read when first asked for (one line a page)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._docs: dict[str, list[int]] | None = None
        self._boilerplate: set[str] = set()

    def _open(self) -> dict[str, list[int]]:
        if self._docs is None:
            self._docs = {}
            path = self.folder / MAP_FILE if self.folder is not None else None
            if path is not None and path.exists():
                data = json.loads(path.read_text(encoding="utf-8"))
                self._docs = data.get("docs", {})
                self._boilerplate = set(data.get("boilerplate", ()))
        return self._docs

    def boilerplate(self) -> set[str]:
        """Sentence templates the sibling collections repeat on many pages (site text)."""
        self._open()
        return self._boilerplate

    def pages(self, doc_id: str) -> list[list[Passage]]:
        """The passages of each sibling page of a GARD page, in the order they are tried."""
        where = self._open().get(doc_id)
        if where is None or self.folder is None:
            return []
        with open(self.folder / PAGES_FILE, "rb") as handle:
            handle.seek(where[0])
            data = json.loads(handle.read(where[1]))
        return [[Passage.from_dict(p) for p in page] for page in data.get("pages", [])]


def source_name(passage: Passage) -> str:
    """The name a reply gives a sibling page's source ("NINDS")."""
    return SOURCES.get(passage.collection, passage.source)
