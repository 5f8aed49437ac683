"""The built site in real Chromium (Debian's, through Playwright): charts, navigation, file://, escaping."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.build import build_site
from tests.hostile import ATTR_LIST, IFRAME, IMG, SCRIPT, SVG, UNIT_NAME, write_hostile_project

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _serve(folder: Path) -> Iterator[http.server.ThreadingHTTPServer]:
    """Serve `folder` (built later) on a free port, bound first so the port is known and stays ours."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def example_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-example")


@pytest.fixture(scope="session")
def httpd(example_folder: Path) -> Iterator[http.server.ThreadingHTTPServer]:
    yield from _serve(example_folder / "site")


@pytest.fixture(scope="session")
def example_site(example_folder: Path, httpd: http.server.ThreadingHTTPServer) -> Path:
    """The example, built once; site_url is the test server's, as instant navigation needs."""
    build_site(
        ROOT / "content",
        ROOT / "measures",
        example_folder / "site",
        config=ROOT / "mkdocs.yml",
        work=example_folder / "b",
        pdf=False,
        site_url=f"http://127.0.0.1:{httpd.server_port}/",
        audience="board",
    )  # the board edition has every unit
    return example_folder / "site"


@pytest.fixture(scope="session")
def evil_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-evil")


@pytest.fixture(scope="session")
def evil_httpd(evil_folder: Path) -> Iterator[http.server.ThreadingHTTPServer]:
    yield from _serve(evil_folder / "site")


@pytest.fixture(scope="session")
def evil_site(evil_folder: Path, evil_httpd: http.server.ThreadingHTTPServer) -> Path:
    """The minimal fixture with a payload in every user text (tests/hostile.py)."""
    project = write_hostile_project(evil_folder / "input")
    build_site(
        project / "content",
        project / "measures",
        evil_folder / "site",
        config=ROOT / "mkdocs.yml",
        work=evil_folder / "b",
        pdf=False,
        site_url=f"http://127.0.0.1:{evil_httpd.server_port}/",
    )
    return evil_folder / "site"


@pytest.fixture(scope="session")
def server(example_site: Path, httpd: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{httpd.server_port}"


@pytest.fixture(scope="session")
def evil_server(evil_site: Path, evil_httpd: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{evil_httpd.server_port}"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def _draw_all_charts(page: object) -> int:
    """Scroll every chart into view (they draw lazily) and wait until each has its SVG."""
    charts = page.locator(".sp-chart")  # type: ignore[attr-defined]
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).locator("svg.main-svg").first.wait_for()
    return int(charts.count())


UNITS = ["university", "it", "it-service-desk", "desk-medical"]  # every level of the example


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        *[f"units/{u}/index.html" for u in UNITS],
        "units/it/details.html",
        "units/it/map.html",
        "changes.html",
        "quality.html",
    ],
)
def test_page_loads_without_console_errors_and_draws_every_chart(server: str, page: object, path: str) -> None:
    page.goto(f"{server}/{path}")  # type: ignore[attr-defined]
    _draw_all_charts(page)
    assert page.errors == []  # type: ignore[attr-defined]


def test_unit_pages_have_charts_and_the_map_has_boxes(server: str, page: object) -> None:
    page.goto(f"{server}/units/it/index.html")  # type: ignore[attr-defined]
    assert _draw_all_charts(page) >= 1
    page.goto(f"{server}/units/it/map.html")  # type: ignore[attr-defined]
    assert page.locator("svg.sp-map a.sp-box").count() >= 4  # type: ignore[attr-defined]


def _at(path: str) -> Callable[[str], bool]:
    """Match a URL by its path: navigation.tracking adds the #fragment of the heading in view."""
    return lambda url: urlsplit(url).path.endswith(path)


# mkdocs-material intercepts a click only once it has parsed sitemap.xml, the one document it
# parses as XML; a click before that is a full page load. Flag the parse to wait for it: the theme
# stores the sitemap in the same synchronous call, before any later task can read the flag.
SITEMAP_PARSED = """
const parse = DOMParser.prototype.parseFromString;
DOMParser.prototype.parseFromString = function (text, type) {
  const parsed = parse.call(this, text, type);
  if (type === "text/xml") { window.__sitemap_parsed = true; }
  return parsed;
};
"""


def test_click_navigation_with_instant_loading(server: str, page: object) -> None:
    page.add_init_script(SITEMAP_PARSED)  # type: ignore[attr-defined]
    page.goto(f"{server}/index.html")  # type: ignore[attr-defined]
    page.wait_for_function("window.__sitemap_parsed === true")  # type: ignore[attr-defined]
    page.evaluate("window.__same_document = true")  # type: ignore[attr-defined]
    page.locator(".sp-tree a", has_text="IT Services").first.click()  # type: ignore[attr-defined]
    page.wait_for_url(_at("/units/it/index.html"))  # type: ignore[attr-defined]
    # The URL changes before instant navigation swaps the content in: wait for the new page itself.
    page.locator(".sp-breadcrumb").first.wait_for()  # type: ignore[attr-defined]
    assert _draw_all_charts(page) >= 1
    page.locator("a.md-button", has_text="Objectives").click()  # type: ignore[attr-defined]
    page.wait_for_url(_at("/units/it/details.html"))  # type: ignore[attr-defined]
    page.locator(".sp-kpi-head").first.wait_for()  # type: ignore[attr-defined]
    page.locator(".sp-chart").first.scroll_into_view_if_needed()  # type: ignore[attr-defined]
    page.locator(".sp-chart svg.main-svg").first.wait_for()  # type: ignore[attr-defined]
    assert page.evaluate("window.__same_document === true")  # type: ignore[attr-defined]  # never a full reload
    assert page.errors == []  # type: ignore[attr-defined]


def test_site_works_over_file_urls(example_site: Path, page: object) -> None:
    page.goto((example_site / "index.html").as_uri())  # type: ignore[attr-defined]
    page.locator(".sp-tree a", has_text="IT Services").first.click()  # type: ignore[attr-defined]
    page.wait_for_url(_at("/units/it/index.html"))  # type: ignore[attr-defined]
    assert _draw_all_charts(page) >= 1
    assert [e for e in page.errors if "search" not in e.lower()] == []  # type: ignore[attr-defined]


EVIL_PAGES = [
    "index.html",
    "units/root/index.html",
    "units/root/details.html",
    "units/root/map.html",
    "units/team-a/index.html",
    "changes.html",
    "initiatives.html",
    "quality.html",
]
# Any inline handler, script URL or embedded frame in the rendered DOM. Ours: CSV downloads, Plotly's heatmap PNG.
ACTIVE_DOM = """() => [...document.querySelectorAll('*')].flatMap(el => [
    ...[...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name),
    ...['href', 'src', 'xlink:href', 'action'].map(n => el.getAttribute(n)).filter(v => v !== null)
        .map(v => v.replace(/[\\u0000-\\u0020]/g, '').toLowerCase())
        .filter(v => /^(javascript|vbscript|file):/.test(v) || (v.startsWith('data:') && !/^data:(text\\/csv|image\\/png);/.test(v)))
        .map(v => el.tagName + ' ' + v.slice(0, 40)),
    ...(['IFRAME', 'OBJECT', 'EMBED', 'FRAME'].includes(el.tagName) ? [el.tagName] : []),
])"""


HOVER_ALL = """() => document.querySelectorAll('article *').forEach(el =>
    ['mouseover', 'mouseenter', 'focus', 'animationstart'].forEach(t => el.dispatchEvent(new Event(t))))"""


def _assert_inert(page: object) -> None:
    assert page.evaluate("window.__pwned === undefined")  # type: ignore[attr-defined]
    assert page.evaluate(ACTIVE_DOM) == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", EVIL_PAGES)
def test_injected_script_does_not_run(evil_server: str, page: object, path: str) -> None:
    page.goto(f"{evil_server}/{path}")  # type: ignore[attr-defined]
    _draw_all_charts(page)
    page.evaluate(HOVER_ALL)  # type: ignore[attr-defined]  # what a reader's pointer would do; clicks are in ACTIVE_DOM
    _assert_inert(page)
    assert page.errors == []  # type: ignore[attr-defined]


def test_payloads_show_as_text_in_headings_titles_and_nav(evil_server: str, page: object) -> None:
    page.goto(f"{evil_server}/units/root/index.html")  # type: ignore[attr-defined]
    assert page.title() == f"{UNIT_NAME} - Northbridge University scorecard"  # type: ignore[attr-defined]
    assert page.locator("article h1").first.inner_text().removesuffix("¶").strip() == UNIT_NAME  # type: ignore[attr-defined]
    article = page.locator("article").inner_text()  # type: ignore[attr-defined]
    for payload in (SCRIPT, IMG, SVG, IFRAME, ATTR_LIST.removeprefix("## ")):
        assert payload in article
    assert UNIT_NAME in page.locator("nav.md-nav--primary").first.inner_text()  # type: ignore[attr-defined]
    _assert_inert(page)


def test_search_results_do_not_run_payloads(evil_server: str, page: object) -> None:
    page.goto(f"{evil_server}/index.html")  # type: ignore[attr-defined]
    page.locator("label.md-search__icon, .md-search__input").first.click()  # type: ignore[attr-defined]
    page.locator(".md-search__input").press_sequentially("Root")  # type: ignore[attr-defined]  # keystrokes start it
    page.locator(".md-search-result__item").first.wait_for()  # type: ignore[attr-defined]
    results = page.locator(".md-search-result")  # type: ignore[attr-defined]
    assert UNIT_NAME in results.inner_text()  # the unit page's title, shown as text
    page.evaluate(HOVER_ALL.replace("article *", ".md-search-result *"))  # type: ignore[attr-defined]
    _assert_inert(page)


def test_injected_script_does_not_run_over_file_urls(evil_site: Path, page: object) -> None:
    for path in EVIL_PAGES:
        page.goto((evil_site / path).as_uri())  # type: ignore[attr-defined]
        _draw_all_charts(page)
        _assert_inert(page)


@pytest.mark.parametrize("path", ["index.html", "units/it/index.html", "units/it/details.html", "units/it/map.html"])
def test_no_serious_accessibility_violations(server: str, page: object, path: str) -> None:
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    page.goto(f"{server}/{path}")  # type: ignore[attr-defined]
    _draw_all_charts(page)
    results = axe_module.Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
