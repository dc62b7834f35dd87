"""Read MedQuAD XML pages, in all three layouts the dataset uses.

Most files are `<Document id source url>` with `<Focus>`, `<Synonyms>` and `<QAPair>`s; one CDC file
is a `<DiseaseFile fid ...>`, and a few NINDS files are lower-case `<doc docid corpus url>` with
`<doctitle-focus>` and `<pair>`s. Tags are compared case-insensitively so all three read the same.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from corpus.models import LoadReport, Page, Section

log = logging.getLogger(__name__)

COLLECTION_PATTERN = re.compile(r"^\d+_.+")
ROOT_TAGS = {"document", "diseasefile", "doc"}


class CorpusError(Exception):
    """The corpus is missing or unusable; the message says how to get it."""


def normalize_text(text: str | None) -> str:
    """Collapse runs of spaces inside lines and drop blank lines; keeps line breaks as breaks."""
    if not text:
        return ""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _tag(element: ET.Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _child(element: ET.Element, *names: str) -> ET.Element | None:
    for child in element:
        if _tag(child) in names:
            return child
    return None


def _first_text(root: ET.Element, *names: str) -> str:
    for element in root.iter():
        if _tag(element) in names and element.text and element.text.strip():
            return normalize_text(element.text)
    return ""


def parse_page(path: Path, collection: str, report: LoadReport) -> Page:
    """Parse one XML file; raises ValueError with a reason when the file can't be a page."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"malformed XML ({exc})") from None
    if _tag(root) not in ROOT_TAGS:
        raise ValueError(f"unexpected root element <{root.tag}>")
    attrs = {key.lower(): value for key, value in root.attrib.items()}
    doc_id = attrs.get("id") or attrs.get("fid") or attrs.get("docid") or path.stem
    source = attrs.get("source") or attrs.get("corpus") or collection.split("_", 1)[-1]
    title = _first_text(root, "focus", "doctitle-focus")
    if not title:
        raise ValueError("no <Focus> (disease name)")

    synonyms: list[str] = []
    for element in root.iter():
        if _tag(element) == "synonym" and element.text and element.text.strip():
            name = normalize_text(element.text)
            if name.lower() != title.lower() and name not in synonyms:
                synonyms.append(name)

    sections: list[Section] = []
    for pair in root.iter():
        if _tag(pair) not in {"qapair", "pair"}:
            continue
        question = _child(pair, "question")
        answer = _child(pair, "answer")
        answer_text = normalize_text(answer.text if answer is not None else "")
        if not answer_text:
            report.empty_answers += 1
            continue
        q_attrs = {k.lower(): v for k, v in (question.attrib if question is not None else {}).items()}
        qid = q_attrs.get("qid") or f"{doc_id}-{pair.get('pid', len(sections) + 1)}"
        sections.append(
            Section(
                qid=qid,
                qtype=(q_attrs.get("qtype") or "information").strip().lower(),
                question=normalize_text(question.text if question is not None else ""),
                answer=answer_text,
            )
        )
    return Page(
        source=source,
        collection=collection,
        doc_id=doc_id,
        url=attrs.get("url", ""),
        title=title,
        synonyms=tuple(synonyms),
        sections=tuple(sections),
        path=f"{collection}/{path.name}",
    )


def collection_folders(corpus_path: Path) -> list[str]:
    """Names of the collection folders present (e.g. 2_GARD_QA), in their numbered order."""
    if not corpus_path.is_dir():
        return []
    return sorted(
        (p.name for p in corpus_path.iterdir() if p.is_dir() and COLLECTION_PATTERN.match(p.name)),
        key=lambda name: (int(name.split("_", 1)[0]), name),
    )


def resolve_collections(corpus_path: Path, collections: tuple[str, ...] | list[str]) -> list[str]:
    """Expand `all` and check that every named collection exists, with a helpful error."""
    present = collection_folders(corpus_path)
    if not corpus_path.exists():
        raise CorpusError(
            f"corpus folder {corpus_path} does not exist. Run `make setup` (links ../shared/data/"
            "medquad or downloads MedQuAD), `gardbot corpus download`, or point GARDBOT_CORPUS / "
            "--corpus at a MedQuAD copy."
        )
    wanted = list(collections) or ["2_GARD_QA"]
    if [c.lower() for c in wanted] == ["all"]:
        if not present:
            raise CorpusError(f"no MedQuAD collection folders (like 2_GARD_QA) in {corpus_path}")
        return present
    missing = [name for name in wanted if name not in present]
    if missing:
        raise CorpusError(
            f"collection(s) {', '.join(missing)} not found in {corpus_path}; present: "
            f"{', '.join(present) or 'none'}. Set corpus.collections, GARDBOT_COLLECTIONS or "
            "--collections."
        )
    return wanted


def iter_collection(corpus_path: Path, collection: str, report: LoadReport) -> Iterator[Page]:
    """Pages of one collection folder in file-name order; bad files are skipped with a warning."""
    for path in sorted((corpus_path / collection).glob("*.xml")):
        report.files += 1
        try:
            page = parse_page(path, collection, report)
        except (ValueError, OSError) as exc:
            log.warning("skipping %s: %s", path, exc)
            report.skipped.append((str(path), str(exc)))
            continue
        report.pages += 1
        report.sections += len(page.sections)
        yield page
