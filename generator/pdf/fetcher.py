"""What WeasyPrint may read while it lays out a pack: our templates and the images we drew.

Left to itself WeasyPrint reads any file (`<a rel="attachment" href="file:///etc/passwd">`
attaches it to the PDF) and fetches any http(s) address. Missions and commentary are sanitised
before they reach a pack (generator/usertext.py); this is the second wall, should anything slip.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from generator.usertext import allowed_url


class PackFetcher(URLFetcher):
    """Serve files inside `root` and the data: URIs we generated; refuse every other URL.

    A refusal raises, which WeasyPrint logs ("Failed to load image at ...: left out ...") before
    leaving the resource out; the pack is still written.
    """

    def __init__(self, root: Path, generated: Iterable[str] = ()) -> None:
        super().__init__()
        self._root = root.resolve()
        self._generated = frozenset(generated)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the resource, or raise PermissionError naming it."""
        if url in self._generated:
            return super().fetch(url, headers)
        if (path := self._file(url)) is not None:
            return super().fetch(path.as_uri(), headers)  # the checked path, not the URL as written
        shown = url if len(url) <= 80 else url[:79] + "…"
        raise PermissionError(f"left out {shown}: packs read only their own templates and charts")

    def _file(self, url: str) -> Path | None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(urllib.request.url2pathname(parts.path)).resolve()  # symlinks and .. resolved first
        return path if path.is_relative_to(self._root) and path.is_file() else None


def without_attachments(document: weasyprint.Document) -> weasyprint.Document:
    """Drop attachments, and links to anything but our own anchors and http, https or mailto addresses."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [
            link for link in page.links if link[0] == "internal" or (link[0] == "external" and allowed_url(link[1]))
        ]
    return document
