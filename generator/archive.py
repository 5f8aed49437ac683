"""The cache of archived editions' sites, so an unchanged edition is not rendered again (Quarto's freeze).

Each archived edition is rendered once into the work folder, `build/archive/<audience>/<period>/`
(docs/, mkdocs.yml, site/ with its packs), and sealed with a key: a digest of the edition file,
the templates, the product version and the site settings. A later build whose key matches links
(or copies) the cached site into the new one instead of computing, rendering and packing it again.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import re
import shutil
from pathlib import Path

from generator.errors import UsageError
from generator.folders import SIGNATURE, remove_all_but
from generator.pipeline import Edition
from generator.resources import TEMPLATES
from generator.results import PublishedEdition

MARK = ".scorecard-archive"
_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@functools.cache
def templates_digest(templates: Path = TEMPLATES) -> str:
    """Return a digest of every template and asset file (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in templates.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(templates).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class ArchiveCache:
    """One archived edition's cached site for one audience."""

    def __init__(self, root: Path, edition: Edition, published: PublishedEdition) -> None:
        audience = edition.audience.id if edition.audience else "_"
        if not _SAFE.match(audience):
            audience = "a-" + hashlib.sha256(audience.encode()).hexdigest()[:16]
        # the period is checked by editions (YYYY[-Qn|-MM]), a revision's number too (1-9999)
        name = f"{published.period}.r{published.revision}" if published.revision else published.period
        self.folder = root / audience / name

    @staticmethod
    def key(parts: list[bytes]) -> str:
        """Return the key of the inputs an archived site depends on."""
        digest = hashlib.sha256()
        for part in parts:
            digest.update(hashlib.sha256(part).digest())
        return f"{SIGNATURE} archive {digest.hexdigest()}\n"

    def holds(self, key: str) -> bool:
        """Tell whether the cache holds a whole site rendered from the same inputs."""
        mark = self.folder / MARK
        return mark.is_file() and mark.read_text(encoding="utf-8", errors="replace") == key and self.site.is_dir()

    @property
    def site(self) -> Path:
        """Return the cached site's folder."""
        return self.folder / "site"

    def fresh(self) -> tuple[Path, Path]:
        """Empty the cache folder (ours only) for a new rendering; return its docs and site folders."""
        if self.folder.exists():
            if not (self.folder / MARK).is_file():
                raise UsageError(f"'{self.folder}' was not written by a build; nothing was changed (remove it)")
            remove_all_but(self.folder, MARK)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / MARK).write_text(f"{SIGNATURE} archive: incomplete\n", encoding="utf-8")
        return self.folder / "docs", self.site

    def seal(self, key: str) -> None:
        """Record the key once the site is whole."""
        (self.folder / MARK).write_text(key, encoding="utf-8")

    def copy_to(self, target: Path) -> None:
        """Put the cached site at `target`: hard links where the file system allows, else copies."""
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(self.site, target, copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copy2(source, target)
