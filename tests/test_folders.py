"""Which folders a build may replace, and the lock that makes a second build wait."""

from __future__ import annotations

import fcntl
import json
import re
import threading
from pathlib import Path

import pytest

from generator.errors import UsageError
from generator.folders import MANIFEST, Protected, check_site, conflict, locked, write_manifest

CONTENT = Protected("the content folder", Path("/p/content"))
PROJECT = Protected("the project", Path("/p"), nested_ok=True)


@pytest.mark.parametrize(
    ("folder", "reason"),
    [
        ("/p/content", "is the content folder"),
        ("/p/content/site", "is inside the content folder"),
        ("/p", "is the project"),
        ("/", "holds the project"),
        ("/p/site", None),  # inside the project: where a site belongs
        ("/p/contents", None),  # a name that only starts like it
        ("/q", None),
    ],
)
def test_conflict_names_how_a_folder_meets_a_protected_one(folder: str, reason: str | None) -> None:
    assert conflict(Path(folder), [PROJECT, CONTENT]) == reason


RULE = "nothing was changed (--out must be a new or empty folder, or a site an earlier build wrote)"


def _site(folder: Path) -> Path:
    (folder / "units").mkdir(parents=True)
    (folder / "index.html").write_text("<h1>Site</h1>", encoding="utf-8")
    (folder / "units" / "it.html").write_text("<h1>IT</h1>", encoding="utf-8")
    write_manifest(folder)
    return folder


def test_a_site_is_replaceable_when_its_manifest_lists_all_it_holds(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    listed = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert listed == {"written_by": "scorecard-press", "entries": ["index.html", "units", "units/it.html"]}
    check_site(site, "--out 'site'")
    (site / "units" / "it.html").unlink()  # deleting from a site is fine: nothing to lose
    check_site(site, "--out 'site'")
    check_site(tmp_path / "new", "--out 'new'")
    (tmp_path / "empty").mkdir()
    check_site(tmp_path / "empty", "--out 'empty'")


@pytest.mark.parametrize(
    ("manifest", "reason"),
    [
        ("{not json", "it is not empty and no earlier build wrote it (no .scorecard-manifest.json in it)"),
        ('{"written_by": "someone", "entries": []}', "it is not empty and no earlier build wrote it"),
        ('{"written_by": "scorecard-press", "entries": "*"}', "it is not empty and no earlier build wrote it"),
        (None, "it is not empty and no earlier build wrote it"),  # a link to a real manifest
    ],
)
def test_a_manifest_the_build_did_not_write_is_not_trusted(tmp_path: Path, manifest: str | None, reason: str) -> None:
    site = _site(tmp_path / "site")
    (site / MANIFEST).unlink()
    if manifest is None:
        (site / MANIFEST).symlink_to(_site(tmp_path / "real") / MANIFEST)
    else:
        (site / MANIFEST).write_text(manifest, encoding="utf-8")
    with pytest.raises(UsageError, match=f"^cannot build into --out 'site': {re.escape(reason)}"):
        check_site(site, "--out 'site'")


def test_a_link_added_to_a_site_is_named_not_followed(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    (site / "units" / "home").symlink_to(Path.home())
    with pytest.raises(UsageError) as caught:
        check_site(site, "--out 'site'")
    assert (
        str(caught.value)
        == f"cannot build into --out 'site': it holds files no earlier build wrote: 'units/home'; {RULE}"
    )


def test_a_second_holder_of_the_lock_says_it_waits_then_gets_it(tmp_path: Path) -> None:
    lock, said, got = tmp_path / ".site.scorecard-lock", threading.Event(), threading.Event()
    lock.write_text("4242\n", encoding="utf-8")
    messages: list[str] = []

    def second_build() -> None:
        with locked(lock, "into site", lambda text: (messages.append(text), said.set())):
            got.set()

    with lock.open() as first:  # another open file: flock treats it as another holder
        fcntl.flock(first, fcntl.LOCK_EX)
        waiter = threading.Thread(target=second_build)
        waiter.start()
        assert said.wait(timeout=60) and not got.is_set()
    waiter.join(timeout=60)
    assert got.is_set() and messages == ["Waiting for another build into site (process 4242) to finish"]


def test_a_lock_file_that_is_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("mine", encoding="utf-8")
    (tmp_path / ".site.scorecard-lock").symlink_to("precious.txt")
    with (
        pytest.raises(UsageError, match="is a symbolic link; remove it"),
        locked(tmp_path / ".site.scorecard-lock", "", lambda _: None),
    ):
        pass
    assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "mine"
