"""Every built page, opened in headless Chromium, loads cleanly and shows what it should.

The pages are served on 127.0.0.1 and every request to any other host is blocked and reported.
Screenshots of every page, in the light and the dark theme, go to _build/screenshots/.
Every chapter shows a figure above the fold, every figure has alt text of its own, and no code
cell, table or contents entry is wider than its column in a 1280 px window.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import CHROMIUM_FLAGS, chromium_path, serve
from PIL import Image, ImageStat

SCREENSHOTS = Path(__file__).resolve().parents[2] / "_build" / "screenshots"
THEMES = ("light", "dark")
PHONE_WIDTH = 390
VIEWPORT_HEIGHT = 900
# A chapter's first figure must start high enough on the first screen to show this much of it.
VISIBLE_FIGURE = 250
SEARCH_QUERY = "recurrent_dropout"
SEARCH_EXPECTED = "chapters/dropout_parameters.html"

SEARCH_FINISHED = """() => /Search finished|did not match/.test(
    (document.querySelector("#search-results .search-summary") || {}).innerText || "")"""

# Waits until MathJax has typeset the page, where the page loads MathJax at all.
MATHJAX_READY = """() => !window.MathJax || !window.MathJax.startup
    || window.MathJax.startup.promise.then(() => true)"""

PAGE_FACTS = r"""() => ({
    title: document.title,
    heading: (document.querySelector("main h1, article h1, h1") || {}).textContent || "",
    mathSource: document.querySelectorAll("div.math, span.math").length,
    mathRendered: document.querySelectorAll("mjx-container").length,
    rawDisplayMath: document.querySelector("article, main, body").innerText.includes("$$"),
    brokenImages: Array.from(document.images)
        .filter(img => !img.complete || img.naturalWidth === 0)
        .map(img => img.getAttribute("src")),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    firstFigureTop: (() => {
        const image = document.querySelector("article figure img");
        return image ? image.getBoundingClientRect().top : null;
    })(),
    wideCode: Array.from(document.querySelectorAll("article div.cell_input pre"))
        .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
        .map(pre => pre.innerText.split("\n")[0].slice(0, 60)),
    clippedSidebar: Array.from(document.querySelectorAll(".bd-sidebar-secondary"))
        .some(sidebar => sidebar.scrollWidth > sidebar.clientWidth + 1),
    wideTables: Array.from(document.querySelectorAll("article table"))
        .filter(table => table.scrollWidth > table.parentElement.clientWidth + 1)
        .map(table => table.innerText.split("\n")[0].slice(0, 60)),
    imagesWithoutAlt: Array.from(document.querySelectorAll("article img"))
        .filter(img => {
            const alt = (img.getAttribute("alt") || "").trim();
            return !alt || alt === img.getAttribute("src") || /\.(png|svg|jpe?g)$/i.test(alt);
        })
        .map(img => img.getAttribute("src")),
})"""


@pytest.fixture(scope="module")
def site(build_dir):
    try:
        executable = chromium_path()
    except FileNotFoundError as error:
        pytest.fail(str(error))

    from playwright.sync_api import sync_playwright

    with serve(build_dir) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser, base_url
        browser.close()


def _pages(build_dir: Path) -> list[str]:
    pages = sorted(
        p
        for p in build_dir.rglob("*.html")
        if "_static" not in p.parts and not any(part.startswith(".") for part in p.parts)
    )
    return [p.relative_to(build_dir).as_posix() for p in pages]


def _open(browser, base_url: str, path: str, *, theme: str = "light", width: int = 1280):
    """Open one page and return (page, problems, requested URLs); block other hosts."""
    context = browser.new_context(viewport={"width": width, "height": VIEWPORT_HEIGHT})
    context.add_init_script(f"localStorage.setItem('mode', '{theme}');")
    context.add_init_script(f"localStorage.setItem('theme', '{theme}');")
    page = context.new_page()
    problems: list[str] = []
    local_host = urlsplit(base_url).netloc

    def route(route_request):
        url = route_request.request.url
        if urlsplit(url).netloc not in ("", local_host) and not url.startswith("data:"):
            problems.append(f"request to another host: {url}")
            route_request.abort()
        else:
            route_request.continue_()

    page.route("**/*", route)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"),
    )
    page.goto(base_url + path, wait_until="load")
    page.wait_for_function(MATHJAX_READY)
    return page, problems, requests


def test_pages_load_cleanly(site, build_dir):
    browser, base_url = site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report = {}
    for path in _pages(build_dir):
        page, problems, requests = _open(browser, base_url, path)
        facts = page.evaluate(PAGE_FACTS)
        if not facts["title"].strip():
            problems.append("empty <title>")
        if path not in ("search.html", "genindex.html") and not facts["heading"].strip():
            problems.append("no first heading")
        if facts["mathSource"] and not facts["mathRendered"]:
            problems.append(f"{facts['mathSource']} math elements but no MathJax output")
        if facts["rawDisplayMath"]:
            problems.append("raw $$ left in the page text")
        problems += [f"image not loaded: {src}" for src in facts["brokenImages"]]
        problems += [f"image without alt text: {src}" for src in facts["imagesWithoutAlt"]]
        problems += [f"code scrolls sideways: {line}" for line in facts["wideCode"]]
        problems += [f"table scrolls sideways: {line}" for line in facts["wideTables"]]
        if facts["clippedSidebar"]:
            problems.append("the page's contents sidebar cuts off an entry")
        if path.startswith("chapters/"):
            problems += _fold_problems(facts["firstFigureTop"])
        page.screenshot(path=str(_screenshot_path(path, "light")), full_page=True)
        report[path] = {"requests": len(requests), "problems": problems}
        page.context.close()

    summary = {
        "pages": len(report),
        "requests": sum(entry["requests"] for entry in report.values()),
        "per_page": report,
    }
    (SCREENSHOTS / "report.json").write_text(json.dumps(summary, indent=2))
    print(f"checked {summary['pages']} pages and {summary['requests']} requests")

    failing = {path: entry["problems"] for path, entry in report.items() if entry["problems"]}
    assert not failing, json.dumps(failing, indent=2)


def test_search_finds_dropout_parameters(site):
    browser, base_url = site
    page, problems, _ = _open(browser, base_url, f"search.html?q={SEARCH_QUERY}")
    # Sphinx adds the results one by one and then writes this summary.
    page.wait_for_function(SEARCH_FINISHED, timeout=20_000)
    hits = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.href)")
    page.context.close()

    assert any(SEARCH_EXPECTED in hit for hit in hits), hits
    assert not problems, problems


def test_screenshots_light_and_dark(site, build_dir):
    browser, base_url = site
    for path in _pages(build_dir):
        page, _, _ = _open(browser, base_url, path, theme="dark")
        page.screenshot(path=str(_screenshot_path(path, "dark")), full_page=True)
        page.context.close()

    shots = [_screenshot_path(path, theme) for path in _pages(build_dir) for theme in THEMES]
    missing = [shot.name for shot in shots if not shot.is_file()]
    blank = [shot.name for shot in shots if shot.is_file() and _is_blank(shot)]

    assert not missing, f"screenshots not written: {missing}"
    assert not blank, f"blank screenshots: {blank}"


def test_first_chapter_fits_phone(site, build_dir):
    browser, base_url = site
    first_chapter = "chapters/two_kernels.html"
    page, problems, _ = _open(browser, base_url, first_chapter, width=PHONE_WIDTH)
    overflow = page.evaluate(PAGE_FACTS)["overflow"]
    target = SCREENSHOTS / f"phone-{PHONE_WIDTH}px-two_kernels.png"
    page.screenshot(path=str(target), full_page=True)
    page.context.close()

    assert overflow <= 1, f"{first_chapter} is {overflow}px wider than a {PHONE_WIDTH}px screen"
    assert not problems, problems
    assert not _is_blank(target)


def _fold_problems(first_figure_top: float | None) -> list[str]:
    """Name what keeps a chapter's first figure off the first screen, if anything does."""
    if first_figure_top is None:
        return ["no figure in the chapter"]
    lowest = VIEWPORT_HEIGHT - VISIBLE_FIGURE
    if first_figure_top > lowest:
        return [f"first figure starts {first_figure_top:.0f}px down; above the fold is {lowest}px"]
    return []


def _screenshot_path(page_path: str, theme: str) -> Path:
    return SCREENSHOTS / f"{page_path.removesuffix('.html').replace('/', '__')}-{theme}.png"


def _is_blank(path: Path) -> bool:
    with Image.open(path) as image:
        spread = ImageStat.Stat(image.convert("L")).stddev[0]
    return spread < 2.0
