"""A loopback snapshot server that misbehaves on purpose, for the fault suite (tests/test_fault_suite.py).

It serves a provider's offline snapshot exactly like ``pipeline/snapshot_server.py`` (same path mapping),
except for requests matching a :class:`Fault`, which it answers with that fault: an error status, a
``Retry-After``, a stall or trickle past the timeout, a truncated or cut-off body, a gzip bomb, an oversized
body, a redirect loop or a redirect off-host, a broken robots.txt, invalid UTF-8.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pipeline.snapshot_server import TYPES, resolve, serve_in_thread

BOMB = gzip.compress(b"\0" * (32 * 1024 * 1024), compresslevel=9)  # 32 MiB of zeros in ~32 KiB


@dataclass
class Fault:
    kind: str
    """status | stall | trickle | truncate | cut | empty | gzip_bomb | oversize | oversize_stream |
    redirect_self | redirect_chain | redirect_offhost | bad_utf8 | robots"""
    match: str
    """Substring of the request's path and query that selects the requests this fault answers."""
    times: int | None = None
    """Answer only the first N matching requests (a transient fault); None: every one (persistent)."""
    status: int = 500
    value: str = ""
    """Retry-After value (status), robots.txt body (robots), seconds (stall)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client giving up on a stalled answer is expected
        pass


def _handler(root: Path, faults: list[Fault], lock: threading.Lock):
    class FaultyHandler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def fault(self) -> Fault | None:
            with lock:
                for f in faults:
                    if f.match in self.path and (f.times is None or f.times > 0):
                        if f.times is not None:
                            f.times -= 1
                        return f
            return None

        def send(self, status: int, body: bytes, headers: dict[str, str] | None = None, length: int | None = None):
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            if length is not None:
                self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(body)

        def snapshot(self) -> tuple[bytes, str] | None:
            path = resolve(root, self.path)
            if path is None:
                return None
            suffix = Path(path.name.split("?", 1)[0]).suffix
            return path.read_bytes(), TYPES.get(suffix, "application/octet-stream")

        def do_GET(self):  # noqa: N802, C901 - one branch per fault kind reads best
            f = self.fault()
            found = self.snapshot()
            body, ctype = found if found else (b"not in snapshot", "text/plain")
            status = 200 if found else 404
            plain = {"Content-Type": ctype}
            if f is None:
                return self.send(status, body, plain, len(body))
            k = f.kind
            if k == "status":
                headers = {"Content-Type": "text/plain", **({"Retry-After": f.value} if f.value else {})}
                return self.send(f.status, b"fault", headers, 5)
            if k == "robots":
                text = f.value.encode()
                return self.send(f.status, text, {"Content-Type": "text/plain"}, len(text))
            if k == "stall":
                time.sleep(float(f.value or 30))
                return self.send(status, body, plain, len(body))
            if k == "trickle":
                self.send(status, b"", plain, len(body))
                for i in range(0, len(body), 64):
                    self.wfile.write(body[i:i + 64])
                    self.wfile.flush()
                    time.sleep(0.05)
                return None
            if k == "truncate":  # Content-Length promises the whole body; the connection closes at half
                return self.send(status, body[: len(body) // 2], plain, len(body))
            if k == "cut":  # no Content-Length: the body just ends, half-way through the document
                return self.send(status, body[: len(body) // 2], {**plain, "Connection": "close"})
            if k == "empty":
                return self.send(200, b"", plain, 0)
            if k == "gzip_bomb":
                return self.send(200, BOMB, {**plain, "Content-Encoding": "gzip"}, len(BOMB))
            if k == "oversize":
                padded = body + b" " * (4 * 1024 * 1024)
                return self.send(200, padded, plain, len(padded))
            if k == "oversize_stream":
                self.send(200, body, {**plain, "Connection": "close"})
                for _ in range(64):
                    self.wfile.write(b" " * 65536)
                return None
            if k == "redirect_self":
                return self.send(302, b"", {"Location": self.path}, 0)
            if k == "redirect_chain":  # a new URL every time: ends only at the redirect limit
                hop = int(self.path.rsplit("hop=", 1)[1]) + 1 if "hop=" in self.path else 1
                sep = "&" if "?" in self.path else "?"
                base = self.path.split(f"{sep}hop=")[0] if "hop=" in self.path else self.path
                return self.send(302, b"", {"Location": f"{base}{sep}hop={hop}"}, 0)
            if k == "redirect_offhost":
                return self.send(302, b"", {"Location": "http://elsewhere.example" + self.path}, 0)
            if k == "bad_utf8":
                broken = body.replace(b"Azure", b"Az\xff\xfere")
                return self.send(200, broken, {"Content-Type": "application/json; charset=utf-8"}, len(broken))
            raise ValueError(f"unknown fault kind {k!r}")

    return FaultyHandler


@contextmanager
def serve_faulty(root: str | Path, faults: list[Fault]) -> Iterator[str]:
    """Serve ``root`` on loopback with ``faults``; yields the base URL."""
    root = Path(root).resolve()
    server = _Server(("127.0.0.1", 0), _handler(root, list(faults), threading.Lock()))
    with serve_in_thread(server, f"faulty:{root.name}") as url:
        yield url
