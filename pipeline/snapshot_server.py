"""A loopback HTTP server over a provider's offline snapshot, so offline crawls use Scrapy's full stack.

The snapshot folder is laid out like the live site's URL paths (``robots.txt`` at its root). A request path
maps to a file; a folder maps to its ``index.json`` / ``index.html`` / ``index.xml``. When the request has a
query string and a file named ``<that file>?<query>`` exists, that file answers instead, so paged APIs can be
recorded page by page. Anything else is a 404, as on a real site. Like a real server it sends an ``ETag`` and
``Last-Modified`` and answers a conditional request for an unchanged file with ``304 Not Modified``.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate, parsedate_to_datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

INDEX_NAMES = ("index.json", "index.html", "index.xml", "index.jsonld")
TYPES = {".json": "application/json", ".jsonld": "application/ld+json", ".xml": "application/xml",
         ".txt": "text/plain; charset=utf-8", ".html": "text/html; charset=utf-8", ".rss": "application/rss+xml"}


def resolve(root: Path, raw_path: str) -> Path | None:
    """The snapshot file that answers ``raw_path`` (path and query), or None."""
    parts = urlsplit(raw_path)
    rel = unquote(parts.path).lstrip("/")
    target = (root / rel).resolve()
    if root not in target.parents and target != root:
        return None  # no escaping the snapshot folder
    if target.is_dir():
        target = next((target / n for n in INDEX_NAMES if (target / n).is_file()), target / INDEX_NAMES[0])
    if parts.query:
        with_query = target.with_name(f"{target.name}?{unquote(parts.query)}")
        if with_query.is_file():
            return with_query
    return target if target.is_file() else None


def _not_modified(headers, etag: str, modified: int) -> bool:
    """RFC 7232: If-None-Match decides when present (any of its tags, or ``*``); else If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return modified <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def _handler(root: Path, stats: dict | None = None):
    lock = threading.Lock()

    def _count(status: int, nbytes: int, path: str) -> None:
        if stats is not None:
            with lock:
                stats[status] = stats.get(status, 0) + 1
                stats["body_bytes"] = stats.get("body_bytes", 0) + nbytes
                stats.setdefault("requests", []).append((status, path))

    class SnapshotHandler(SimpleHTTPRequestHandler):
        server_version = "credcat-snapshot/1"

        def do_GET(self):  # noqa: N802 - http.server's naming
            path = resolve(root, self.path)
            if path is None:
                self.send_error(404, "not in snapshot")
                _count(404, 0, self.path)
                return
            body = path.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            modified = int(path.stat().st_mtime)
            if _not_modified(self.headers, etag, modified):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                _count(304, 0, self.path)
                return
            suffix = Path(path.name.split("?", 1)[0]).suffix
            ctype = TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(modified, usegmt=True))
            self.end_headers()
            self.wfile.write(body)
            _count(200, len(body), self.path)

        def log_message(self, format, *args):  # keep test and demo output quiet
            pass

    return SnapshotHandler


@contextmanager
def serve_snapshot(root: str | Path, host: str = "127.0.0.1", port: int = 0, stats: dict | None = None) -> Iterator[str]:
    """Serve ``root`` on loopback in a background thread; yields the base URL (``http://127.0.0.1:PORT``).
    ``stats``, when given, counts responses by status and the body bytes sent (``body_bytes``), and lists every
    answered request as ``(status, path)`` (``requests``)."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"snapshot folder not found: {root}")
    with serve_in_thread(ThreadingHTTPServer((host, port), _handler(root, stats)), f"snapshot:{root.name}") as url:
        yield url


@contextmanager
def serve_in_thread(server: ThreadingHTTPServer, name: str) -> Iterator[str]:
    """Run ``server`` in a background thread until the block ends; yields its base URL. The tests' own
    loopback servers (faults, hostile documents) start the same way."""
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
