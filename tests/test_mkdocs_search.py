"""The search ranking of named things (generator/mkdocs_search.py) and the stop words kept in the index."""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.build import write_config
from generator.mkdocs_search import entry_boost, rank_named
from generator.site_config import read_site_config

ROOT = Path(__file__).resolve().parent.parent


def test_a_named_things_entry_gets_its_name_as_tag_and_a_boost_by_length() -> None:
    entries = [
        {"location": "units/sar/index.html", "title": "Search and Rescue", "text": ""},
        {"location": "units/sar/index.html#search-and-rescue", "title": "Search and Rescue", "text": "mission"},
        {"location": "units/home/details.html", "title": "Objectives and KPIs: Home", "text": ""},
        {"location": "units/home/details.html#obj-search", "title": "Search", "text": ""},
        {"location": "units/home/details.html#kpi-the", "title": "The", "text": ""},
        {"location": "units/home/index.html#ini-home-queue", "title": "Queue", "text": ""},
        {"location": "units/home/map.html", "title": "Strategy map: Home", "text": ""},
        {"location": "initiatives.html#timeline", "title": "Timeline", "text": ""},
        {"location": "guide.html#kpi-definitions", "title": "KPI definitions", "text": ""},  # a page of the user's
    ]
    rank_named(entries)
    tagged = {e["location"]: (e["tags"], e["boost"]) for e in entries if "tags" in e}
    assert tagged == {
        "units/sar/index.html": (["Search and Rescue"], 0.5774),
        "units/home/details.html#obj-search": (["Search"], 2.5),
        "units/home/details.html#kpi-the": (["The"], 2.5),
        "units/home/index.html#ini-home-queue": (["Queue"], 2.5),
    }
    rank_named(entries)  # reused entries from the page cache pass again: the same result
    assert {e["location"]: (e["tags"], e["boost"]) for e in entries if "tags" in e} == tagged


def test_a_name_asked_for_in_full_outranks_a_shorter_one_it_contains() -> None:
    # The theme multiplies a page's first entry by 5, a section fully matched by 2, one matching
    # half the query's words by 1 + 0.5^2; words add up (same weight each, as their idf is close)
    unit, objective = entry_boost("Search and Rescue", section=False), entry_boost("Search", section=True)
    assert objective * 2 > unit * 5  # "Search": the objective
    assert unit * 5 * 3 > objective * (1 + (1 / 3) ** 2)  # "Search and Rescue": the unit
    assert entry_boost("Home", section=False) * 5 > entry_boost("Home training hours", section=True) * 2


def test_the_search_plugin_keeps_stop_words_unless_the_user_set_a_pipeline(tmp_path: Path) -> None:
    cfg = read_site_config(ROOT / "mkdocs.yml")
    written = write_config(cfg, tmp_path / "mkdocs.yml", tmp_path / "docs", tmp_path / "site", [])
    plugins = yaml.safe_load(written.read_text(encoding="utf-8"))["plugins"]
    assert {"search": {"pipeline": []}} in plugins and "offline" in plugins
    (tmp_path / "own.yml").write_text("site_name: x\ntheme: {name: material}\nplugins:\n  - search:\n"
                                      "      pipeline: [stopWordFilter]\n", encoding="utf-8")
    own = write_config(read_site_config(tmp_path / "own.yml"), tmp_path / "b/mkdocs.yml", tmp_path / "docs",
                       tmp_path / "site", [])
    assert yaml.safe_load(own.read_text(encoding="utf-8"))["plugins"][0] == {"search": {"pipeline": ["stopWordFilter"]}}
