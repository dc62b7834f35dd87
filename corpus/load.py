"""Load every configured source of pages into one list, plus a fingerprint of the files read."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from corpus.gard_pages import iter_page_dir
from corpus.medquad import CorpusError, iter_collection, resolve_collections
from corpus.models import LoadReport, Page

log = logging.getLogger(__name__)


def corpus_files(corpus_path: Path, collections: list[str], page_dirs: tuple[Path, ...] = ()) -> list[Path]:
    files = [f for c in collections for f in sorted((corpus_path / c).glob("*.xml"))]
    return files + [f for d in page_dirs for f in sorted(d.glob("*.txt"))]


def corpus_fingerprint(corpus_path: Path, collections: list[str], page_dirs: tuple[Path, ...] = ()) -> str:
    """Changes whenever a file is added, removed or modified; cheap enough to check at start-up.

    Every start checks it, so it lists folders with os.scandir rather than Path.glob (a third
    of the time on GARD's 2,685 files); it digests the same files in the same order as
    corpus_files, so an index's fingerprint does not change with the method.
    """
    digest = hashlib.sha256()
    folders = [(corpus_path / c, ".xml") for c in collections] + [(d, ".txt") for d in page_dirs]
    for folder, suffix in folders:
        try:
            entries = sorted((e for e in os.scandir(folder) if e.name.endswith(suffix)), key=lambda e: e.name)
        except FileNotFoundError:
            continue
        for entry in entries:
            if not entry.is_file():
                continue
            stat = entry.stat()
            digest.update(f"{entry.name}\0{folder.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def normalize_url(url: str) -> str:
    """A URL as compared to find the same page twice: http and https alike, host in any case,
    with or without a trailing slash. The path keeps its case; servers may tell cases apart."""
    parts = urlsplit(url.strip())
    if not parts.netloc:
        return ""
    path = parts.path.rstrip("/")
    return f"{parts.netloc.lower()}{path}" + (f"?{parts.query}" if parts.query else "")


DEFAULT_COLLECTION = "2_GARD_QA"


def unique_doc_ids(pages: list[Page]) -> list[Page]:
    """MedQuAD numbers each collection's files from 0000001, so with several collections two
    pages share an id and one disease's passages would mix with another's. GARD pages keep their
    ids (citations and the question sets use them); a page of another collection whose id is
    taken gets its collection's number in front ("9-0000022")."""
    taken = {p.doc_id for p in pages if p.collection == DEFAULT_COLLECTION}
    out = []
    for page in pages:
        if page.collection != DEFAULT_COLLECTION and page.doc_id in taken:
            prefix = page.collection.split("_", 1)[0]
            page = replace(
                page,
                doc_id=f"{prefix}-{page.doc_id}",
                sections=tuple(replace(s, qid=f"{prefix}-{s.qid}") for s in page.sections),
            )
        taken.add(page.doc_id)
        out.append(page)
    return out


def load_pages(
    corpus_path: Path,
    collections: tuple[str, ...] | list[str] = ("2_GARD_QA",),
    page_dirs: tuple[Path, ...] = (),
) -> tuple[list[Page], LoadReport]:
    """Pages of the chosen MedQuAD collections, then of the plain-text page folders.

    A plain-text page is cited by the GARD address written in it, or else by the URL of the
    MedQuAD page with the same name. When that address is a MedQuAD page's, the plain page is
    the newer text of the same page and replaces it: a disease that is two pages would be
    offered as a choice between itself and itself, or quoted twice.
    """
    report = LoadReport()
    pages: list[Page] = []
    for collection in resolve_collections(corpus_path, collections):
        pages.extend(iter_collection(corpus_path, collection, report))
    url_by_title = {p.title.lower(): p.url for p in pages if p.url}
    plain: list[Page] = []
    for folder in page_dirs:
        if not folder.is_dir():
            raise CorpusError(f"page folder {folder} does not exist (corpus.page_dirs)")
        for page in iter_page_dir(folder, report):
            plain.append(page if page.url else replace(page, url=url_by_title.get(page.title.lower(), "")))
    newer = {address: p.doc_id for p in plain if (address := normalize_url(p.url))}
    kept = []
    for page in pages:
        replacement = newer.get(normalize_url(page.url)) if page.url else None
        if replacement is None:
            kept.append(page)
        else:
            report.replaced[page.doc_id] = replacement
    if report.replaced:
        log.info(
            "%d MedQuAD page(s) replaced by the page folders' pages of the same URL", len(report.replaced)
        )
    pages = unique_doc_ids(kept) + plain
    if not pages:
        raise CorpusError(f"no readable pages in {corpus_path} ({', '.join(collections)})")
    if report.skipped:
        log.warning("skipped %d unreadable file(s); see warnings above", len(report.skipped))
    return pages, report
