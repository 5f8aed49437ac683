"""`scorecard serve`: serves the built site and rebuilds it when a measure changes."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.test_build import MINIMAL, _config

UNIT_PAGE = "units/root/index.html"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str) -> str:
    """Return the page's text, or "" while the server is not up or the site is being swapped."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError):
        return ""


def _wait_for(url: str, text: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in _fetch(url):
            return
        assert process.poll() is None, f"serve exited with {process.returncode}"
        time.sleep(0.2)
    raise AssertionError(f"{url} did not show {text!r} within {timeout:.0f} s")


@pytest.mark.slow
def test_serve_rebuilds_when_a_measure_changes(tmp_path: Path) -> None:
    project, port = tmp_path / "project", _free_port()
    shutil.copytree(MINIMAL, project)
    args = [sys.executable, "-m", "generator", "serve", "--content", str(project / "content"),
            "--measures", str(project / "measures"), "--config", str(_config(tmp_path)), "--no-pdf",
            "--out", str(tmp_path / "site"), "--port", str(port)]
    log = (tmp_path / "serve.log").open("wb")
    # In tmp_path, so the work folder build/ is not the checkout's
    process = subprocess.Popen(args, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/{UNIT_PAGE}"
    try:
        _wait_for(url, "105 EUR", process, timeout=60)
        csv = project / "measures" / "root.csv"
        csv.write_text(csv.read_text(encoding="utf-8").replace(",105,", ",123,"), encoding="utf-8")
        _wait_for(url, "123 EUR", process, timeout=30)
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl+C sends
        returncode = process.wait(timeout=30)
        log.close()
    output = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert returncode == 0 and "Traceback" not in output, output
    assert "Stopped." in output
