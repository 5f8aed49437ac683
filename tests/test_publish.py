"""Switching a new site in: one atomic exchange (or two renames), and what killed builds leave."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from generator import publish
from generator.publish import STAGING_MARK, exchange, remove_stale_staging, staging


def _folder(path: Path, **files: str) -> Path:
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


def _texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_exchange_swaps_two_folders_in_one_step_on_this_file_system(tmp_path: Path) -> None:
    old, new = _folder(tmp_path / "site", a="old"), _folder(tmp_path / "new", b="new")
    assert exchange(new, old) is True  # ext4 and tmpfs support RENAME_EXCHANGE (measured: 7-20 µs)
    assert _texts(old) == {"b": "new"} and _texts(new) == {"a": "old"}


def test_exchange_of_a_missing_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        exchange(tmp_path / "nope", _folder(tmp_path / "site"))


@pytest.mark.parametrize("can_exchange", [True, False], ids=["exchange", "two-renames"])
def test_publish_puts_the_new_site_in_place_and_the_old_one_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, can_exchange: bool
) -> None:
    if not can_exchange:  # as on NFS or SMB, where renameat2 answers EINVAL
        monkeypatch.setattr(publish, "exchange", lambda first, second: False)
    out, stage = _folder(tmp_path / "site", a="old"), _folder(tmp_path / "stage")
    publish.publish(_folder(stage / "site", b="new"), out)
    assert _texts(out) == {"b": "new"}
    assert _texts(stage / ("site" if can_exchange else "previous")) == {"a": "old"}
    publish.publish(_folder(stage / "next", c="first"), tmp_path / "first")  # nothing there yet: one rename
    assert _texts(tmp_path / "first") == {"c": "first"}


def test_the_two_renames_put_the_old_site_back_if_the_second_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "exchange", lambda first, second: False)
    out, stage = _folder(tmp_path / "site", a="old"), _folder(tmp_path / "stage")
    with pytest.raises(FileNotFoundError):
        publish.publish(stage / "missing", out)
    assert _texts(out) == {"a": "old"} and not (stage / "previous").exists()


def test_an_old_site_that_cannot_be_put_back_is_kept_for_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "exchange", lambda first, second: False)
    rename, calls = Path.rename, []

    def rename_only_once(self: Path, target: Path) -> Path:  # the disk fails after the first rename
        calls.append(self)
        if len(calls) > 1:
            raise OSError(5, "Input/output error")
        return rename(self, target)

    out = _folder(tmp_path / "site", a="old")
    with pytest.raises(OSError, match="Input/output error"), staging(out) as stage:
        new = _folder(stage / "site", b="new")
        monkeypatch.setattr(Path, "rename", rename_only_once)
        publish.publish(new, out)
    monkeypatch.undo()
    assert not out.exists() and _texts(stage / "previous") == {"a": "old"}
    assert remove_stale_staging(out) == [f"Put back {out}, which a build stopped while switching sites had set aside"]
    assert _texts(out) == {"a": "old"}


def test_staging_is_marked_locked_and_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with pytest.raises(RuntimeError), staging(out) as stage:
        assert stage.parent == tmp_path and stage.name.startswith(".site.scorecard-staging-")
        assert remove_stale_staging(out) == [] and stage.is_dir()  # a live build's: kept
        _folder(stage / "site", index="new")
        raise RuntimeError("the build failed")
    assert list(tmp_path.iterdir()) == []


def _stale(
    tmp_path: Path,
    name: str,
    text: str = "scorecard-press staging folder for 'site'; a later build removes it once no build holds this file\n",
) -> Path:
    folder = _folder(tmp_path / name, **{STAGING_MARK: text})
    _folder(folder / "site", index="half written")
    return folder


def test_the_next_build_removes_only_staging_folders_it_can_prove_are_dead(tmp_path: Path) -> None:
    dead = _stale(tmp_path, ".site.scorecard-staging-abcd1234")
    live = _stale(tmp_path, ".site.scorecard-staging-live0000")
    empty = _folder(tmp_path / ".site.scorecard-staging-empty000")  # killed right after mkdtemp
    unmarked = _folder(tmp_path / ".site.scorecard-staging-mine0000", notes="mine")
    forged = _stale(tmp_path, ".site.scorecard-staging-forged00", text="something else\n")
    other_site = _stale(tmp_path, ".site2.scorecard-staging-abcd1234")
    odd_name = _stale(tmp_path, ".site.scorecard-staging-toolongname")
    with (live / STAGING_MARK).open() as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as the live build does
        assert remove_stale_staging(tmp_path / "site") == []
    assert not dead.exists() and not empty.exists()
    assert all(f.is_dir() for f in (live, unmarked, forged, other_site, odd_name))


def test_a_site_set_aside_by_a_build_killed_between_its_renames_is_put_back(tmp_path: Path) -> None:
    killed = _stale(tmp_path, ".site.scorecard-staging-abcd1234")
    _folder(killed / "previous", index="old")
    notes = remove_stale_staging(tmp_path / "site")
    assert notes == [f"Put back {tmp_path / 'site'}, which a build stopped while switching sites had set aside"]
    assert _texts(tmp_path / "site") == {"index": "old"} and not killed.exists()
