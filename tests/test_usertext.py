"""User Markdown: a safe subset rendered, sanitised by nh3, and what is left out reported with file:line."""

from __future__ import annotations

import datetime as dt
import html as html_module
import inspect
import re
import sys

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import usertext
from generator.cli import main
from generator.pdf.context import build_pack
from generator.render import markdown_text
from generator.usertext import Dropped, check_markdown, render_markdown, sanitise_html
from tests.conftest import Tree, report_for
from tests.hostile import HTML_PAYLOADS, active_markup, markdown_payload

LINK_MESSAGE = "link '{}' left out (links may only go to http://, https:// or mailto: addresses; its text is kept)"
IMAGE_MESSAGE = "image '{}' left out (pictures in text are not published; its description is kept)"
HTML_MESSAGE = "HTML '{}' is shown as text (write Markdown instead, e.g. **bold**, [text](https://...))"


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("**bold** and *em*", "<p><strong>bold</strong> and <em>em</em></p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ('## Aim {: onclick="alert(1)" }', '<h2>Aim {: onclick="alert(1)" }</h2>'),
        ("[x](javascript:alert(1)) [y](JaVa\tScRiPt:alert(1)) [z](&#106;avascript:alert(1))", "<p>x y z</p>"),
        ("[d](data:text/html,x) [v](vbscript:x) [f](file:///etc/passwd) [r](plan.md) [a](#top)", "<p>d v f r a</p>"),
        ("[x][1]\n\n[1]: javascript:alert(1)", "<p>x</p>"),
        ("![logo](http://intranet/logo.png) text", "<p>logo text</p>"),
        ("[![i](https://x/i.png) **b**](javascript:x) end", "<p>i <strong>b</strong> end</p>"),
        (
            '[site](https://example.org/?a=1&b=2 "Title")',
            '<p><a href="https://example.org/?a=1&amp;b=2" title="Title" rel="noopener noreferrer">site</a></p>',
        ),
        ("<ann@example.org>", '<p><a href="mailto:ann@example.org" rel="noopener noreferrer">ann@example.org</a></p>'),
        ("```{ .py #id onclick=x }\n<b>code</b>\n```", "<pre><code>&lt;b&gt;code&lt;/b&gt;\n</code></pre>"),
        (
            "| a | b |\n|:--|--:|\n| 1 | 2 |",
            '<table>\n<thead>\n<tr>\n<th align="left">a</th>\n<th align="right">b</th>\n</tr>\n</thead>\n'
            '<tbody>\n<tr>\n<td align="left">1</td>\n<td align="right">2</td>\n</tr>\n</tbody>\n</table>',
        ),
        ("   ", ""),
    ],
)
def test_markdown_renders_a_safe_subset(markdown: str, html: str) -> None:
    assert render_markdown(markdown) == html


def test_no_payload_survives_rendering() -> None:
    html = render_markdown(markdown_payload("http://127.0.0.1:9/tracker.png"))
    assert active_markup(html) == []
    for payload in HTML_PAYLOADS:
        assert html_module.escape(payload, quote=False) in html  # shown as text


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)" onclick="x()">a</a>',
        '<a href="data:text/html,x">a</a><a href="vbscript:x">b</a><a href="file:///etc/passwd">c</a>',
        "<img src=x onerror=alert(1)><svg onload=alert(1)></svg><math><mi>x</mi></math>",
        "<iframe src=x></iframe><object data=x></object><embed src=x><form action=x><input></form>",
        "<style>body{}</style><script>alert(1)</script><p style='color:red' id=__config class=x>t</p>",
        "<a href=' java\tscript:alert(1)'>a</a><meta http-equiv=refresh content='0;url=x'><base href=x>",
    ],
)
def test_the_sanitiser_alone_removes_every_active_part(html: str) -> None:
    assert active_markup(sanitise_html(html)) == []
    assert "id=" not in sanitise_html(html) and "class=" not in sanitise_html(html)


def test_what_is_left_out_is_reported_with_its_line() -> None:
    text = "Intro with <b>bold</b>.\n\n[plan](plan.md) and [ok](https://example.org)\n\n![chart](http://x/c.png)\n\n[plan](plan.md)"
    assert check_markdown(text) == [
        Dropped(0, HTML_MESSAGE.format("<b>")),
        Dropped(2, LINK_MESSAGE.format("plan.md")),
        Dropped(4, IMAGE_MESSAGE.format("http://x/c.png")),
        Dropped(6, LINK_MESSAGE.format("plan.md")),
    ]


def test_site_and_pack_show_the_same_sanitised_html(tree: Tree) -> None:
    mission = "Serve [all](https://example.org) <img src=x onerror=alert(1)> [x](javascript:alert(1))"
    project = tree(
        **{
            "content/units/team-a.yaml": f"id: team-a\nname: Team A\nparent: root\ntemplate: team\n"
            f"mission: '{mission}'\n"
        }
    )
    pack = build_pack(report_for(project, "2026-Q2"), "team-a", 1, dt.date(2026, 7, 1))
    assert pack.mission == render_markdown(mission)
    assert str(pack.mission) in markdown_text(mission)
    assert "<!--sp-raw-->" in markdown_text(mission)  # MkDocs' Markdown (attr_list ...) never sees it


def test_check_warns_with_file_and_line_and_strict_fails(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tree(
        **{
            "content/organization.yaml": "name: Test Org\nmission: 'See [plan](plan.md)'\nvision: |\n  Be great.\n\n  "
            "![logo](logo.png)\n",
            "content/commentary/2026-Q2/team-a.md": "---\nauthor: Cy\n---\n## Summary\n### Analysis\nFine.\n\n"
            "Read [this](javascript:alert(1)).\n### Actions\n<b>Act</b>\n",
        }
    )
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "content/organization.yaml:2: warning: mission: " + LINK_MESSAGE.format("plan.md") in lines
    assert "content/organization.yaml:3: warning: vision: " + IMAGE_MESSAGE.format("logo.png") in lines
    assert "content/commentary/2026-Q2/team-a.md:8: warning: " + LINK_MESSAGE.format("javascript:alert(1)") in lines
    assert "content/commentary/2026-Q2/team-a.md:10: warning: " + HTML_MESSAGE.format("<b>") in lines
    assert CliRunner().invoke(main, ["check", "--strict"]).exit_code == 1


def test_a_template_objective_description_is_reported_once_at_the_template(tree: Tree) -> None:
    template = (tree() / "content" / "templates" / "team.yaml").read_text(encoding="utf-8")
    project = tree(
        **{
            "content/templates/team.yaml": template.replace(
                "    perspective: internal\n",
                "    perspective: internal\n    description: 'Read [the plan](plan.md)'\n",
            )
        }
    )
    result = CliRunner().invoke(
        main, ["check", "--content", str(project / "content"), "--measures", str(project / "measures")]
    )
    warnings = [line for line in result.stderr.splitlines() if "plan.md" in line]
    assert warnings == [
        f"{project}/content/templates/team.yaml:7: warning: objective 'deliver' description: "
        + LINK_MESSAGE.format("plan.md")
    ]


# --- Images and refused links side by side (hostile tester, issue 9) ------------------------


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("See ![a](a.png) ![b](b.png) [c](javascript:z)", "<p>See a b c</p>"),
        (
            "Staff: ![a](a.png) [the plan](plan.docx) is due on 15 October, owner Dana.",
            "<p>Staff: a the plan is due on 15 October, owner Dana.</p>",
        ),
        (
            "![a](a.png) [*b* c](b.md) ![d](d.png) [e](https://e.org) tail",
            '<p>a <em>b</em> c d <a href="https://e.org" rel="noopener noreferrer">e</a> tail</p>',
        ),
        ("[![a](a.png)](x.md)[![b](b.png) b2](y.md) end", "<p>ab b2 end</p>"),
    ],
)
def test_images_next_to_refused_links_keep_every_word(markdown: str, html: str) -> None:
    assert render_markdown(markdown) == html


def test_check_reports_images_and_links_side_by_side_in_order(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tree(
        **{"content/commentary/2026-Q2/team-a.md": "## Summary\nSee ![a](a.png) ![b](b.png) [c](javascript:z)\n"}
    )
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if "team-a.md" in line] == [
        "content/commentary/2026-Q2/team-a.md:2: warning: " + IMAGE_MESSAGE.format("a.png"),
        "content/commentary/2026-Q2/team-a.md:2: warning: " + IMAGE_MESSAGE.format("b.png"),
        "content/commentary/2026-Q2/team-a.md:2: warning: " + LINK_MESSAGE.format("javascript:z"),
    ]


_WORD = st.text("abcdefghij", min_size=1, max_size=6)
_URL = st.sampled_from(["https://example.org/x", "mailto:a@example.org", "javascript:z", "plan.docx", "#top", "a.png"])
_PIECE = st.one_of(
    _WORD.map(lambda w: (w, w)),
    st.tuples(_WORD, _URL).map(lambda p: (f"![{p[0]}]({p[1]})", p[0])),
    st.tuples(st.lists(_WORD, min_size=1, max_size=3), _URL).map(
        lambda p: (f"[{' '.join(p[0])}]({p[1]})", " ".join(p[0]))
    ),
    st.tuples(_WORD, _URL, _URL).map(lambda p: (f"[![{p[0]}]({p[1]})]({p[2]})", p[0])),
)


@settings(derandomize=True, database=None, max_examples=300)
@given(st.lists(st.tuples(_PIECE, st.sampled_from([" ", "", "\n"])), min_size=1, max_size=12))
def test_rendering_keeps_every_visible_word(pieces: list[tuple[tuple[str, str], str]]) -> None:
    markdown = "".join(source + gap for (source, _), gap in pieces)
    visible = "".join(shown + gap for (_, shown), gap in pieces)
    rendered = html_module.unescape(re.sub(r"<[^>]*>", "", str(render_markdown(markdown))))
    assert re.findall(r"[a-j]+", rendered) == re.findall(r"[a-j]+", visible)
    check_markdown(markdown)  # never raises either


# --- Texts too costly to format are shown as plain text (hostile tester, issue 9) -----------

DEEP_LIST = "".join("    " * i + "- x\n" for i in range(300))  # 180 KB; crashed build with RecursionError
PLAIN = "text shown as plain text: "
NESTED = PLAIN + "a line nested {} levels deep (lists or quotes; at most 20)"
BLOCK = PLAIN + "{} lines without a blank line (at most 300 in one paragraph, list or table)"
BRACKETS = (
    PLAIN + "too many '[' for its length (at most 1,000,000 for '[' in each paragraph times its characters, "
    "e.g. 100 links in a paragraph of 10,000 characters)"
)
LENGTH = PLAIN + "{} characters (at most 30,000 in one text)"


@pytest.mark.parametrize(
    ("markdown", "dropped"),
    [
        (DEEP_LIST, Dropped(20, NESTED.format(21))),
        ("".join("    " * i + "- x\n" for i in range(20)), None),
        ("intro\n\n" + ">" * 21 + " x", Dropped(2, NESTED.format(21))),
        ("- " * 21 + "x", Dropped(0, NESTED.format(21))),
        ("\t" * 20 + "- x", Dropped(0, NESTED.format(21))),
        ("[" * 16_000, Dropped(0, BRACKETS)),  # took 36 s
        ("intro\n\n" + "[a](https://a.org) " * 100 + "x" * 8_000, None),  # 100 links in 9,900 characters
        ("intro\n\n" + "[a](https://a.org) " * 100 + "x" * 8_200, Dropped(2, BRACKETS)),
        ("intro\n\n" + "# x\n" * 300, None),
        ("intro\n\n" + "# x\n" * 301, Dropped(2, BLOCK.format(301))),
        ("x\n\n" * 9_999 + "x\n", None),
        ("*" * 500 + "x" + "_" * 500, None),
        (
            "intro\n\n" + "*" * 2_000 + "x" + "*" * 2_000,
            Dropped(2, PLAIN + "4000 '*' and '_' in one paragraph (at most 1,000)"),
        ),
        ("x\n\n" * 10_000 + "x", Dropped(0, LENGTH.format("30,001"))),
    ],
)
def test_texts_over_the_limits_are_reported_at_their_line(markdown: str, dropped: Dropped | None) -> None:
    found = [d for d in check_markdown(markdown) if d.message.startswith(PLAIN)]
    assert found == ([dropped] if dropped else [])


def test_a_text_over_the_limits_is_shown_as_plain_escaped_text() -> None:
    assert render_markdown(DEEP_LIST).startswith("<p>- x\n    - x\n        - x\n")
    assert (
        render_markdown("[" * 16_000 + " <b>x</b> *y*\n\nnext")
        == f"<p>{'[' * 16_000} &lt;b&gt;x&lt;/b&gt; *y*</p>\n<p>next</p>"
    )


def test_a_recursion_error_is_a_warning_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usertext, "MAX_NESTING", 1_000)
    monkeypatch.setattr(usertext, "MAX_TEXT", 1_000_000)
    text = DEEP_LIST + "\n[unique]"  # not rendered before, so not cached
    assert check_markdown(text) == [Dropped(0, PLAIN + "it is nested too deeply to format")]
    assert render_markdown(text).startswith("<p>- x\n    - x\n")
    assert render_markdown("*after* it\n\nnext") == "<p><em>after</em> it</p>\n<p>next</p>"  # a new converter


def test_check_warns_about_a_deep_list_without_brackets(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    # check skipped texts with neither '<' nor '[', so it passed what build could not render
    project = tree(**{"content/commentary/2026-Q2/team-a.md": "## Summary\nFine.\n\n" + DEEP_LIST})
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert "content/commentary/2026-Q2/team-a.md:24: warning: " + NESTED.format(21) in result.stderr.splitlines()
    assert CliRunner().invoke(main, ["check", "--strict"]).exit_code == 1


@pytest.mark.slow
def test_build_publishes_a_deep_list_and_a_line_of_brackets_as_text(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_build import _config

    project = tree(**{"content/commentary/2026-Q2/team-a.md": "## Summary\n" + DEEP_LIST + "\n" + "[" * 16_000})
    _config(project)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "--no-pdf"])
    assert result.exit_code == 0, result.output
    pages = "".join(p.read_text(encoding="utf-8") for p in (project / "site").rglob("*.html"))
    assert "[" * 16_000 in pages and "- x\n" + "    " * 299 + "- x" in pages


WITHIN_LIMITS = {
    "list": "".join("    " * i + "- x\n" for i in range(20)),
    "markers": "- " * 20 + "x",
    "quotes": ">" * 20 + " x",
    "quote and list": "> - " * 10 + "x",
    "numbered and quote": "1. > " * 10 + "x",
    "indented quotes": "".join("    " * i + "> x\n" for i in range(20)),
    "brackets": "[" * 100 + "x" + "]" * 100,
    "links": "[a](" * 100 + ")" * 100,
    "emphasis": "*" * 500 + "x" + "*" * 500,
    "underscores": "_" * 500 + "x" + "_" * 500,
}


@pytest.mark.parametrize("name", WITHIN_LIMITS)
def test_markdown_within_the_limits_needs_under_150_stack_frames(name: str) -> None:
    # Why check may skip rendering a text with neither '<' nor '[': within the limits, Markdown
    # cannot exhaust the stack (Python allows 1,000 frames; build calls it about 100 deep).
    text = WITHIN_LIMITS[name] + f"\n\n{name}"  # not rendered before, so not cached
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 150)
    try:
        assert usertext.over_limits(text) is None
        assert render_markdown(text).startswith("<")
        assert not [d for d in check_markdown(text) if d.message.startswith(PLAIN)]  # no recursion error
    finally:
        sys.setrecursionlimit(limit)
