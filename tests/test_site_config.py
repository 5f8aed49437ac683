"""The user's mkdocs.yml: every setting the build relies on has its shape checked, with file:line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build import copy_user_pages
from generator.errors import UsageError
from generator.site_config import read_site_config


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder as the current folder, so messages show short relative paths."""
    project = tmp_path / "project"
    (project / "pages").mkdir(parents=True)
    monkeypatch.chdir(project)
    return project


def _refusal(text: str) -> str:
    Path("mkdocs.yml").write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_site_config(Path("mkdocs.yml"))
    return str(caught.value)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 10)}]\n" for a, b in zip("abcd", "bcde", strict=True)
)

SHAPES = [
    ("nav: 5", "mkdocs.yml:2: nav: expected a list of pages, e.g. nav: [{About: about.md}] (got the number 5)"),
    (
        'extra_css: "x.css"',
        "mkdocs.yml:2: extra_css: expected a list of stylesheets, e.g. extra_css: [extra.css] (got the text 'x.css')",
    ),
    (
        "extra_javascript:\n  - [a.js]",
        "mkdocs.yml:2: extra_javascript: expected a list of scripts, e.g. extra_javascript: [extra.js] "
        "(got a list in it)",
    ),
    (
        "theme: 5",
        "mkdocs.yml:2: theme: expected a theme name or its settings, e.g. theme: {name: material} (got the number 5)",
    ),
    ("theme:\n  name: [a]", "mkdocs.yml:3: theme.name: expected a theme name, e.g. name: material (got a list)"),
    ("docs_dir: 5", "mkdocs.yml:2: docs_dir: expected a folder name, e.g. docs_dir: pages (got the number 5)"),
    (
        "docs_dir: /etc",
        "mkdocs.yml:2: docs_dir: '/etc' is outside the folder of mkdocs.yml; use a folder in it, e.g. pages",
    ),
    (
        "docs_dir: ../..",
        "mkdocs.yml:2: docs_dir: '../..' is outside the folder of mkdocs.yml; use a folder in it, e.g. pages",
    ),
    ("docs_dir: .", "mkdocs.yml:2: docs_dir: '.' is the folder of mkdocs.yml itself; use a folder in it, e.g. pages"),
    (
        "theme:\n  name: material\n  custom_dir: /home",
        "mkdocs.yml:4: theme.custom_dir: '/home' is outside the folder of mkdocs.yml; use a folder in it, e.g. overrides",
    ),
    (
        "site_url: 5",
        "mkdocs.yml:2: site_url: expected the address of the published site, e.g. site_url: https://example.org/ "
        "(got the number 5)",
    ),
    (
        "site_dir: public",
        "mkdocs.yml:2: site_dir: not supported: the site goes where `scorecard build --out` says; remove site_dir",
    ),
    (
        "INHERIT: ../base.yml",
        "mkdocs.yml:2: INHERIT: not supported: the build reads this one file; copy the inherited settings into it",
    ),
    (
        "hooks: [../../tmp/x.py]",
        "mkdocs.yml:2: hooks: not supported: the build runs no Python named in mkdocs.yml; make it a plugin "
        "installed in the environment",
    ),
    ("copyright: 2026-06-31", "mkdocs.yml:2: not a valid value: day is out of range for month"),
    (
        "site_description: !ENV DESCRIPTION",
        "mkdocs.yml:2: not plain YAML: could not determine a constructor for the tag '!ENV'; write the value itself "
        "(tags such as !ENV are not read)",
    ),
    (
        "nav: [a.md",
        "mkdocs.yml:3: not valid YAML: while parsing a flow sequence, expected ',' or ']', but got '<stream end>'",
    ),
    (
        "---\nnav: []\n",
        "mkdocs.yml:2: not valid YAML: expected a single document in the stream, but found another document",
    ),
    ("a: &a [*a]", "mkdocs.yml:2: an alias refers to the value that holds it"),
    (BOMB, "mkdocs.yml: its aliases expand to more than 100,000 values; write the settings out"),
    ("nav: " + "[" * 5000 + "]" * 5000, "mkdocs.yml: nested too deeply to be MkDocs settings"),
]


@pytest.mark.parametrize(("setting", "message"), SHAPES, ids=[message.split(": ")[1] for _, message in SHAPES])
def test_a_setting_of_the_wrong_shape_is_named_with_its_line(here: Path, setting: str, message: str) -> None:
    assert _refusal(f"site_name: Mine\n{setting}\n") == message


def test_a_config_that_is_not_a_mapping_or_not_text_is_refused(here: Path) -> None:
    assert _refusal("- a\n- b\n") == "mkdocs.yml: expected a mapping of MkDocs settings, e.g. site_name: My scorecard"
    Path("mkdocs.yml").write_bytes("site_name: ok\nsite_description: caf\xe9\n".encode("latin-1"))
    with pytest.raises(UsageError, match=r"^mkdocs.yml:2: not UTF-8 text; save the file as UTF-8$"):
        read_site_config(Path("mkdocs.yml"))
    with pytest.raises(UsageError, match=r"^MkDocs config 'pages' is not a file \(use --config FILE\)$"):
        read_site_config(Path("pages"))


def test_folders_are_resolved_inside_the_project(here: Path) -> None:
    (here / "overrides").mkdir()
    Path("mkdocs.yml").write_text("site_name: x\ndocs_dir: pages\ntheme:\n  name: material\n  custom_dir: overrides\n")
    config = read_site_config(Path("mkdocs.yml"))
    assert (config.docs_dir, config.custom_dir, config.project) == (here / "pages", here / "overrides", here)
    Path("mkdocs.yml").write_text("site_name: x\n")
    assert read_site_config(Path("mkdocs.yml")).docs_dir == here / "docs"  # MkDocs' default


def test_a_pages_folder_linked_out_of_the_project_is_refused(here: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (here / "linked").symlink_to(tmp_path / "elsewhere")
    message = _refusal("site_name: x\ndocs_dir: linked\n")
    assert (
        message
        == "mkdocs.yml:2: docs_dir: 'linked' is outside the folder of mkdocs.yml; use a folder in it, e.g. pages"
    )


def test_user_pages_are_copied_without_following_links_out_of_the_project(here: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("not for the site", encoding="utf-8")
    (here / "shared.md").write_text("# Shared\n", encoding="utf-8")
    (here / "pages" / "about.md").write_text("# About\n", encoding="utf-8")
    (here / "pages" / "shared.md").symlink_to("../shared.md")  # inside the project: copied
    (here / "pages" / "secret.md").symlink_to(tmp_path / "secret.txt")
    (here / "pages" / "etc").symlink_to("/etc")
    (here / "pages" / "gone.md").symlink_to("nowhere.md")
    (here / "pages" / "inbox").symlink_to("../pages")
    os.mkfifo(here / "pages" / "pipe.md")
    Path("mkdocs.yml").write_text("site_name: x\ndocs_dir: pages\n")
    config, docs = read_site_config(Path("mkdocs.yml")), tmp_path / "docs"
    with pytest.raises(UsageError) as caught:
        copy_user_pages(config, docs)
    assert str(caught.value) == (
        "5 file(s) the build will not copy into the site:\n"
        "  pages/etc: a symbolic link to '/etc', outside the project folder; copy the file in instead\n"
        "  pages/gone.md: a symbolic link to 'nowhere.md', which does not exist\n"
        "  pages/inbox: a symbolic link to the folder 'pages'; links to folders are not followed\n"
        "  pages/pipe.md: not a regular file (a pipe, socket or device); remove it\n"
        f"  pages/secret.md: a symbolic link to '{tmp_path / 'secret.txt'}', outside the project folder; "
        "copy the file in instead"
    )
    for name in ("etc", "gone.md", "inbox", "pipe.md", "secret.md"):
        (here / "pages" / name).unlink()
    copy_user_pages(config, docs)
    assert sorted(p.name for p in docs.iterdir()) == ["about.md", "shared.md"]
    assert not (docs / "shared.md").is_symlink()


def test_a_theme_folder_with_a_link_out_of_the_project_is_refused(here: Path) -> None:
    (here / "overrides").mkdir()
    (here / "overrides" / "passwd").symlink_to("/etc/passwd")
    message = _refusal("site_name: x\ntheme:\n  name: material\n  custom_dir: overrides\n")
    assert message == (
        "1 file(s) the build will not copy into the site:\n"
        "  overrides/passwd: a symbolic link to '/etc/passwd', outside the project folder; copy the file in instead"
    )
