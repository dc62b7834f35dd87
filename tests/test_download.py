"""Tests for corpus.download against a real local HTTP server (no internet needed).

A tiny zip laid out like GitHub's MedQuAD archive is served from 127.0.0.1, so the whole path
(urllib streaming, zip validation, extraction, atomic move) is exercised as in production.
"""

from __future__ import annotations

import io
import socket
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from corpus.download import DownloadError, download_medquad, is_corpus, link_or_download, main

pytestmark = pytest.mark.e2e  # most tests download from an HTTP server on 127.0.0.1

GARD_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Document id="0000001" source="GARD" url="https://rarediseases.info.nih.gov/gard/1/example">
<Focus>Example syndrome</Focus>
<QAPairs>
  <QAPair pid="1">
    <Question qid="0000001-1" qtype="information">What is (are) Example syndrome ?</Question>
    <Answer>Example syndrome is a rare disease used in tests.</Answer>
  </QAPair>
</QAPairs>
</Document>
"""


def make_archive(*, evil: bool = False, collections: bool = True) -> bytes:
    """Build a zip shaped like github.com/abachaa/MedQuAD/archive/refs/heads/master.zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("MedQuAD-master/", "")
        if collections:
            zf.writestr("MedQuAD-master/2_GARD_QA/", "")
            zf.writestr("MedQuAD-master/2_GARD_QA/0000001.xml", GARD_XML)
        zf.writestr("MedQuAD-master/readme.txt", "MedQuAD readme")
        zf.writestr("MedQuAD-master/LICENSE.txt", "CC BY 4.0")
        zf.writestr("MedQuAD-master/QA-TestSet-LiveQA-Med-Qrels.zip", b"not needed")
        zf.writestr("MedQuAD-master/notes.md", "ignored")
        if evil:
            zf.writestr("../evil.txt", "pwned")
            zf.writestr("MedQuAD-master/2_GARD_QA/../../evil2.txt", "pwned")
    return buf.getvalue()


class Server:
    """Routes path -> (status, body, send Content-Length) served by a ThreadingHTTPServer."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, bool]] = {}
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
                status, body, with_length = routes.get(self.path, (404, b"not found", True))
                self.send_response(status)
                self.send_header("Content-Type", "application/zip")
                if with_length:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    def add(self, path: str, body: bytes, *, status: int = 200, with_length: bool = True) -> str:
        self.routes[path] = (status, body, with_length)
        return self.base + path


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()
    srv.thread.join(timeout=2)


def leftovers(parent: Path) -> list[str]:
    """Temporary files or dirs the download may have left behind in ``parent``."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_download_extracts_collections_and_strips_top_folder(server: Server, tmp_path: Path):
    url = server.add("/master.zip", make_archive())
    dest = tmp_path / "data" / "medquad"

    assert download_medquad(dest, url, progress=True) == dest

    assert sorted(p.name for p in dest.iterdir()) == ["2_GARD_QA", "LICENSE.txt", "readme.txt"]
    assert (dest / "2_GARD_QA" / "0000001.xml").read_text() == GARD_XML
    assert is_corpus(dest)
    assert leftovers(dest.parent) == []


def test_download_without_content_length_and_progress_off(server: Server, tmp_path: Path):
    url = server.add("/chunked.zip", make_archive(), with_length=False)
    dest = tmp_path / "medquad"

    download_medquad(dest, url, progress=False)

    assert (dest / "2_GARD_QA" / "0000001.xml").is_file()


def test_zip_slip_entries_are_not_written_outside(server: Server, tmp_path: Path):
    url = server.add("/evil.zip", make_archive(evil=True))
    work = tmp_path / "work"
    dest = work / "data" / "medquad"

    download_medquad(dest, url, progress=False)

    assert (dest / "2_GARD_QA" / "0000001.xml").is_file()
    written = [p.relative_to(tmp_path) for p in tmp_path.rglob("evil*.txt")]
    assert written == []


def test_http_404_raises_download_error(server: Server, tmp_path: Path):
    dest = tmp_path / "medquad"
    with pytest.raises(DownloadError, match="HTTP 404.*GARDBOT_CORPUS"):
        download_medquad(dest, server.base + "/missing.zip", progress=False)
    assert not dest.exists()
    assert leftovers(tmp_path) == []


def test_network_error_raises_download_error(tmp_path: Path):
    with socket.socket() as sock:  # find a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(DownloadError, match="could not download"):
        download_medquad(tmp_path / "medquad", f"http://127.0.0.1:{port}/x.zip", progress=False)


def test_non_zip_body_raises_and_leaves_dest_untouched(server: Server, tmp_path: Path):
    url = server.add("/login.html", b"<html>please log in</html>")
    dest = tmp_path / "medquad"
    (dest / "2_GARD_QA").mkdir(parents=True)
    (dest / "2_GARD_QA" / "old.xml").write_text("old")

    with pytest.raises(DownloadError, match="not a zip archive"):
        download_medquad(dest, url, progress=False, force=True)

    assert (dest / "2_GARD_QA" / "old.xml").read_text() == "old"
    assert leftovers(tmp_path) == []


def test_zip_without_collections_raises(server: Server, tmp_path: Path):
    url = server.add("/empty.zip", make_archive(collections=False))
    dest = tmp_path / "medquad"
    with pytest.raises(DownloadError, match="no MedQuAD collection folder"):
        download_medquad(dest, url, progress=False)
    assert not dest.exists()
    assert leftovers(tmp_path) == []


def test_existing_dest_refused_without_force_and_replaced_with_it(server: Server, tmp_path: Path):
    url = server.add("/master.zip", make_archive())
    dest = tmp_path / "medquad"
    dest.mkdir()
    (dest / "stale.txt").write_text("stale")

    with pytest.raises(DownloadError, match="already exists"):
        download_medquad(dest, url, progress=False)
    assert (dest / "stale.txt").exists()

    download_medquad(dest, url, progress=False, force=True)
    assert not (dest / "stale.txt").exists()
    assert (dest / "2_GARD_QA" / "0000001.xml").is_file()
    assert leftovers(tmp_path) == []


def test_empty_dest_dir_is_filled_without_force(server: Server, tmp_path: Path):
    url = server.add("/master.zip", make_archive())
    dest = tmp_path / "medquad"
    dest.mkdir()
    download_medquad(dest, url, progress=False)
    assert is_corpus(dest)


def make_shared(root: Path) -> Path:
    shared = root / "shared" / "data" / "medquad"
    (shared / "2_GARD_QA").mkdir(parents=True)
    (shared / "2_GARD_QA" / "0000001.xml").write_text(GARD_XML)
    return shared


def test_link_or_download_links_then_reports_present(tmp_path: Path):
    shared = make_shared(tmp_path)
    dest = tmp_path / "main" / "data" / "medquad"

    assert link_or_download(dest, shared, "http://127.0.0.1:9/never-used.zip") == "linked"
    assert dest.is_symlink()
    assert Path(dest.readlink()).is_absolute()
    assert dest.resolve() == shared.resolve()

    assert link_or_download(dest, shared, "http://127.0.0.1:9/never-used.zip") == "present"


def test_link_or_download_replaces_dangling_symlink(tmp_path: Path):
    shared = make_shared(tmp_path)
    dest = tmp_path / "medquad"
    dest.symlink_to(tmp_path / "gone")

    assert link_or_download(dest, shared, "http://127.0.0.1:9/never-used.zip") == "linked"
    assert dest.resolve() == shared.resolve()


def test_link_or_download_downloads_when_shared_missing(server: Server, tmp_path: Path):
    url = server.add("/master.zip", make_archive())
    dest = tmp_path / "medquad"

    outcome = link_or_download(dest, tmp_path / "no-such-dir", url, progress=False)

    assert outcome == "downloaded"
    assert not dest.is_symlink()
    assert (dest / "2_GARD_QA" / "0000001.xml").is_file()


def test_force_download_over_link_keeps_shared_copy(server: Server, tmp_path: Path):
    url = server.add("/master.zip", make_archive())
    shared = make_shared(tmp_path)
    (shared / "2_GARD_QA" / "extra.xml").write_text("shared only")
    dest = tmp_path / "medquad"
    link_or_download(dest, shared, url)

    assert link_or_download(dest, shared, url, progress=False, force=True) == "downloaded"

    assert not dest.is_symlink()
    assert not (dest / "2_GARD_QA" / "extra.xml").exists()
    assert (shared / "2_GARD_QA" / "extra.xml").exists()


def test_main_reports_outcome_and_errors(server: Server, tmp_path: Path, capsys):
    url = server.add("/master.zip", make_archive())
    dest = tmp_path / "medquad"

    assert main(["--dest", str(dest), "--no-shared", "--url", url, "--no-progress"]) == 0
    assert "Downloaded" in capsys.readouterr().out

    assert main(["--dest", str(dest), "--url", url]) == 0
    assert "already present" in capsys.readouterr().out

    other = tmp_path / "other"
    bad = server.base + "/missing.zip"
    assert main(["--dest", str(other), "--no-shared", "--url", bad, "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "HTTP 404" in err
    assert "Traceback" not in err
