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
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main, rebuild_or_say_why
from generator.errors import DataError, Problem, UsageError
from generator.model import Location
from generator.preview import Preview
from tests.test_build import MINIMAL, _config

UNIT_PAGE = "units/root/index.html"
# Builds are waited for by what serve shows, not timed: this only stops a hung serve, on a loaded machine too
SAFETY_NET = 600


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str) -> str:
    """Return the page's text, or "" while the server is not up or the site is being swapped."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait_for(url: str, text: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in _fetch(url):
            return
        assert process.poll() is None, f"serve exited with {process.returncode}"
        time.sleep(0.2)
    raise AssertionError(f"{url} did not show {text!r} within {timeout:.0f} s")


def _start_serving(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path, str]:
    """Copy the minimal project and serve it; return the process, the project and the unit page's URL."""
    project, port = tmp_path / "project", _free_port()
    shutil.copytree(MINIMAL, project)
    args = [
        sys.executable,
        "-m",
        "generator",
        "serve",
        "--content",
        str(project / "content"),
        "--measures",
        str(project / "measures"),
        "--config",
        str(_config(tmp_path)),
        "--no-pdf",
        "--out",
        str(tmp_path / "site"),
        "--port",
        str(port),
    ]
    with (tmp_path / "serve.log").open("wb") as log:
        # In tmp_path, so the work folder build/ is not the checkout's
        process = subprocess.Popen(args, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    return process, project, f"http://127.0.0.1:{port}/{UNIT_PAGE}"


def _stop(process: subprocess.Popen[bytes], tmp_path: Path) -> str:
    """Stop serve as Ctrl+C does; return its output after checking it ended cleanly."""
    process.send_signal(signal.SIGINT)
    returncode = process.wait(timeout=SAFETY_NET)
    output = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert returncode == 0 and "Stopped." in output, output
    return output


def _wait_for_output(tmp_path: Path, text: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in (tmp_path / "serve.log").read_text(encoding="utf-8"):
        assert process.poll() is None, f"serve exited with {process.returncode}"
        assert time.monotonic() < deadline, f"serve did not say {text!r} within {timeout:.0f} s"
        time.sleep(0.2)


@pytest.mark.slow
def test_serve_rebuilds_when_a_measure_changes(tmp_path: Path) -> None:
    process, project, url = _start_serving(tmp_path)
    try:
        _wait_for(url, "105 EUR", process, timeout=SAFETY_NET)
        csv = project / "measures" / "root.csv"
        csv.write_text(csv.read_text(encoding="utf-8").replace(",105,", ",123,"), encoding="utf-8")
        _wait_for(url, "123 EUR", process, timeout=SAFETY_NET)
    finally:
        output = _stop(process, tmp_path)
    assert "Traceback" not in output, output


@pytest.mark.slow
def test_serve_keeps_the_last_good_site_when_an_impossible_date_is_saved(tmp_path: Path) -> None:
    process, project, url = _start_serving(tmp_path)
    unit, csv = project / "content" / "units" / "root.yaml", project / "measures" / "root.csv"
    good = unit.read_text(encoding="utf-8")
    try:
        _wait_for(url, "105 EUR", process, timeout=SAFETY_NET)
        # Only the broken file changes first: a rebuild seeing a good change alone would publish it
        impossible = "initiatives:\n  - {id: launch, name: Launch, start: 2026-06-31}\n"  # June has 30 days
        unit.write_text(good + impossible, encoding="utf-8")
        _wait_for_output(tmp_path, "still serving the last good site", process, timeout=SAFETY_NET)
        assert "105 EUR" in _fetch(url)
        csv.write_text(csv.read_text(encoding="utf-8").replace(",105,", ",123,"), encoding="utf-8")
        unit.write_text(good, encoding="utf-8")
        _wait_for(url, "123 EUR", process, timeout=SAFETY_NET)
    finally:
        _stop(process, tmp_path)


def test_a_busy_port_is_refused_before_building(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--out", str(tmp_path / "site"), "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: port {port} is already in use on 127.0.0.1 (is another server running?); choose another with --port\n"
    )
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("port", "message"),
    [
        ("-1", "-1 is not in the range 0<=x<=65535."),
        ("70000", "70000 is not in the range 0<=x<=65535."),
        ("http", "'http' is not a valid integer range."),
    ],
)
def test_an_invalid_port_is_refused(port: str, message: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--port", port])
    assert result.exit_code == 2
    assert result.stderr.endswith(f"\nError: Invalid value for '--port': {message}\n")


def test_port_0_serves_on_a_free_port(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<h1>Hello</h1>", encoding="utf-8")
    preview = Preview(tmp_path, 0)
    try:
        assert not preview.url.endswith(":0/")
        preview.start()
        assert "Hello" in _fetch(preview.url)
    finally:
        preview.close()


def _failing(error: BaseException) -> Callable[[], None]:
    def rebuild() -> None:
        raise error

    return rebuild


def test_a_failed_rebuild_says_why_and_serving_goes_on(capsys: pytest.CaptureFixture[str]) -> None:
    problem = Problem(Location("content/units/it.yaml", 3), "unknown perspective 'money'")
    rebuild_or_say_why(_failing(DataError([problem])))
    rebuild_or_say_why(_failing(UsageError("unknown period '2026-Q9'")))
    assert capsys.readouterr().err == (
        "content/units/it.yaml:3: error: unknown perspective 'money'\n"
        "error: 1 error in content or measures; still serving the last good site.\n"
        "error: unknown period '2026-Q9'; still serving the last good site.\n"
    )


def test_a_bug_in_a_rebuild_shows_its_traceback_and_serving_goes_on(capsys: pytest.CaptureFixture[str]) -> None:
    rebuild_or_say_why(_failing(ValueError("day is out of range for month")))
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):\n") and "ValueError: day is out of range" in err
    assert err.endswith(
        "error: the rebuild failed on a bug (ValueError): please report it with the traceback above; "
        "still serving the last good site.\n"
    )
    with pytest.raises(KeyboardInterrupt):  # Ctrl+C still ends the preview
        rebuild_or_say_why(_failing(KeyboardInterrupt()))
