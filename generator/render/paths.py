"""Where pages live in the docs folder, and relative links between them (they work over file://)."""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
import unicodedata

_SLUG_JUNK = re.compile(r"[^a-z0-9_-]+")


def slug(text: str) -> str:
    """Return a safe URL path segment: lower-case ASCII letters, digits, '-' and '_' only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    cleaned = _SLUG_JUNK.sub("-", ascii_text).strip("-_")
    if cleaned and cleaned == text:
        return cleaned
    # Anything changed gets a digest, so two ids can never share a slug ('A' vs 'a').
    return f"{cleaned or 'x'}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"


HOW_TO_READ = "how-to-read.md"  # statuses, the 0-10 scale, trends and roll-ups; linked from every unit page


def unit_page(unit_id: str) -> str:
    """Return the Markdown path of a unit's overview page."""
    return f"units/{slug(unit_id)}/index.md"


def details_page(unit_id: str) -> str:
    """Return the Markdown path of a unit's objective and KPI details."""
    return f"units/{slug(unit_id)}/details.md"


def map_page(unit_id: str) -> str:
    """Return the Markdown path of a unit's strategy map."""
    return f"units/{slug(unit_id)}/map.md"


@functools.lru_cache(maxsize=65536)  # a large site asks for the same few thousand links many times
def link(source: str, target: str, anchor: str = "") -> str:
    """Return a relative link from one page to another's HTML (works over file://)."""
    html_target = target[:-3] + ".html" if target.endswith(".md") else target
    relative = posixpath.relpath(html_target, posixpath.dirname(source) or ".")
    return f"{relative}#{anchor}" if anchor else relative
