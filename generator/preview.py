"""`scorecard serve`: a local web server for the built site, and the check for changed inputs."""

from __future__ import annotations

import errno
import functools
import http.server
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from generator.errors import UsageError

HOST = "127.0.0.1"  # a preview is for this machine only


class Preview:
    """A local web server for the site folder: the port is taken at once, requests answered once started.

    The port is taken before the first build, so a busy one is reported at once, not after the build.
    """

    def __init__(self, folder: Path, port: int) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder.absolute()))
        try:
            self._server = http.server.ThreadingHTTPServer((HOST, port), handler)
        except OSError as exc:
            raise UsageError(_bind_error(port, exc)) from exc
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Return the address served (with the port the system chose for --port 0)."""
        return f"http://{HOST}:{self._server.server_port}/"

    def start(self) -> None:
        """Answer requests in a background thread (the folder may be switched meanwhile)."""
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop answering and free the port."""
        if self._thread is not None:
            self._server.shutdown()  # waits for serve_forever, so only once it was started
        self._server.server_close()


def _bind_error(port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is already in use on {HOST} (is another server running?); choose another with --port"
    if exc.errno == errno.EACCES:
        return f"port {port} needs administrator rights (ports below 1024 do); choose another with --port, e.g. 8000"
    return f"cannot serve on {HOST} port {port}: {exc.strerror}; choose another with --port"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        """Keep the console for build messages."""


def latest_change(paths: Iterable[Path]) -> float:
    """Return the newest modification time of any file under the given paths.

    Files that vanish while we look (an editor saving through a temporary file) are skipped.
    """
    newest = 0.0
    for file in (file for path in paths for file in _files(path)):
        try:
            newest = max(newest, file.stat().st_mtime)
        except OSError:
            continue
    return newest


def _files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
    for base, _, files in os.walk(path):  # nothing for a file or a missing folder
        yield from (Path(base) / name for name in files)
