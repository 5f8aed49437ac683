"""The raw-HTML stash gives MkDocs the same page, without Markdown parsing our tables."""

from __future__ import annotations

import markdown

from generator.mkdocs_stash import RawHtmlStash
from generator.render.text import raw_block

PAGE = "# Title\n\nSome *text*.\n" + raw_block("<table>\n<tr><td>1 &lt; 2</td></tr>\n</table>") + "\nMore *text*.\n"


def test_stashed_blocks_come_back_unchanged() -> None:
    stash = RawHtmlStash()
    html = stash.on_page_content(markdown.markdown(stash.on_page_markdown(PAGE)))
    assert "<table>\n<tr><td>1 &lt; 2</td></tr>\n</table>" in html
    assert "<em>text</em>" in html and "sp-raw:" not in html


def test_without_the_stash_markdown_renders_the_same_html() -> None:
    stash = RawHtmlStash()
    with_stash = stash.on_page_content(markdown.markdown(stash.on_page_markdown(PAGE)))
    without = markdown.markdown(PAGE)
    strip = lambda text: "".join(line for line in text.split("\n") if "sp-raw" not in line)  # noqa: E731
    assert strip(with_stash) == strip(without)


def test_each_page_has_its_own_blocks() -> None:
    stash = RawHtmlStash()
    stash.on_page_markdown(PAGE)
    second = stash.on_page_markdown(raw_block("<p>second</p>"))
    assert stash.on_page_content(markdown.markdown(second)).strip() == "<p>second</p>"
