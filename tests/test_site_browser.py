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
    charts = page.locator(".sp-chart >> visible=true")  # type: ignore[attr-defined]  # phones: no heatmap chart
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
ACTIVE_DOM = """() => {
  // Over file:// search loads its index as a script, and the vendored iframe-worker shim runs
  // search's worker in a hidden iframe without src
  const _searchWorker = el => location.protocol === 'file:' && el.tagName === 'IFRAME' && el.hidden && !el.hasAttribute('src');
  return [...document.querySelectorAll('*')].flatMap(el => [
    ...[...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name),
    ...['href', 'src', 'xlink:href', 'action'].map(n => el.getAttribute(n)).filter(v => v !== null)
        .map(v => v.replace(/[\\u0000-\\u0020]/g, '').toLowerCase())
        .filter(v => !(location.protocol === 'file:' && el.tagName === 'SCRIPT' && v.endsWith('/search/search_index.js')))
        .filter(v => /^(javascript|vbscript|file):/.test(v) || (v.startsWith('data:') && !/^data:(text\\/csv|image\\/png);/.test(v)))
        .map(v => el.tagName + ' ' + v.slice(0, 40)),
    ...(['IFRAME', 'OBJECT', 'EMBED', 'FRAME'].includes(el.tagName) && !_searchWorker(el) ? [el.tagName] : []),
]); }"""


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


# --- Every reader: phones, search from a file share, plotly only where charts are, both themes ---

READER_PAGES = [
    "index.html",
    "units/university/index.html",
    "units/it/index.html",
    "units/it-service-desk/index.html",
    "units/it/details.html",
    "changes.html",
    "initiatives.html",
    "quality.html",
]
# Anything wider than the page, or a table that scrolls inside it (hidden headers of stacked tables aside)
SIDEWAYS = """() => {
  const doc = document.scrollingElement;
  const out = doc.scrollWidth > doc.clientWidth ? ['page ' + doc.scrollWidth + ' > ' + doc.clientWidth] : [];
  document.querySelectorAll('article .sp-table-wrap').forEach(w => {
    if (w.scrollWidth > w.clientWidth + 1) { out.push('table ' + w.scrollWidth + ' > ' + w.clientWidth); }
  });
  return out;
}"""


def _reader(browser: object, width: int, scheme: str = "light") -> object:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)  # type: ignore[attr-defined]
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


@pytest.mark.parametrize("width", [390, 1280])
def test_nothing_scrolls_sideways_on_a_phone_or_a_laptop(browser: object, example_site: Path, width: int) -> None:
    page = _reader(browser, width)
    for path in [*READER_PAGES, "units/it/map.html"]:
        page.goto((example_site / path).as_uri())  # type: ignore[attr-defined]
        _draw_all_charts(page)
        wide = page.evaluate(SIDEWAYS)  # type: ignore[attr-defined]
        assert wide == [], (path, wide)
    assert [e for e in page.errors if "search" not in e.lower()] == []  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's board edition with its published editions: archive, Editions and Restatements pages."""
    folder = tmp_path_factory.mktemp("browser-published")
    build_site(
        ROOT / "content",
        ROOT / "measures",
        folder / "site",
        config=ROOT / "mkdocs.yml",
        work=folder / "b",
        pdf=False,
        audience="board",
        editions=ROOT / "editions",
    )
    return folder / "site"


@pytest.mark.parametrize("width", [390, 1280])
def test_published_pages_do_not_scroll_sideways(browser: object, published_site: Path, width: int) -> None:
    page = _reader(browser, width)
    for path in ["restatements.html", "archive.html", "units/it/details.html", "archive/2026-Q2/index.html"]:
        page.goto((published_site / path).as_uri())  # type: ignore[attr-defined]
        wide = page.evaluate(SIDEWAYS)  # type: ignore[attr-defined]
        assert wide == [], (path, wide)
    page.context.close()  # type: ignore[attr-defined]


PERIOD_LIST = """() => [...document.querySelectorAll('.sp-period-list li')].map(li => {
  const a = li.querySelector('a'); return [li.textContent.trim(), a ? new URL(a.href).pathname : null]; })"""


def test_an_archived_page_has_the_period_menu_of_the_latest_site(browser: object, published_site: Path) -> None:
    # The archive is cached as published; its menu lists what the latest site lists, read from it
    page = _reader(browser, 1280)
    page.goto((published_site / "archive/2026-Q2/units/it/details.html").as_uri())  # type: ignore[attr-defined]
    page.locator(".sp-period-list[data-filled]").wait_for()  # type: ignore[attr-defined]
    summary = page.locator(".sp-period-list summary").inner_text()  # type: ignore[attr-defined]
    assert summary.startswith("Period: Q2 FY2026 (Apr-Jun 2026) (archive, published ")
    page.locator(".sp-period-list summary").click()  # type: ignore[attr-defined]
    items = page.evaluate(PERIOD_LIST)  # type: ignore[attr-defined]
    assert [text.split(" · ")[0] for text, _ in items] == ["Q3 FY2026 (Jul-Sep 2026)", "Q2 FY2026 (Apr-Jun 2026) (this page)"]
    assert items[0][1] == (published_site / "index.html").as_uri().removeprefix("file://")  # the latest site's home
    assert items[1][1] is None  # this archive itself: no link
    page.context.close()  # type: ignore[attr-defined]


KPI_CARD = """() => { const row = document.querySelector('tr.sp-kpi');
  return [...row.querySelectorAll('td[data-label]')].filter(td => td.offsetParent !== null)
    .map(td => getComputedStyle(td, '::before').content.replaceAll('"', '')); }"""


def test_a_phone_shows_each_kpi_as_a_card_and_the_heatmap_as_a_ranked_list(browser: object, example_site: Path) -> None:
    page = _reader(browser, 390)
    page.goto((example_site / "units/it/index.html").as_uri())  # type: ignore[attr-defined]
    assert page.evaluate(KPI_CARD) == ["Status", "Score", "Actual", "Target", "Trend", "Recent"]  # type: ignore[attr-defined]
    assert page.locator("table.sp-scorecard thead th:not([data-sort])").first.is_hidden()  # type: ignore[attr-defined]
    assert page.locator(".sp-heat-list").is_visible() and not page.locator(".sp-heatmap").is_visible()  # type: ignore[attr-defined]
    first = page.locator(".sp-heat-list > li").first  # type: ignore[attr-defined]
    assert first.locator("a").first.get_attribute("href").endswith("index.html")
    page.set_viewport_size({"width": 1280, "height": 900})  # type: ignore[attr-defined]
    assert page.evaluate(KPI_CARD) == ["none"] * 6  # type: ignore[attr-defined]  # the table again
    assert page.locator(".sp-heatmap").is_visible() and not page.locator(".sp-heat-list").is_visible()  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]


FOR_QUERY = """words => { const group = document.querySelector('.md-search-result__item');
  return group !== null && [...group.querySelectorAll('a')]
    .some(a => new URL(a.href).searchParams.get('h') === words.replaceAll('+', ' ')); }"""


def test_search_finds_a_kpi_by_name_over_file_urls(browser: object, example_site: Path) -> None:
    page = _reader(browser, 1280)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))  # type: ignore[attr-defined]
    page.goto((example_site / "index.html").as_uri())  # type: ignore[attr-defined]
    page.locator("label.md-search__icon, .md-search__input").first.click()  # type: ignore[attr-defined]
    page.locator(".md-search__input").press_sequentially("Average walk-in wait")  # type: ignore[attr-defined]
    page.wait_for_function(FOR_QUERY, arg="average+walk+in+wait")  # type: ignore[attr-defined]
    first = page.locator(".md-search-result__item").first  # type: ignore[attr-defined]
    section = first.locator("a").nth(1)  # the page, then its best-matching section: the KPI's
    assert section.locator("h1, h2").first.inner_text() == "Average walk-in wait"
    assert "/details.html?h=average+walk+in+wait#kpi-walk_in_wait" in section.get_attribute("href")
    assert [u for u in requests if not u.startswith(("file:", "data:", "about:"))] == []  # nothing from the network
    page.context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize(("path", "query", "target"), [
    ("index.html", "Replace the ITSM platform", "units/it/index.html?h=replace+the+itsm+platform#ini-it-itsm-replacement"),
    ("index.html", "Reliable services", "units/it/details.html?h=reliable+services#obj-reliable-services"),
    ("index.html", "IT Service Desk", "units/it-service-desk/index.html?h=it+service+desk"),  # "it": a stop word, indexed
    ("index.html", "Average walk-in wait", "details.html?h=average+walk+in+wait#kpi-walk_in_wait"),
])
def test_search_leads_first_to_the_page_of_what_is_named(server: str, page: object, path: str, query: str,
                                                         target: str) -> None:
    page.goto(f"{server}/{path}")  # type: ignore[attr-defined]
    page.locator("label.md-search__icon, .md-search__input").first.click()  # type: ignore[attr-defined]
    page.locator(".md-search__input").press_sequentially(query)  # type: ignore[attr-defined]
    page.wait_for_function(FOR_QUERY, arg=target.split("?h=")[1].split("#")[0])  # type: ignore[attr-defined]
    first = page.locator(".md-search-result__item").first  # type: ignore[attr-defined]
    # The first result is a page; what matched best in it (a section) is its second link
    hrefs = first.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert target in (hrefs[1] if "#" in target else hrefs[0]), hrefs


def test_plotly_loads_only_on_pages_with_charts(browser: object, example_site: Path) -> None:
    page = _reader(browser, 1280)
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.url.endswith(".js") else None)  # type: ignore[attr-defined]
    for path in ("quality.html", "changes.html", "units/it/map.html", "initiatives.html"):
        page.goto((example_site / path).as_uri())  # type: ignore[attr-defined]
        page.wait_for_load_state("load")  # type: ignore[attr-defined]
    assert not [s for s in scripts if "plotly" in s]
    page.goto((example_site / "units/it/details.html").as_uri())  # type: ignore[attr-defined]
    assert _draw_all_charts(page) >= 1
    assert [s for s in scripts if "plotly" in s] == [(example_site / "assets/scorecard/plotly.min.js").as_uri()]
    page.context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations_in_either_theme(browser: object, server: str, scheme: str) -> None:
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    page = _reader(browser, 1280, scheme)
    found = {}
    for path in [*READER_PAGES, "units/it/map.html"]:
        page.goto(f"{server}/{path}")  # type: ignore[attr-defined]
        _draw_all_charts(page)
        results = axe_module.Axe().run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
    assert found == {}
    page.context.close()  # type: ignore[attr-defined]


GROUP_KEYS = """t => [...t.tBodies].map(b => [...b.rows].map(r => r.children[2].getAttribute('data-sort')))"""


def test_scorecard_sorts_worst_first_and_keeps_kpis_under_their_objective(browser: object, example_site: Path) -> None:
    page = _reader(browser, 1280)
    page.goto((example_site / "units/it/index.html").as_uri())  # type: ignore[attr-defined]
    table = page.locator("table.sp-scorecard").first  # type: ignore[attr-defined]
    before = table.evaluate(GROUP_KEYS)
    table.locator("button.sp-sort", has_text="Score").click()
    after = table.evaluate(GROUP_KEYS)

    def num(v: str | None) -> float:
        return float(v) if v else float("inf")

    heads = [num(g[0]) for g in after]
    assert heads == sorted(heads)  # objectives, worst first
    assert all([num(v) for v in g[1:]] == sorted(num(v) for v in g[1:]) for g in after)  # KPIs inside each
    assert sorted(map(sorted, before)) == sorted(map(sorted, after))  # the same rows, in their own groups
    assert table.locator("th[aria-sort=ascending]").count() == 1
    table.locator("button.sp-sort", has_text="Score").click()
    best_first = [num(g[0]) for g in table.evaluate(GROUP_KEYS)]  # again: best first, unscored still last
    assert best_first == sorted((h for h in heads if h != float("inf")), reverse=True) + [
        h for h in heads if h == float("inf")
    ]
    page.context.close()  # type: ignore[attr-defined]


def test_sorting_a_perspective_with_one_objective_keeps_the_objective_first(browser: object, tmp_path: Path) -> None:
    # One objective: one tbody, objective row first. Sorting must move KPI rows only.
    (tmp_path / "tables.js").write_text((ROOT / "site_templates/assets/tables.js").read_text(encoding="utf-8"))
    rows = "".join(
        f'<tr class="sp-kpi"><th scope="row">{name}</th><td></td><td data-sort="{score}">{score}</td></tr>'
        for name, score in [("b", 5.0), ("a", 1.0), ("c", 9.0)]
    )
    (tmp_path / "t.html").write_text(
        '<table class="sp-sortable"><thead><tr><th>Name</th><th>Status</th><th data-sort>Score</th></tr></thead>'
        '<tbody><tr class="sp-objective"><th scope="row">objective</th><td></td><td data-sort="4.0">4.0</td></tr>'
        f'{rows}</tbody></table><script src="tables.js"></script>',
        encoding="utf-8",
    )
    page = _reader(browser, 1280)
    page.goto((tmp_path / "t.html").as_uri())  # type: ignore[attr-defined]
    page.locator("button.sp-sort").click()  # type: ignore[attr-defined]
    names = page.evaluate("() => [...document.querySelectorAll('tbody th')].map(th => th.textContent)")  # type: ignore[attr-defined]
    assert names == ["objective", "a", "b", "c"]
    page.context.close()  # type: ignore[attr-defined]


# --- An organisation other than the example: names that commentary headings repeat, links in text, a deep tree ---

LINKED = ROOT / "tests/fixtures/linked-commentary"


@pytest.fixture(scope="session")
def linked_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-linked")


@pytest.fixture(scope="session")
def linked_httpd(linked_folder: Path) -> Iterator[http.server.ThreadingHTTPServer]:
    yield from _serve(linked_folder / "site")


@pytest.fixture(scope="session")
def linked_site(linked_folder: Path, linked_httpd: http.server.ThreadingHTTPServer) -> Path:
    """Commentary headed "KPI: <name>" and "Objective: <name>", Markdown links in it, four levels of units."""
    build_site(LINKED / "content", LINKED / "measures", linked_folder / "site", config=ROOT / "mkdocs.yml",
               work=linked_folder / "b", pdf=False, site_url=f"http://127.0.0.1:{linked_httpd.server_port}/")
    return linked_folder / "site"


@pytest.fixture(scope="session", params=["http", "file"])
def linked_base(request: pytest.FixtureRequest, linked_site: Path, linked_httpd: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{linked_httpd.server_port}" if request.param == "http" else linked_site.as_uri()


FIRST_GROUP = """() => [...document.querySelector('.md-search-result__item').querySelectorAll('a')]
  .map(a => [a.querySelector('h1, h2').textContent.trim(), a.getAttribute('href')])"""


@pytest.mark.parametrize(("query", "title", "target"), [
    ("Supply interruptions", "Objectives and KPIs: Meridian Water Trust", "units/trust/details.html?h=supply+interruptions#kpi-interruptions"),
    ("Trusted by households", "Objectives and KPIs: Meridian Water Trust", "units/trust/details.html?h=trusted+by+households#obj-trusted"),
    ("Burst response time", "Objectives and KPIs: North Valley Crew", "units/north-crew/details.html?h=burst+response+time#kpi-burst_response"),
    ("Smart meters on every main", "Networks Division", "units/networks/index.html?h=smart+meters+on+every+main#ini-networks-smart-meters"),
    ("Networks Division", "Networks Division", "units/networks/index.html"),
    ("Operations Directorate", "Operations Directorate", "units/operations/index.html"),
])
def test_search_puts_the_named_thing_first_and_names_its_unit(browser: object, linked_base: str, query: str,
                                                              title: str, target: str) -> None:
    page = _reader(browser, 1280)
    page.goto(f"{linked_base}/index.html")  # type: ignore[attr-defined]
    page.locator("label.md-search__icon, .md-search__input").first.click()  # type: ignore[attr-defined]
    page.locator(".md-search__input").press_sequentially(query)  # type: ignore[attr-defined]
    # Results follow each keystroke: wait for those of the whole query (a result's ?h= has the words it matched)
    words = "+".join(query.lower().split())  # stop words ("on", "every") are indexed too
    page.wait_for_function(FOR_QUERY, arg=words)  # type: ignore[attr-defined]
    group = page.evaluate(FIRST_GROUP)  # type: ignore[attr-defined]
    # The first result is a page, named by its heading; a section in it (the KPI, objective...) is the next link
    assert group[0][0] == title, group
    assert target in (group[1][1] if "#" in target else group[0][1]), group
    page.context.close()  # type: ignore[attr-defined]


IN_TEXT_LINKS = """() => { const links = [...document.querySelectorAll('article p a, article li a')]
  .filter(a => !a.classList.contains('md-button'));
  return { count: links.length, underlined: links.filter(a => getComputedStyle(a).textDecorationLine === 'underline').length }; }"""

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_links_in_text_are_told_apart_in_either_theme(browser: object, linked_base: str, scheme: str) -> None:
    # Commentary and mission links in running text and the four-level organisation tree: axe's
    # link-in-text-block (serious) asks for more than colour; every page is checked, in both themes
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    page = _reader(browser, 1280, scheme)
    found, underlines = {}, {}
    for path in ["index.html", "units/trust/index.html", "units/trust/details.html", "units/north-crew/index.html",
                 "units/north-crew/details.html", "units/trust/map.html", "how-to-read.html", "quality.html"]:
        page.goto(f"{linked_base}/{path}")  # type: ignore[attr-defined]
        _draw_all_charts(page)
        results = axe_module.Axe().run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
        underlines[path] = page.evaluate(IN_TEXT_LINKS)  # type: ignore[attr-defined]
    assert found == {}
    assert underlines["index.html"]["count"] >= 9  # mission, tree, the line under it, what changed
    assert underlines["units/trust/index.html"]["count"] >= 6  # commentary
    assert all(u["count"] == u["underlined"] for u in underlines.values()), underlines
    page.context.close()  # type: ignore[attr-defined]


BOXES_IN_VIEW = """() => { const pan = document.querySelector('.sp-map-pan'), frame = pan.getBoundingClientRect();
  return [...pan.querySelectorAll('.sp-box rect')].map(r => r.getBoundingClientRect())
    .filter(r => r.right > frame.left + 8 && r.left < frame.right - 8).length; }"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_phone_opens_the_strategy_map_on_its_boxes(browser: object, linked_site: Path, scheme: str) -> None:
    # One objective per perspective: the boxes sit in the middle of a drawing wider than the phone
    page = _reader(browser, 390, scheme)
    page.goto((linked_site / "units/trust/map.html").as_uri())  # type: ignore[attr-defined]
    page.wait_for_selector(".sp-map-pan[data-map-ready]", state="attached")  # type: ignore[attr-defined]
    pan = page.locator(".sp-map-pan")  # type: ignore[attr-defined]
    assert pan.evaluate("p => p.scrollWidth > p.clientWidth")  # the drawing is wider: it pans
    assert page.evaluate(BOXES_IN_VIEW) == 4  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 1280, "height": 900})  # type: ignore[attr-defined]
    assert page.evaluate(BOXES_IN_VIEW) == 4  # type: ignore[attr-defined]  # a laptop shows the whole drawing
    page.context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_phone_sorts_the_cards_worst_first_under_their_objective(browser: object, example_site: Path,
                                                                   scheme: str) -> None:
    page = _reader(browser, 390, scheme)
    page.goto((example_site / "units/it/index.html").as_uri())  # type: ignore[attr-defined]
    table = page.locator("table.sp-scorecard").first  # type: ignore[attr-defined]
    button = table.locator("button.sp-sort", has_text="Score")
    assert button.is_visible() and table.locator("tr.sp-kpi").first.evaluate(
        "r => getComputedStyle(r).display") == "grid"  # a card, with the sort bar above it
    before = table.evaluate(GROUP_KEYS)
    button.click()
    after = table.evaluate(GROUP_KEYS)

    def num(v: str | None) -> float:
        return float(v) if v else float("inf")

    heads = [num(g[0]) for g in after]
    assert heads == sorted(heads)
    assert all([num(v) for v in g[1:]] == sorted(num(v) for v in g[1:]) for g in after)
    assert sorted(map(sorted, before)) == sorted(map(sorted, after))
    assert "worst first" in button.evaluate("b => getComputedStyle(b, '::after').content")
    page.context.close()  # type: ignore[attr-defined]


# --- Names that are common words or stop words: each leads first to what it names (issue 12) ---

COMMON = ROOT / "tests/fixtures/common-names"


@pytest.fixture(scope="session")
def common_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-common")


@pytest.fixture(scope="session")
def common_httpd(common_folder: Path) -> Iterator[http.server.ThreadingHTTPServer]:
    yield from _serve(common_folder / "site")


@pytest.fixture(scope="session")
def common_site(common_folder: Path, common_httpd: http.server.ThreadingHTTPServer) -> Path:
    """KPIs named "In", "The", "Map", "Time"; an objective "Search" beside a unit "Search and Rescue"."""
    build_site(COMMON / "content", COMMON / "measures", common_folder / "site", config=ROOT / "mkdocs.yml",
               work=common_folder / "b", pdf=False, site_url=f"http://127.0.0.1:{common_httpd.server_port}/")
    return common_folder / "site"


@pytest.fixture(scope="session", params=["http", "file"])
def common_base(request: pytest.FixtureRequest, common_site: Path, common_httpd: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{common_httpd.server_port}" if request.param == "http" else common_site.as_uri()


# The first result group's links once the results are those of the whole query (each keystroke searches)
NAMED_FIRST = """query => { const group = document.querySelector('.md-search-result__item');
  const input = document.querySelector('.md-search__input');
  if (group === null || input.value !== query) return null;
  return [...group.querySelectorAll('a')].map(a => [a.querySelector('h1, h2').textContent.trim(),
                                                   new URL(a.href).pathname + new URL(a.href).hash]); }"""


@pytest.mark.parametrize(("query", "target"), [
    ("In", "units/harbour/details.html#kpi-in"),  # a stop word
    ("The", "units/home/details.html#kpi-the"),  # a stop word, and a word of the unit "The Network"
    ("Map", "units/network/details.html#kpi-map"),  # every unit has a "Strategy map" page
    ("Time", "units/ops/details.html#kpi-time"),  # "Timeline" on the Initiatives page; "Response time"
    ("Search", "units/home/details.html#obj-search-obj"),  # the unit "Search and Rescue"
    ("Search and Rescue", "units/search/index.html"),  # ... and the unit itself, named in full
    ("Home", "units/home/index.html"),  # a unit; a KPI "Home training hours" elsewhere
    ("Home training hours", "units/ops/details.html#kpi-training"),
    ("Response time", "units/search/details.html#kpi-response"),
    ("Queue", "units/home/index.html#ini-home-queue"),  # an initiative
    ("Money", "units/harbour/details.html#obj-money"),  # two objectives "Money": the higher unit's first
    ("volunteer", "units/search/index.html"),  # a word of the unit's mission
])
def test_search_for_a_name_made_of_common_words_leads_to_what_it_names(browser: object, common_base: str,
                                                                       query: str, target: str) -> None:
    page = _reader(browser, 1280)
    page.goto(f"{common_base}/index.html")  # type: ignore[attr-defined]
    page.locator("label.md-search__icon, .md-search__input").first.click()  # type: ignore[attr-defined]
    page.locator(".md-search__input").press_sequentially(query)  # type: ignore[attr-defined]
    group = page.wait_for_function(NAMED_FIRST, arg=query).json_value()  # type: ignore[attr-defined]
    # The first group is the page; the next link is its best section (the KPI, objective, initiative)
    found = group[1][1] if "#" in target and len(group) > 1 else group[0][1]
    assert found.endswith("/" + target), group
    if "#" in target:
        assert group[1][0] == query, group  # the section is headed by the name
    page.context.close()  # type: ignore[attr-defined]
