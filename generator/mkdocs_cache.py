"""Reuse what MkDocs made of a page whose Markdown did not change since the last build.

Two costs of MkDocs are per page and depend only on the page: turning its Markdown into HTML
(Python-Markdown) and cutting that HTML into search entries (the search plugin parses every
page a second time; about two thirds of MkDocs' time on the benchmark organisations). This
plugin keeps both in the work folder (`build/page-cache/<edition>/`), keyed by a hash of the
page's Markdown and of everything else that shapes it (see `fingerprint`). The theme's layout of
a page (its template rendered with the navigation) is kept too, keyed by the page's HTML, table
of contents, title, metadata, address and a digest of the whole navigation: a changed nav or any
changed page title lays out every page again. MkDocs still writes the search index, sitemap and
other site-wide files from all pages: the site equals a cold build's.

A page is reused only if its key matches and the stored HTML still has the digest recorded for
it; anything else (another version, a damaged or missing file, unreadable index) renders the
page again and says so. Only files this module names (`index.json`, `<sha256>.html`) are written
or removed in the cache folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc

from generator.errors import BuildError

FORMAT = 2  # of index.json; a different one is ignored (the cache is rebuilt)
INDEX = "index.json"
_STORED = re.compile(r"^[0-9a-f]{64}\.html$")


def fingerprint(config_text: str, extra: Iterable[str] = ()) -> str:
    """Return the digest of what every page depends on besides its Markdown.

    `config_text` is the derived mkdocs.yml (user settings, nav, site_url, plugins); `extra` the
    product version and our templates' digest. The versions of MkDocs, its theme and Markdown
    are added here: a page rendered by another version is not reused.
    """
    parts = [f"format {FORMAT}", config_text, *extra]
    parts += [f"{name} {version(name)}" for name in ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions")]
    return _sha("\n\0".join(parts))


def _sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text).hexdigest()


class PageCache(BasePlugin):  # type: ignore[type-arg]
    """Serve a page's HTML, table of contents and search entries from the cache when its Markdown is unchanged."""

    def __init__(self, folder: Path, fingerprint: str, say: Callable[[str], None] = lambda _: None) -> None:
        self.folder, self.fingerprint, self._say = folder, fingerprint, say
        self._old: dict[str, dict[str, Any]] = {}
        self._new: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, str] = {}  # src_uri -> key of this build
        self._reused: dict[str, dict[str, Any]] = {}  # src_uri -> record, for pages served from the cache
        self._files: Files | None = None
        self._all = ""  # digest of every file's path, set by on_files
        self._navigation: Navigation | None = None
        self._nav = ""  # digest of the navigation, set by on_env
        self.reused = 0
        self.laid_out = 0  # pages whose layout (theme template) was reused
        self.damaged = 0
        # Two processes (see `split`): this one's share of the pages to render, as (k, n)
        self.share = (0, 1)
        self._order: dict[str, int] = {}  # src_uri -> position among the documentation pages
        self._deferred: set[str] = set()  # pages the other process renders (or, there, this one skips)
        self.partner: Callable[[], dict[str, dict[str, Any]]] | None = None  # the parent: the other share's records
        self.handover: Callable[[dict[str, dict[str, Any]]], None] | None = None  # the child: hand its records over

    # Reading: whatever is wrong with the index makes every page render again
    def on_pre_build(self, *, config: Any) -> None:
        self._old = self._read_index()
        search = config.plugins.get("search") or config.plugins.get("material/search")
        index = getattr(search, "search_index", None)
        if index is not None and hasattr(index, "add_entry_from_context"):
            index.add_entry_from_context = self._search_entries(index.add_entry_from_context, index)

    def _read_index(self) -> dict[str, dict[str, Any]]:
        path = self.folder / INDEX
        if not path.is_file():
            return {}
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            body = stored["body"]
            intact = stored["checksum"] == _sha(json.dumps(body, sort_keys=True))
        except (OSError, ValueError, KeyError, TypeError):
            intact, body = False, {}
        if not intact:
            self._say(f"The page cache {self.folder} is damaged: every page is rendered again")
            return {}
        if body.get("format") != FORMAT or body.get("fingerprint") != self.fingerprint:
            return {}  # another version, templates or settings: nothing is reused, as expected
        pages: dict[str, dict[str, Any]] = body.get("pages", {})
        return pages

    def on_files(self, files: Files, *, config: Any) -> Files:
        self._files = files
        # A link resolves against the set of files: another set, another page
        self._all = _sha("\n".join(sorted(f.src_uri for f in files)))
        self._order = {f.src_uri: number for number, f in enumerate(files.documentation_pages())}
        return files

    def on_nav(self, nav: Navigation, *, config: Any, files: Files) -> Navigation:
        self._navigation = nav
        return nav

    def on_env(self, env: jinja2.Environment, *, config: Any, files: Files) -> jinja2.Environment:
        # Every page's layout shows the whole navigation: titles (read once all pages are, as a
        # page's title may come from its heading), addresses, order
        items = _nav_items(self._navigation.items) if self._navigation is not None else []
        self._nav = _sha(json.dumps(items, ensure_ascii=False))
        get_template = env.get_template

        def reusing(name: Any, *args: Any, **kwargs: Any) -> Any:
            return _Layout(get_template(name, *args, **kwargs), str(name), self)

        env.get_template = reusing  # type: ignore[method-assign]
        if self.handover is not None:
            self._hand_over(env, config, files)
        return env

    # Before the search plugin indexes the page: the first of the child's pages waits for its share
    @event_priority(100)
    def on_page_context(self, context: Any, *, page: Page, **_: Any) -> Any:
        if page.file.src_uri in self._deferred and self.partner is not None and self._files is not None:
            partner, self.partner = self.partner, None
            self._take_over(partner(), self._files)
        return context

    def _mine(self, uri: str) -> bool:
        """Return whether this process renders a page: the first half of the pages in order, or the second."""
        part, parts = self.share
        return self._order.get(uri, 0) * parts // max(1, len(self._order)) == part

    def _hand_over(self, env: jinja2.Environment, config: Any, files: Files) -> None:
        """In the child: lay out the pages it rendered (their search entries and layouts are recorded), hand them over, stop."""
        from mkdocs.commands.build import _build_page  # noqa: PLC0415 (MkDocs' own: the page as the parent would lay it out)

        nav, pages = self._navigation, files.documentation_pages()
        done = {}
        for file in pages:
            if file.page is not None and file.src_uri in self._new and nav is not None:
                _build_page(file.page, config, pages, nav, env)  # into the child's own scratch site
                done[file.src_uri] = self._new[file.src_uri]
        assert self.handover is not None
        self.handover(done)
        raise ShareDone

    def _take_over(self, records: dict[str, dict[str, Any]], files: Files) -> None:
        """In the parent: serve the pages the child rendered as if from the cache (its HTML is stored there)."""
        for uri in sorted(self._deferred):
            record, file = records.get(uri), files.get_file_from_path(uri)
            html = self._stored(str(record.get("content", ""))) if record else None
            if (
                record is None
                or html is None
                or record.get("key") != self._keys.get(uri)
                or file is None
                or file.page is None
            ):
                raise BuildError(f"the process rendering half the pages did not render '{uri}' as this one would")
            self._restore(file.page, record)
            file.page.content = html
            self._old[uri] = record  # its search entries and layout, found there as a reused page's are
            self._new[uri] = {
                k: v for k, v in record.items() if k not in ("search_key", "search", "layout_key", "layout")
            }

    def layout(self, template: jinja2.Template, name: str, context: Any) -> str:
        """Return the page's layout from the cache when its inputs are unchanged, else render and keep it."""
        page = context.get("page") if isinstance(context, dict) else None
        if not isinstance(page, Page) or page.file.src_uri not in self._new:
            return str(template.render(context))  # not a page (sitemap, 404): as MkDocs does
        uri = page.file.src_uri
        inputs = [self._nav, self._all, name, page.url, page.title, page.content, page.meta]
        key = _sha(json.dumps([*inputs, [_token(t) for t in page.toc]], sort_keys=True, default=str))
        old = self._old.get(uri, {})
        if old.get("layout_key") == key:
            output = self._stored(str(old.get("layout", "")))
            if output is not None:
                self.laid_out += uri not in self._deferred  # the other process's pages were laid out just now
                self._new[uri].update(layout_key=key, layout=old["layout"])  # stored, and just checked
                return output
            self.damaged += 1  # recorded, but the file is gone or changed
            if _STORED.match(f"{old.get('layout')}.html"):
                (self.folder / f"{old['layout']}.html").unlink(missing_ok=True)
        output = str(template.render(context))
        self._new[uri].update(layout_key=key, layout=self._keep(output))
        return output

    # Before any other plugin sees the Markdown: a page whose key matches renders from nothing
    @event_priority(100)
    def on_page_markdown(self, markdown: str, *, page: Page, **_: Any) -> str:
        uri = page.file.src_uri
        key = _sha(f"{self.fingerprint}\0{self._all}\0{uri}\0{markdown}")
        self._keys[uri] = key
        record = self._old.get(uri)
        child = self.handover is not None
        if record is not None and record.get("key") == key:
            if child:  # the parent reuses it itself
                self._deferred.add(uri)
                return ""
            content = self._stored(record.get("content", ""))
            if content is not None:
                self._reused[uri] = {**record, "html": content}
                return ""
            self.damaged += 1
            if _STORED.match(f"{record.get('content')}.html"):
                (self.folder / f"{record['content']}.html").unlink(missing_ok=True)
        if self.share[1] > 1 and not self._mine(uri):
            self._deferred.add(uri)  # the other process renders it
            return ""
        return markdown

    def _stored(self, digest: str) -> str | None:
        path = self.folder / f"{digest}.html"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return data.decode("utf-8", "surrogatepass") if _sha(data) == digest else None

    # After every other plugin: the page's final HTML body, its table of contents and anchors
    @event_priority(-100)
    def on_page_content(self, html: str, *, page: Page, **_: Any) -> str:
        uri = page.file.src_uri
        if uri in self._deferred:
            return html  # rendered by the other process (see on_env)
        reused = self._reused.get(uri)
        if reused is not None:
            self.reused += 1
            self._restore(page, reused)
            html = reused["html"]
        self._new[uri] = self._record(page, html)
        return html

    def _restore(self, page: Page, record: dict[str, Any]) -> None:
        page.toc = get_toc(record["toc"])
        page._title_from_render = record["title"]
        page.present_anchor_ids = set(record["anchors"])
        files = self._files
        links = {files.get_file_from_path(src): anchors for src, anchors in record["links"].items()} if files else {}
        page.links_to_anchors = {f: a for f, a in links.items() if f is not None} or None

    def _keep(self, html: str) -> str:
        """Store an HTML text under its own digest (once, whole: two processes may store the same); return the digest."""
        data = html.encode("utf-8", "surrogatepass")
        digest = _sha(data)
        path = self.folder / f"{digest}.html"
        if not path.is_file():
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f"{digest}.{os.getpid()}.tmp"
            temporary.write_bytes(data)
            os.replace(temporary, path)
        return digest

    def _record(self, page: Page, html: str) -> dict[str, Any]:
        digest = self._keep(html)
        links = {f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()}
        return {
            "key": self._keys.get(page.file.src_uri, ""),
            "content": digest,
            "toc": [_token(item) for item in page.toc],
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": links,
        }

    def _search_entries(self, index_page: Callable[[Page], None], index: Any) -> Callable[[Page], None]:
        """Wrap the search plugin's indexing of a page: the same content, toc, url and meta give the same entries."""

        def add_entry_from_context(page: Page) -> None:
            uri = page.file.src_uri
            inputs = json.dumps(
                [page.content, [_token(t) for t in page.toc], page.url, page.title, page.meta],
                sort_keys=True,
                default=str,
            )
            key = _sha(inputs)
            old = self._old.get(uri, {})
            if old.get("search_key") == key:
                index.entries.extend(json.loads(json.dumps(old["search"])))
            else:
                before = len(index.entries)
                index_page(page)
                old = {"search": index.entries[before:]}
            if uri in self._new:
                self._new[uri].update(search_key=key, search=old["search"])

        return add_entry_from_context

    def save(self) -> None:
        """Write the index once MkDocs succeeded: a failed or killed build leaves the previous one."""
        self.folder.mkdir(parents=True, exist_ok=True)
        body = {"format": FORMAT, "fingerprint": self.fingerprint, "pages": self._new}
        text = json.dumps({"checksum": _sha(json.dumps(body, sort_keys=True)), "body": body})
        temporary = self.folder / f"{INDEX}.tmp"
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.folder / INDEX)
        kept = {record[name] for record in self._new.values() for name in ("content", "layout") if name in record}
        for entry in self.folder.iterdir():
            if _STORED.match(entry.name) and entry.name[:-5] not in kept:
                entry.unlink()
        self._say(
            f"Reused {self.reused} of {len(self._new)} pages from the page cache ({self.laid_out} laid out as before)"
        )
        if self.damaged:
            self._say(f"{self.damaged} page(s) in the page cache {self.folder} were damaged and rendered again")


def _token(item: AnchorLink) -> dict[str, Any]:
    return {"level": item.level, "id": item.id, "name": item.title, "children": [_token(c) for c in item.children]}


class ShareDone(BaseException):
    """Raised in the child once its share is handed over: MkDocs' build stops there (not an error)."""


def _nav_items(items: list[Any]) -> list[Any]:
    """Return the navigation as plain data: each item's kind, title, address and children."""
    shown: list[Any] = []
    for item in items:
        if isinstance(item, Section):
            shown.append(["section", item.title, _nav_items(item.children)])
        elif isinstance(item, Link):
            shown.append(["link", item.title, item.url])
        elif isinstance(item, Page):
            shown.append(["page", item.title, item.file.src_uri, item.url])
    return shown


class _Layout:
    """A theme template whose rendering of a page goes through the cache (anything else renders as is)."""

    def __init__(self, template: jinja2.Template, name: str, cache: PageCache) -> None:
        self._template, self._name, self._cache = template, name, cache

    def render(self, *args: Any, **kwargs: Any) -> str:
        if len(args) == 1 and not kwargs:
            return self._cache.layout(self._template, self._name, args[0])
        return str(self._template.render(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)
