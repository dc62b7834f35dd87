"""Read plain-text GARD pages saved from the old rarediseases.info.nih.gov site.

Such a page holds the disease name, "Other Names for this Disease", a summary, references and a
lot of site furniture. Only the name, other names and summary are kept; the summary becomes one
`information` section so it is indexed like a MedQuAD page. A saved page may also carry its own
address on a line of its own ("URL: https://rarediseases.info.nih.gov/gard/7146/..."): it is
kept as the page's URL, which is how a newer page finds the MedQuAD page it replaces.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from corpus.medquad import normalize_text
from corpus.models import LoadReport, Page, Section

log = logging.getLogger(__name__)

BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^your browser does not support javascript",
        r"^genetic and rare diseases information center",
        r"^print friendly version",
        r"^see disclaimer regarding information",
        r"^on this page$",
        r"^in depth information$",
        r"^last updated:",
        r"^((url|source|address|page)\s*:\s*)?https?://\S+$",  # an address line, not text to quote
    )
]
END_OF_SUMMARY = re.compile(
    r"^(last updated:|\d+\.\s|your questions answered|references$|on this page$"
    r"|in depth information$)",
    re.IGNORECASE,
)
BULLET = re.compile(r"^[•\-*\u2022]\s*")
OTHER_NAMES = re.compile(r"^other names for this disease", re.IGNORECASE)
ADDRESS_LINE = re.compile(r"^(?:(?:url|source|address|page)\s*:\s*)?(https?://\S+)$", re.IGNORECASE)
GARD_PAGE = re.compile(r"^https?://(www\.)?rarediseases\.info\.nih\.gov/gard/", re.IGNORECASE)


def page_url(text: str) -> str:
    """The page's own GARD address: the first line that is only a GARD disease page URL
    (possibly labelled "URL:"); "" when the saved text has none. A link inside a sentence is
    not taken: summaries point at other pages too."""
    for line in text.splitlines():
        address = ADDRESS_LINE.match(line.strip())
        if address and GARD_PAGE.match(address.group(1)):
            return address.group(1)
    return ""


def parse_gard_text(text: str, name: str) -> tuple[str, list[str], str]:
    """Title, other names and summary of one page's text; raises ValueError when there is none."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    title = ""
    synonyms: list[str] = []
    summary: list[str] = []
    state = "head"
    for line in lines:
        if state == "head":
            if OTHER_NAMES.match(line):
                state = "names"
            elif not any(p.match(line) for p in BOILERPLATE):
                if not title:
                    title = line
                else:
                    state = "summary"
                    summary.append(line)
            continue
        if state == "names":
            if BULLET.match(line):
                synonyms.append(BULLET.sub("", line))
                continue
            state = "summary"
        if state == "summary":
            if END_OF_SUMMARY.match(line):
                break
            if not any(p.match(line) for p in BOILERPLATE):
                summary.append(line)
    if not title:
        raise ValueError("no disease name found")
    body = normalize_text("\n".join(summary))
    if not body:
        raise ValueError("no summary text found")
    return title, synonyms, body


def iter_page_dir(folder: Path, report: LoadReport) -> Iterator[Page]:
    """Pages from every .txt file of a folder; unreadable pages are skipped with a warning."""
    for path in sorted(folder.glob("*.txt")):
        report.files += 1
        try:
            text = path.read_text(encoding="utf-8")
            title, synonyms, body = parse_gard_text(text, path.stem)
        except (OSError, ValueError) as exc:
            log.warning("skipping %s: %s", path, exc)
            report.skipped.append((str(path), str(exc)))
            continue
        doc_id = f"page-{path.stem}"
        report.pages += 1
        report.sections += 1
        yield Page(
            source="GARD",
            collection=folder.name,
            doc_id=doc_id,
            url=page_url(text),
            title=title,
            synonyms=tuple(s for s in synonyms if s.lower() != title.lower()),
            sections=(Section(f"{doc_id}-1", "information", f"What is {title}?", body),),
            path=str(path),
        )
