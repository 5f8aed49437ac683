"""Rank a search for a name first to the entry of what bears that name.

mkdocs-material's search (lunr in the browser) scores a word in a title the same however long the
title is (its worker turns off lunr's length normalisation), and multiplies a page's first entry by
five but a section of a page by two. So a KPI named "Map" came after every "Strategy map: <unit>"
page, an objective "Search" after the unit "Search and Rescue", and a KPI "Time" after the
Initiatives page's "Timeline" (a query word matches every word it begins).

This plugin gives each named thing's own entry (a unit's page, and the sections of KPIs, objectives
and initiatives, found by the anchors our templates give them) its name as `tags`, a field the
theme's search weighs a thousand times above titles, and an entry boost that falls with the
name's length (1/sqrt(words)) and makes up for the section/page factor. For a query that is a name:
- the thing named exactly outranks a longer name holding the same words ("Search" before "Search
  and Rescue"), since its boost is higher;
- the longer name, queried in full, outranks the shorter one: it matches more of the query's words,
  and words add up faster than the boost falls (sqrt).
Pages that name nothing (maps, timelines, How to read) keep lunr's own order below. The tags are
hidden in the result list (extra.css): they repeat the title.

Stop words are kept in the index (`pipeline: []`, set in the derived mkdocs.yml), so names such as
"In", "The" or "IT" can be found.
"""

from __future__ import annotations

import math
import re
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority

# Anchors our templates give to what has a name (generator/render/context.py, sections.py)
_ITEM = re.compile(r"^units/[^#]+#(?:kpi|obj|ini)-")
_UNIT_PAGE = re.compile(r"^units/[^/#]+/index\.html$")
# The theme weighs a page's first entry x5 and a section x2 (1 + 2^2 against 1 + 1^2)
SECTION_FACTOR = 2.5
_WORDS = re.compile(r"[\s\-]+")


def entry_boost(name: str, section: bool) -> float:
    """Return the boost of a named thing's entry: lower for longer names, sections lifted to pages."""
    words = max(1, len([w for w in _WORDS.split(name) if w]))
    return round((SECTION_FACTOR if section else 1.0) / math.sqrt(words), 4)


def rank_named(entries: list[dict[str, Any]]) -> None:
    """Tag and boost, in place, the entries of named things (the same result however often it runs)."""
    for entry in entries:
        location, title = str(entry.get("location", "")), str(entry.get("title", "")).strip()
        section = bool(_ITEM.match(location))
        if not title or not (section or _UNIT_PAGE.match(location)):
            continue
        entry["tags"] = [title]
        entry["boost"] = entry_boost(title, section)


class NamedFirst(BasePlugin):  # type: ignore[type-arg]
    """Apply `rank_named` to the search plugin's entries before it writes the index."""

    @event_priority(50)  # before the search plugin (0) writes search_index.json
    def on_post_build(self, *, config: Any) -> None:
        search = config.plugins.get("search") or config.plugins.get("material/search")
        index = getattr(search, "search_index", None)
        entries = getattr(index, "entries", None)
        if isinstance(entries, list):
            rank_named(entries)
