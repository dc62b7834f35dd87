"""Find, check and (re)build the index for a corpus selection.

One index folder per corpus path + collection list + page folders, named by a hash of them, so
switching collections never reuses the wrong index. An index is stale when the corpus files, the
analyzer, the chunk settings, the sentence splitter or the name table's format changed; stale and
missing indexes are rebuilt on first use. A build trains the sentence splitter (NLTK's Punkt) on
the corpus first.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from corpus import boilerplate, sentences
from corpus.boilerplate import find_boilerplate
from corpus.load import corpus_fingerprint, load_pages
from corpus.medquad import resolve_collections
from corpus.passages import ChunkSettings, make_passages
from retrieval import analyzer, siblings
from retrieval.index import FORMAT_VERSION, SENTENCES_SIDECAR, IndexCorruptError, PassageIndex, read_meta
from retrieval.names import NAMES_FORMAT, NameIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CorpusSelection:
    """Which pages an index covers."""

    corpus_path: Path
    collections: tuple[str, ...] = ("2_GARD_QA",)
    page_dirs: tuple[Path, ...] = ()

    def resolved(self) -> list[str]:
        return resolve_collections(self.corpus_path, self.collections)

    def key(self) -> str:
        """Folder name of this selection's index: readable prefix plus a hash of the details."""
        parts = [str(self.corpus_path.resolve()), *self.resolved(), *map(str, self.page_dirs)]
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
        label = (
            "all"
            if [c.lower() for c in self.collections] == ["all"]
            else "+".join(c.split("_", 1)[0] for c in self.resolved())
        )
        return f"{label[:40]}-{digest}"

    def fingerprint(self) -> str:
        return corpus_fingerprint(self.corpus_path, self.resolved(), self.page_dirs)


def expected_meta(selection: CorpusSelection, chunk: ChunkSettings) -> dict:
    return {
        "format": FORMAT_VERSION,
        "corpus_path": str(selection.corpus_path.resolve()),
        "collections": selection.resolved(),
        "page_dirs": [str(p) for p in selection.page_dirs],
        "fingerprint": selection.fingerprint(),
        "analyzer": analyzer.settings(),
        "chunk": asdict(chunk),
        "boilerplate_rule": boilerplate.RULE,
        "sentences": sentences.SPLITTER,
        "names": NAMES_FORMAT,  # a saved name table of another format would be remade at every start
        "siblings": siblings.identity(selection.corpus_path, selection.resolved()),
    }


def index_folder(index_root: Path, selection: CorpusSelection) -> Path:
    return index_root / selection.key()


def is_current(folder: Path, expected: dict) -> bool:
    """True when a readable index exists and was built from the same corpus and settings."""
    if not (folder / "meta.json").exists():
        return False
    meta = read_meta(folder)
    return all(json.dumps(meta.get(k)) == json.dumps(v) for k, v in expected.items())


def build_index(
    selection: CorpusSelection,
    index_root: Path,
    chunk: ChunkSettings | None = None,
    progress: bool = True,
) -> tuple[PassageIndex, dict]:
    """Read the corpus, cut passages, index and save them; returns the index and build figures."""
    chunk = chunk or ChunkSettings()
    started = time.perf_counter()
    meta = expected_meta(selection, chunk)
    pages, report = load_pages(selection.corpus_path, selection.collections, selection.page_dirs)
    # Punkt learns the corpus's abbreviations before passages are cut on its sentence boundaries;
    # what it learned is saved with the index, so a process that opens it cuts sentences alike.
    splitter = sentences.train(section.answer for page in pages for section in page.sections)
    sentences.use(splitter)
    passages = make_passages(pages, chunk)
    bar = None
    if progress:
        from tqdm import tqdm  # only a build shows a progress bar; opening an index needs none

        bar = lambda items: tqdm(items, desc="indexing passages", unit="passage")  # noqa: E731
    meta["boilerplate"] = sorted(find_boilerplate(passages))
    meta["replaced_pages"] = report.replaced  # published answers filed under them move along
    index = PassageIndex.build(passages, meta, progress=bar)
    index.sidecars["names"] = NameIndex(passages).to_data()  # read at start-up instead of rebuilt
    index.sidecars[SENTENCES_SIDECAR] = splitter.to_data()
    # the same diseases' pages in the other collections, quoted when GARD's doesn't say
    index.files.update(siblings.build_files(selection.corpus_path, selection.resolved(), pages, chunk))
    folder = index_folder(index_root, selection)
    index.save(folder)
    figures = {
        "folder": str(folder),
        "pages": len(pages),
        "sections": report.sections,
        "empty_answers": report.empty_answers,
        "skipped_files": len(report.skipped),
        "passages": len(passages),
        "terms": len(index.bm25.vocab),
        "seconds": round(time.perf_counter() - started, 2),
    }
    log.info("%s", built_sentence(figures))
    return index, figures


def built_sentence(figures: dict) -> str:
    """The build figures as one line a person reads on the first run, not a Python dict."""
    folder = Path(figures["folder"])
    if folder.is_absolute() and folder.is_relative_to(Path.cwd()):
        folder = folder.relative_to(Path.cwd())  # data/index/... when run from the project
    empty = figures.get("empty_answers", 0)
    skipped = f"; {empty:,} empty answers left out" if empty else ""
    return (
        f"built the index of {figures['pages']:,} pages ({figures['passages']:,} passages, "
        f"{figures['terms']:,} terms{skipped}) in {figures['seconds']:.1f} s at {folder}"
    )


def open_index(
    selection: CorpusSelection,
    index_root: Path,
    chunk: ChunkSettings | None = None,
    progress: bool = True,
) -> PassageIndex:
    """The current index for a selection, built first when missing or stale.

    A damaged index is not silently replaced: IndexCorruptError tells the user to rebuild.
    """
    chunk = chunk or ChunkSettings()
    folder = index_folder(index_root, selection)
    expected = expected_meta(selection, chunk)
    if is_current(folder, expected):
        return PassageIndex.load(folder)
    if (folder / "meta.json").exists():
        log.info("index at %s is out of date with the corpus; rebuilding", folder)
    else:
        log.info("no index for this corpus yet; building it at %s", folder)
    index, _ = build_index(selection, index_root, chunk, progress)
    return index


__all__ = ["CorpusSelection", "IndexCorruptError", "build_index", "open_index"]
