"""Reuse packs whose inputs did not change: a fingerprint per pack, the PDFs kept under the work folder.

A pack is a function of its context (`Pack`, built from the report: every number, word and chart
spec it prints), the templates, the fonts, the code that draws its charts, and the versions of
this product and of the library that lays it out (Typst). The fingerprint hashes all of them; a
cached PDF is reused only when its fingerprint matches and its bytes still hash to what was
recorded, so a damaged cache is rendered again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from generator.pdf import document, drawing
from generator.pdf.document import FONT_FOLDERS
from generator.pdf.views import Pack
from generator.resources import TEMPLATES

# What else decides a pack's bytes: the product (its chart drawing included), and the library that lays it out
_DISTRIBUTIONS = ("scorecard-press", "typst")
_TEMPLATE_FOLDERS = ("pdf", "shared")


@dataclass(frozen=True, slots=True)
class CachedPack:
    """A pack found in the cache: where its PDF is and how many pages it has."""

    pdf: Path
    pages: int


def fingerprint(pack: Pack, depth: int) -> str:
    """Return a hash of everything that decides the pack's PDF."""
    digest = hashlib.sha256()
    digest.update(_environment_digest().encode())
    digest.update(f"depth={depth}\n".encode())
    # The day it is produced is left out: a pack reused tomorrow truthfully says when it was made
    digest.update(repr(dataclasses.replace(pack, produced="")).encode())  # frozen dataclasses: a stable repr
    return digest.hexdigest()


@cache
def _environment_digest() -> str:
    digest = hashlib.sha256()
    for name in _DISTRIBUTIONS:
        digest.update(f"{name}={_version(name)}\n".encode())
    # The charts are drawn by our own code: a change to it between releases draws them anew
    digest.update(Path(drawing.__file__).read_bytes())
    digest.update(Path(document.__file__).read_bytes())  # and so is what the template is handed
    for font in sorted(p for folder in FONT_FOLDERS for p in Path(folder).glob("*") if p.is_file()):
        digest.update(f"{font.name} {font.stat().st_size}\n".encode())  # a font update changes the layout
    for folder in _TEMPLATE_FOLDERS:
        for path in sorted((TEMPLATES / folder).rglob("*")):
            if path.is_file():
                digest.update(f"{path.relative_to(TEMPLATES)}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


class PackCache:
    """PDFs by fingerprint in one folder: `<fingerprint>.pdf` and `<fingerprint>.json` (pages, hash)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def find(self, key: str) -> CachedPack | None:
        """Return the cached pack, or None when missing, unreadable or damaged."""
        pdf, record = self._paths(key)
        try:
            facts = json.loads(record.read_text(encoding="utf-8"))
            intact = hashlib.sha256(pdf.read_bytes()).hexdigest() == facts["sha256"]
            pages = int(facts["pages"])
        except (OSError, ValueError, KeyError, TypeError):  # missing or damaged: render it again
            return None
        return CachedPack(pdf, pages) if intact else None

    def store(self, key: str, source: Path, pages: int) -> None:
        """Keep a copy of a written pack under its fingerprint."""
        self.folder.mkdir(parents=True, exist_ok=True)
        pdf, record = self._paths(key)
        _replace(pdf, source.read_bytes())
        facts = {"pages": pages, "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()}
        _replace(record, json.dumps(facts).encode())

    def keep_only(self, keys: set[str]) -> None:
        """Remove every entry but these (the packs of the latest full run)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix in (".pdf", ".json") and path.stem not in keys:
                path.unlink(missing_ok=True)

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}.pdf", self.folder / f"{key}.json"


def copy_pack(cached: CachedPack, target: Path) -> None:
    """Put a cached pack where the build expects it."""
    shutil.copyfile(cached.pdf, target)


def _replace(path: Path, data: bytes) -> None:
    # Written beside, then renamed: a build killed midway leaves no half-written entry
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
