"""Fetch the MedQuAD corpus onto a machine, or link to a copy that is already there.

MedQuAD is not vendored in this repository (it is large and has its own licence), so a fresh
checkout needs a way to get it. On machines that already hold a shared copy we only symlink to
it; everywhere else we download GitHub's archive of the repository and unpack the parts we use.

The download is written so that a failure at any point (network drop, Ctrl-C, a captive portal
answering with HTML) never leaves a half-extracted corpus at the destination: everything happens
in temporary files next to the destination and is moved into place with a single rename at the
end.

Run it as ``python -m corpus.download [--dest data/medquad] [--shared ../shared/data/medquad]``.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

from tqdm import tqdm

logger = logging.getLogger(__name__)

MEDQUAD_ARCHIVE_URL = "https://github.com/abachaa/MedQuAD/archive/refs/heads/master.zip"

DEFAULT_DEST = Path("data/medquad")
DEFAULT_SHARED = Path("../shared/data/medquad")

# Collection folders in MedQuAD are named like "2_GARD_QA" or "8_NHLBI_QA_XML".
COLLECTION_RE = re.compile(r"\d+_.*")
# Top-level files we keep besides the collection folders: the description and the licence,
# which has to travel with the data.
KEPT_FILES = frozenset({"readme.txt", "LICENSE.txt"})

CHUNK_SIZE = 64 * 1024

_USE_EXISTING_HINT = "set GARDBOT_CORPUS or pass --corpus to use a copy you already have"


class DownloadError(RuntimeError):
    """The corpus could not be fetched or installed; the message says what to do about it."""


def is_corpus(path: Path) -> bool:
    """Return True if ``path`` is a directory holding at least one MedQuAD collection folder.

    We only look for the folder layout, not for specific files: it is cheap and enough to tell
    a corpus apart from an empty or unrelated directory.
    """
    try:
        if not path.is_dir():
            return False
        return any(child.is_dir() and COLLECTION_RE.fullmatch(child.name) for child in path.iterdir())
    except OSError:
        return False


def _is_occupied(path: Path) -> bool:
    """True if something at ``path`` would be lost or shadowed by installing a corpus there."""
    if path.is_symlink():
        return path.exists()  # a dangling symlink is just debris we may replace
    if path.is_dir():
        return any(path.iterdir())
    return path.exists()


def download_medquad(
    dest: Path,
    url: str = MEDQUAD_ARCHIVE_URL,
    *,
    progress: bool = True,
    timeout: float = 60,
    force: bool = False,
) -> Path:
    """Download the MedQuAD archive from ``url`` and install its collections at ``dest``.

    Only the collection folders (``1_CancerGov_QA/`` ... ``9_CDC_QA/``), ``readme.txt`` and
    ``LICENSE.txt`` are kept, with the archive's top folder (``MedQuAD-master/``) stripped, so
    ``dest`` ends up looking like ``dest/2_GARD_QA/*.xml``.

    If ``dest`` already holds something we refuse unless ``force`` is set; with ``force`` the old
    content is replaced only after the new corpus has been fully extracted (a symlink at ``dest``
    is removed, never the directory it points to). Returns ``dest``.

    Raises DownloadError for HTTP and network errors, content that is not a zip archive, and
    archives that contain no collection folder.
    """
    dest = Path(dest)
    if _is_occupied(dest) and not force:
        raise DownloadError(
            f"{dest} already exists and is not empty; pass force=True (--force) to replace it, "
            "or remove it first"
        )
    parent = dest.parent
    parent.mkdir(parents=True, exist_ok=True)

    fd, archive_name = tempfile.mkstemp(prefix=f".{dest.name}-", suffix=".zip.part", dir=parent)
    os.close(fd)
    archive = Path(archive_name)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", suffix=".tmp", dir=parent))
    try:
        _fetch(url, archive, progress=progress, timeout=timeout)
        _extract(archive, staging, url=url)
        _move_into_place(staging, dest)
    finally:
        archive.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("MedQuAD installed at %s", dest)
    return dest


def _fetch(url: str, target: Path, *, progress: bool, timeout: float) -> None:
    """Stream ``url`` into ``target``, showing a progress bar sized from Content-Length if sent.

    GitHub's archive endpoint usually streams without a Content-Length, in which case the bar
    just counts bytes.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "gardbot-corpus-download"})
    logger.info("Downloading MedQuAD from %s", url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            with (
                target.open("wb") as out,
                tqdm(
                    total=total,
                    unit="B",
                    unit_scale=True,
                    unit_divisor=1024,
                    desc="MedQuAD",
                    disable=not progress,
                ) as bar,
            ):
                while chunk := response.read(CHUNK_SIZE):
                    out.write(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as exc:
        raise DownloadError(
            f"downloading {url} failed with HTTP {exc.code} {exc.reason}; check the URL "
            f"or {_USE_EXISTING_HINT}"
        ) from exc
    except (urllib.error.URLError, OSError) as exc:  # also covers timeouts and resets
        reason = getattr(exc, "reason", exc)
        raise DownloadError(
            f"could not download {url}: {reason}; check your network connection or {_USE_EXISTING_HINT}"
        ) from exc


def _safe_parts(name: str) -> tuple[str, ...] | None:
    """Split a zip member name into path parts, or return None if it could escape the target.

    Zip entries are attacker-controlled strings: absolute paths, drive letters or ``..``
    components would let an archive write outside the extraction directory ("zip-slip").
    """
    name = name.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or re.match(r"[A-Za-z]:", name):
        return None
    parts = tuple(p for p in path.parts if p not in ("", "."))
    if not parts or ".." in parts:
        return None
    return parts


def _extract(archive: Path, staging: Path, *, url: str) -> None:
    """Extract the parts of the MedQuAD archive we keep from ``archive`` into ``staging``."""
    if not zipfile.is_zipfile(archive):
        size = archive.stat().st_size
        raise DownloadError(
            f"the content downloaded from {url} is not a zip archive ({size} bytes); "
            f"check the URL (a proxy or login page may have answered) or {_USE_EXISTING_HINT}"
        )
    try:
        with zipfile.ZipFile(archive) as zf:
            members: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
            for info in zf.infolist():
                parts = _safe_parts(info.filename)
                if parts is None:
                    logger.warning("Skipping unsafe archive entry %r", info.filename)
                    continue
                members.append((info, parts))

            # GitHub archives wrap everything in one "<repo>-<branch>/" folder; strip it, but
            # also accept an archive made directly from the collection folders.
            tops = {parts[0] for _, parts in members}
            strip = len(tops) == 1 and not COLLECTION_RE.fullmatch(next(iter(tops)))

            staging_root = staging.resolve()
            found_collection = False
            for info, parts in members:
                rel = parts[1:] if strip else parts
                if not _wanted(rel, info):
                    continue
                target = staging.joinpath(*rel)
                # Belt and braces: the name check above should already make this impossible.
                if not target.resolve().is_relative_to(staging_root):
                    logger.warning("Skipping unsafe archive entry %r", info.filename)
                    continue
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as src, target.open("wb") as out:
                        shutil.copyfileobj(src, out, CHUNK_SIZE)
                if COLLECTION_RE.fullmatch(rel[0]) and len(rel) > 1:
                    found_collection = True
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise DownloadError(
            f"the archive downloaded from {url} is corrupt ({exc}); try again or {_USE_EXISTING_HINT}"
        ) from exc

    if not found_collection:
        raise DownloadError(
            f"the archive downloaded from {url} contains no MedQuAD collection folder "
            f"(like 2_GARD_QA/); check the URL or {_USE_EXISTING_HINT}"
        )


def _wanted(rel: tuple[str, ...], info: zipfile.ZipInfo) -> bool:
    """Keep files inside collection folders plus the top-level readme and licence."""
    if not rel:
        return False
    if COLLECTION_RE.fullmatch(rel[0]):
        # A top-level *file* named like "1_something" is not a collection folder.
        return len(rel) > 1 or info.is_dir()
    return len(rel) == 1 and rel[0] in KEPT_FILES and not info.is_dir()


def _move_into_place(staging: Path, dest: Path) -> None:
    """Rename the finished ``staging`` directory to ``dest``, replacing what was there.

    The old content is renamed aside first and deleted only after the new corpus is in place,
    so at every moment ``dest`` is either the old corpus, absent, or the complete new one.
    """
    backup: Path | None = None
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        dest.unlink()  # a symlink (maybe to a shared copy): drop the link, keep its target
    elif dest.is_dir():
        if any(dest.iterdir()):
            backup = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", suffix=".old", dir=dest.parent))
            backup.rmdir()
            dest.rename(backup)
        else:
            dest.rmdir()
    try:
        staging.rename(dest)
    except OSError as exc:
        if backup is not None:
            backup.rename(dest)
        raise DownloadError(f"could not move the downloaded corpus to {dest}: {exc}") from exc
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def link_or_download(
    dest: Path,
    shared: Path | None,
    url: str = MEDQUAD_ARCHIVE_URL,
    progress: bool = True,
    *,
    force: bool = False,
) -> str:
    """Make sure ``dest`` holds a corpus, doing the cheapest thing that works.

    Returns what happened:

    - ``"present"``: ``dest`` already holds a corpus (possibly through a symlink); nothing done.
    - ``"linked"``: ``shared`` holds a corpus, so ``dest`` became a symlink to its absolute
      path. This avoids a second copy on machines that already have one.
    - ``"downloaded"``: the archive was fetched from ``url`` into ``dest``.

    With ``force`` the presence and shared checks are skipped and a fresh copy is downloaded,
    replacing whatever is at ``dest``.
    """
    dest = Path(dest)
    if force:
        download_medquad(dest, url, progress=progress, force=True)
        return "downloaded"

    if is_corpus(dest):
        logger.info("MedQuAD already present at %s", dest)
        return "present"

    if shared is not None:
        shared = Path(shared)
        if is_corpus(shared):
            _link(dest, shared.resolve())
            return "linked"
        if shared.exists():
            logger.warning("%s exists but holds no MedQuAD collection folder; downloading", shared)
        else:
            logger.info("No shared copy at %s; downloading", shared)

    download_medquad(dest, url, progress=progress)
    return "downloaded"


def _link(dest: Path, target: Path) -> None:
    """Create the symlink ``dest -> target``, replacing only a dangling link or an empty dir."""
    if dest.is_symlink():
        dest.unlink()  # dangling, or pointing at something that is not a corpus
    elif dest.is_dir() and not any(dest.iterdir()):
        dest.rmdir()
    elif dest.exists():
        raise DownloadError(
            f"cannot link {dest} to {target}: {dest} already exists and holds no MedQuAD "
            "collection folder; move it away and try again"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        dest.symlink_to(target, target_is_directory=True)
    except OSError as exc:
        raise DownloadError(
            f"could not create symlink {dest} -> {target}: {exc}; copy the corpus there yourself "
            f"or {_USE_EXISTING_HINT}"
        ) from exc
    logger.info("Linked %s -> %s", dest, target)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: link or download the corpus and print one line about it."""
    parser = argparse.ArgumentParser(
        prog="python -m corpus.download",
        description="Put the MedQuAD corpus at DEST: keep it if present, else link to a shared "
        "copy, else download it.",
    )
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="where the corpus goes (%(default)s)")
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="existing copy to symlink to instead of downloading (%(default)s)",
    )
    parser.add_argument(
        "--no-shared", action="store_true", help="never link to a shared copy, always download"
    )
    parser.add_argument("--url", default=MEDQUAD_ARCHIVE_URL, help="archive URL (%(default)s)")
    parser.add_argument("--force", action="store_true", help="download again, replacing whatever is at DEST")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    shared = None if args.no_shared else args.shared
    try:
        outcome = link_or_download(
            args.dest, shared, args.url, progress=not args.no_progress, force=args.force
        )
    except DownloadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    if outcome == "present":
        print(f"MedQuAD already present at {args.dest}")
    elif outcome == "linked":
        print(f"Linked {args.dest} -> {args.dest.resolve()}")
    else:
        print(f"Downloaded MedQuAD into {args.dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
