"""The folders a build writes (--out and the work folder): which it may replace, and their locks.

A build replaces only a folder that is new, empty, or was written by an earlier build and holds
nothing else: the site carries `.scorecard-manifest.json` listing every file the build wrote, the
work folder's `docs/` carries `.scorecard-work`, its `mkdocs.yml` starts with a "Written by" line.
Neither may be or hold the project's own folders, the home folder, / or the current folder, nor
sit inside content, measures or the MkDocs pages. A lock file beside --out and one in the work
folder make a second build into either wait for the first.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UsageError
from generator.site_config import SiteConfig

MANIFEST = ".scorecard-manifest.json"
WORK_MARK = ".scorecard-work"
SIGNATURE = "scorecard-press"
GENERATED = "# Written by scorecard build from {config}; the next build overwrites it."
MAX_MANIFEST = 64 * 1024 * 1024  # a site of 100,000 files lists about 8 MB
OUT_RULE = "--out must be a new or empty folder, or a site an earlier build wrote"
WORK_RULE = "the work folder must be new, empty, or written by an earlier build"

Say = Callable[[str], None]


@dataclass(frozen=True)
class Protected:
    """A folder a build must never replace or hold, nor write inside unless `nested_ok`."""

    label: str
    path: Path  # resolved
    nested_ok: bool = False


@dataclass(frozen=True)
class BuildFolders:
    """Where a build writes: --out, and the work folder's docs/ and mkdocs.yml, checked."""

    out: Path  # as given, for messages
    site: Path  # --out, resolved
    work: Path  # the work folder as given
    docs: Path  # the work folder's docs/, resolved

    @classmethod
    def plan(cls, out: Path, work: Path, content: Path, measures: Path, cfg: SiteConfig) -> BuildFolders:
        """Resolve the folders; refuse either if it is, holds or sits in a folder of the project."""
        docs_label = f"the work folder '{work / 'docs'}'"
        site, docs = resolved(out, f"--out '{out}'", OUT_RULE), resolved(work / "docs", docs_label, WORK_RULE)
        folders = cls(out, site, work, docs)
        project = [*system_folders(), *project_folders(content, measures, cfg)]
        if reason := conflict(folders.site, [*project, Protected(folders.docs_label, folders.docs)]):
            raise refuse(f"--out '{out}'", reason, OUT_RULE)
        if reason := conflict(folders.docs, [*project, Protected(f"the site folder '{out}' (--out)", folders.site)]):
            raise refuse(folders.docs_label, reason, WORK_RULE)
        if folders.config.resolve() == cfg.path.resolve():
            raise refuse(f"the work folder '{work}'", f"holds your MkDocs config '{cfg.path}'", WORK_RULE)
        return folders

    @property
    def docs_label(self) -> str:
        """Return how messages name the work folder's docs/."""
        return f"the work folder '{self.work / 'docs'}'"

    @property
    def config(self) -> Path:
        """Return the MkDocs config the build writes into the work folder."""
        return self.docs.parent / "mkdocs.yml"

    def check(self) -> None:
        """Refuse unless every folder the build replaces is new, empty or written by an earlier build."""
        check_site(self.site, f"--out '{self.out}'")
        if (reason := _not_work_docs(self.docs)) is not None:
            raise refuse(self.docs_label, reason, WORK_RULE)
        if os.path.lexists(self.config) and not _first_line(self.config).startswith(GENERATED.split("{", 1)[0]):
            reason = f"holds a mkdocs.yml that no earlier build wrote ('{self.work / 'mkdocs.yml'}')"
            raise refuse(f"the work folder '{self.work}'", reason, WORK_RULE)

    @contextlib.contextmanager
    def locked(self, say: Say) -> Iterator[None]:
        """Hold the work folder's lock, then --out's (always in this order, so no two builds deadlock)."""
        work_lock, out_lock = self.docs.parent / ".scorecard-lock", lock_file(self.site)
        with locked(work_lock, f"using the work folder {self.work}", say), locked(out_lock, f"into {self.out}", say):
            yield

    def fresh_docs(self) -> Path:
        """Empty the work folder's docs/ for a new build (check() first); its mark stays in it."""
        self.docs.mkdir(parents=True, exist_ok=True)
        (self.docs / WORK_MARK).write_text(f"Written by {SIGNATURE}: each build empties this folder.\n", "utf-8")
        remove_all_but(self.docs, WORK_MARK)  # a build killed meanwhile leaves a folder still marked ours
        return self.docs


def system_folders() -> list[Protected]:
    """Return the folders no build may replace in any project: /, home, the current folder."""
    folders = [Protected("the root of the file system", Path("/").resolve(), nested_ok=True)]
    with contextlib.suppress(RuntimeError, KeyError):  # no home folder known
        folders.append(Protected("your home folder", Path.home().resolve(), nested_ok=True))
    folders.append(Protected("the current folder", Path.cwd().resolve(), nested_ok=True))
    return folders


def project_folders(content: Path, measures: Path, cfg: SiteConfig) -> list[Protected]:
    """Return the project's own folders: the config's, content, measures, pages, theme overrides."""
    folders = [
        Protected(f"the folder of the MkDocs config '{cfg.path}'", cfg.project, nested_ok=True),
        Protected(f"the content folder '{content}'", content.resolve()),
        Protected(f"the measures folder '{measures}'", measures.resolve()),
        Protected(f"your pages folder '{cfg.shown(cfg.docs_dir)}' (docs_dir in {cfg.path})", cfg.docs_dir),
    ]
    if cfg.custom_dir is not None:
        label = f"your theme folder '{cfg.shown(cfg.custom_dir)}' (custom_dir in {cfg.path})"
        folders.append(Protected(label, cfg.custom_dir))
    return folders


def check_collect_out(out: Path, content: Path, measures: Path) -> None:
    """Refuse an --out of `collect` that is or sits inside content or measures (UsageError, nothing written)."""
    folder = out.resolve()
    if (guard := input_holding(folder, content, measures)) is not None:  # one that holds them (--out .) is fine
        reason = f"is {guard.label}" if folder == guard.path else f"is inside {guard.label}"
        raise UsageError(
            f"cannot write workbooks into --out '{out}': it {reason}; nothing was written (owners fill "
            "the workbooks first; returned ones go into the measures folder)"
        )


def input_holding(folder: Path, content: Path, measures: Path) -> Protected | None:
    """Return the input folder (content or measures) that `folder` (resolved) is or lies inside, if any."""
    inputs = [
        Protected(f"the content folder '{content}'", content.resolve()),
        Protected(f"the measures folder '{measures}'", measures.resolve()),
    ]
    return next((guard for guard in inputs if folder.is_relative_to(guard.path)), None)


def conflict(folder: Path, protected: list[Protected]) -> str | None:
    """Return why `folder` (resolved) may not be replaced given the protected folders, or None."""
    for guard in protected:
        if folder == guard.path:
            return f"is {guard.label}"
        if guard.path.is_relative_to(folder):
            return f"holds {guard.label}"
        if not guard.nested_ok and folder.is_relative_to(guard.path):
            return f"is inside {guard.label}"
    return None


def refuse(what: str, reason: str, rule: str) -> UsageError:
    """Return the error for a folder the build will not touch."""
    return UsageError(f"cannot build into {what}: it {reason}; nothing was changed ({rule})")


def resolved(folder: Path, what: str, rule: str) -> Path:
    """Return the folder's real path; refuse a symbolic link (replacing it would drop the link)."""
    if folder.is_symlink():
        raise refuse(what, f"is a symbolic link (to '{os.readlink(folder)}'); give the folder itself", rule)
    if folder.exists() and not folder.is_dir():
        raise refuse(what, "is a file, not a folder", rule)
    return folder.resolve()


# --- Ownership --------------------------------------------------------------------------------


def check_site(folder: Path, what: str) -> None:
    """Refuse unless the folder is absent, empty, or a site whose manifest lists all it holds."""
    if (reason := _not_a_site(folder)) is not None:
        raise refuse(what, reason, OUT_RULE)


def _not_a_site(folder: Path) -> str | None:
    top = _top_entries(folder)
    if not top:
        return None
    listed = _read_manifest(folder / MANIFEST)
    if listed is None:
        return f"is not empty and no earlier build wrote it (no {MANIFEST} in it): it holds {_some(top)}"
    if extra := sorted(_entries(folder) - listed - {MANIFEST}):
        return f"holds files no earlier build wrote: {_some(extra)}"
    return None


def _not_work_docs(folder: Path) -> str | None:
    top = _top_entries(folder)
    if top and not is_regular(folder / WORK_MARK):
        return f"is not empty and no earlier build wrote it (no {WORK_MARK} in it): it holds {_some(top)}"
    listed = _read_manifest(folder / WORK_MARK)  # None: a build was killed before it listed what it wrote
    if top and listed is not None and (extra := sorted(_entries(folder) - listed - {WORK_MARK})):
        return f"holds files no earlier build wrote: {_some(extra)}"
    return None


def write_manifest(folder: Path, name: str = MANIFEST) -> None:
    """List every file and folder under `folder` in its manifest, so a later build may replace it."""
    entries = sorted(_entries(folder) - {name})
    text = json.dumps({"written_by": SIGNATURE, "entries": entries}, indent=0, ensure_ascii=False)
    (folder / name).write_text(text + "\n", encoding="utf-8")


def remove_all_but(folder: Path, keep: str) -> None:
    """Remove everything in folder except the entry named `keep`; links are removed, not followed."""
    for entry in folder.iterdir():
        if entry.name == keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def is_regular(path: Path) -> bool:
    """Tell whether path is a regular file itself (not a link to one, not a pipe)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except FileNotFoundError:
        return False


def _top_entries(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except FileNotFoundError:
        return []


def _entries(folder: Path) -> set[str]:
    """Return every path under folder, relative and with /; symbolic links are listed, not followed."""
    found: set[str] = set()
    for base, dirs, files in os.walk(folder, onerror=_raise):
        prefix = Path(base).relative_to(folder)
        found.update((prefix / name).as_posix() for name in dirs + files)
    return found


def _raise(error: OSError) -> None:
    raise error


def _read_manifest(path: Path) -> set[str] | None:
    """Return the entries a manifest lists, or None if it is missing or not one a build wrote."""
    if not is_regular(path) or path.stat().st_size > MAX_MANIFEST:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entries = data.get("entries") if isinstance(data, dict) and data.get("written_by") == SIGNATURE else None
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return None
    return set(entries)


def _first_line(path: Path) -> str:
    if not is_regular(path):
        return ""
    with path.open(encoding="utf-8", errors="replace") as stream:
        return stream.readline(200)


def _some(names: list[str]) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


# --- Locks --------------------------------------------------------------------------------------


@contextlib.contextmanager
def locked(lock: Path, what: str, say: Say) -> Iterator[None]:
    """Hold an exclusive lock on the file `lock`; if another build holds it, say so and wait."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    if lock.is_symlink():  # a link planted at the lock's name must not make us truncate its target
        raise UsageError(f"the lock file '{lock}' is a symbolic link; remove it (builds create their own)")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip() or "unknown"
            say(f"Waiting for another build {what} (process {holder}) to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays, as deleting a lock file races with waiters


def lock_file(site: Path) -> Path:
    """Return the lock of builds into `site` (resolved): beside it, as the folder itself is switched."""
    return site.parent / f".{site.name}.scorecard-lock"


def check_output_file(path: Path, suffix: str, content: Path, measures: Path) -> None:
    """Refuse an output file inside an input folder, or over an existing file of another kind."""
    check_output_folder(path.parent, f"-o '{path}'", content, measures)
    if os.path.lexists(path) and path.suffix.lower() != suffix:
        raise UsageError(
            f"-o '{path}' exists and is not a {suffix} file; nothing was changed "
            f"(an export replaces only a {suffix} file: name a new file or one ending in {suffix})"
        )


def check_output_folder(folder: Path, what: str, content: Path, measures: Path) -> None:
    """Refuse an output folder that is or lies inside one of the input folders (content, measures)."""
    if (guard := input_holding(folder.resolve(), content, measures)) is not None:
        raise UsageError(f"{what} is inside {guard.label}; nothing was changed (write outputs elsewhere)")


def replace_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write a file beside `path`, then switch it in with one rename.

    A reader never sees half a file, a full disk leaves the old file whole, and a link at `path`
    is replaced, never written through (a link to an input stays the input's).
    """
    if not path.parent.is_dir():  # name the user's path, not our temporary file's
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # a new file: ours
    os.close(handle)
    temporary = Path(name)
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it 0600: give it the mode any new file gets
        write(temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask
