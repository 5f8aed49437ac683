"""Switch a new site into --out in one step, and clear what killed builds left behind.

The new site is built in a staging folder beside --out and switched in with one
`renameat2(RENAME_EXCHANGE)`, so at every instant --out holds the whole old site or the whole new
one. Where the file system cannot exchange (NFS, SMB: EINVAL), two renames do it; a build killed
between them leaves --out missing and the old site in the staging folder's `previous/`, which the
next build puts back before anything else.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.folders import SIGNATURE, is_regular, remove_all_but

STAGING_MARK = ".scorecard-staging"


def _staging_pattern(out: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(out.name)}\.scorecard-staging-[a-z0-9_]{{8}}")


def _staging_text(out: Path) -> str:
    return f"{SIGNATURE} staging folder for '{out.name}'; a later build removes it once no build holds this file\n"


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """Yield a new folder beside `out` (same file system, so the switch is a rename); remove it after.

    Its mark stays locked while the build lives, so a later build can tell a killed build's folder.
    """
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.scorecard-staging-", dir=out.parent))
    fd = os.open(folder / STAGING_MARK, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, _staging_text(out).encode())
        yield folder
    finally:
        with contextlib.suppress(OSError):  # else left for the next build, which says if it cannot either
            _put_back(folder / "previous", out)  # never remove an old site that is not back in place
            _remove_marked(folder, STAGING_MARK)
        os.close(fd)


def remove_stale_staging(out: Path) -> list[str]:
    """Remove the staging folders of killed builds into `out`; return notes on any left."""
    notes: list[str] = []
    pattern = _staging_pattern(out)
    for folder in sorted(out.parent.iterdir()) if out.parent.is_dir() else []:
        if not pattern.fullmatch(folder.name) or not _is_dead_staging(folder, out):
            continue
        try:
            if _put_back(folder / "previous", out):
                notes.append(f"Put back {out}, which a build stopped while switching sites had set aside")
            _remove_marked(folder, STAGING_MARK)
        except OSError as exc:
            notes.append(f"Could not remove {folder} (left by a build that was stopped): {exc.strerror}")
    return notes


def _is_dead_staging(folder: Path, out: Path) -> bool:
    """Tell whether folder is a staging folder of ours whose build no longer runs."""
    if not stat.S_ISDIR(folder.lstat().st_mode):
        return False
    entries, mark = set(os.listdir(folder)), folder / STAGING_MARK
    if not entries:
        return True  # killed right after creating it: nothing of value can be lost
    if not is_regular(mark) or _held(mark):
        return False
    # Only the mark (killed before writing it whole), or our mark: the folder is ours
    return entries == {STAGING_MARK} or mark.read_text(encoding="utf-8", errors="replace") == _staging_text(out)


def _held(mark: Path) -> bool:
    """Tell whether a live build holds the lock on its staging mark."""
    fd = os.open(mark, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _put_back(previous: Path, out: Path) -> bool:
    """Restore a site that a build killed between the two renames of the fallback left aside."""
    if previous.is_dir() and not os.path.lexists(out):
        previous.rename(out)
        return True
    return False


def _remove_marked(folder: Path, mark: str) -> None:
    """Remove a folder, its mark last, so a removal cut short leaves a folder still known as ours."""
    if folder.is_dir():
        remove_all_but(folder, mark)
        (folder / mark).unlink(missing_ok=True)
        folder.rmdir()


def publish(new: Path, out: Path) -> None:
    """Put the folder `new` at `out`; the previous `out`, if any, ends up inside new's parent."""
    if not os.path.lexists(out):
        new.rename(out)
    elif not exchange(new, out):
        # Two renames: between them `out` is missing; a build killed there is undone by the next one
        aside = new.parent / "previous"
        out.rename(aside)
        try:
            new.rename(out)
        except OSError:
            aside.rename(out)  # the staging folder is about to be removed: never with the old site in it
            raise


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    call = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)  # glibc 2.28 and later
    if call is not None:
        call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        call.restype = ctypes.c_int
    return call


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step; return False where the system or file system cannot."""
    call = _renameat2()
    if call is None:
        return False
    if call(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
