"""A pack's data for its Typst template: plain JSON, commentary as safe nodes, never markup."""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.parse
from pathlib import Path

from generator.pdf.context import build_pack
from generator.pdf.document import html_nodes, pack_data, svg_text
from generator.pipeline import make_report
from generator.usertext import render_markdown

ROOT = Path(__file__).resolve().parents[1]


def nodes(markdown: str) -> list[object]:
    return html_nodes(str(render_markdown(markdown)))


def test_commentary_becomes_paragraphs_lists_emphasis_code_and_links() -> None:
    assert nodes("Costs *rose* by **4%**, see `ledger` and [the plan](https://example.org/plan).\n\n- one\n- two") == [
        {
            "t": "p",
            "c": [
                "Costs ",
                {"t": "em", "c": ["rose"]},
                " by ",
                {"t": "strong", "c": ["4%"]},
                ", see ",
                {"t": "code", "c": ["ledger"]},
                " and ",
                {"t": "a", "c": ["the plan"], "href": "https://example.org/plan"},
                ".",
            ],
        },
        {"t": "ul", "c": [{"t": "li", "c": ["one"]}, {"t": "li", "c": ["two"]}]},
    ]


def test_only_web_and_mail_links_keep_their_address_and_images_keep_only_their_words() -> None:
    found = nodes(
        "[a](javascript:alert(1)) [b](file:///etc/passwd) [c](mailto:cfo@example.org) ![pic](https://example.org/x.png)"
    )
    links = [n for n in found[0]["c"] if isinstance(n, dict)]  # type: ignore[index]
    assert links == [{"t": "a", "c": ["c"], "href": "mailto:cfo@example.org"}]
    assert "".join(n for n in found[0]["c"] if isinstance(n, str)).split() == ["a", "b", "pic"]  # type: ignore[index]


def test_markup_in_text_stays_text() -> None:
    code = '#read("/etc/passwd") $x$ <b>bold</b> #set text(red)'
    assert html_nodes(f"<p>{code.replace('<', '&lt;')}</p>") == [{"t": "p", "c": [code]}]


def test_charts_arrive_as_svg_text_however_they_were_drawn() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>5 %</text></svg>'
    assert svg_text(svg) == svg
    assert svg_text("data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()) == svg
    assert svg_text("data:image/svg+xml," + urllib.parse.quote(svg)) == svg


def test_the_pack_data_is_json_with_the_properties_the_template_reads() -> None:
    report, _ = make_report(ROOT / "content", ROOT / "measures", None)
    pack = build_pack(report, "it", 1, dt.date(2026, 10, 15))
    data = json.loads(json.dumps(pack_data(pack, {}, "<svg/>")))
    assert data["title"] == pack.title and data["unit_name"] == "IT Services"
    assert data["summary"]["overall"]["score_label"] == "Overall score"  # a property of StatusView
    assert {i["state_word"] for i in data["initiatives"]} >= {"◆ Late"}
    assert all(isinstance(part, (str, dict)) for part in data["summary"]["note"]["analysis"])
    assert "charts" not in data and "strategy_map" not in data and data["map_svg"] == "<svg/>"
