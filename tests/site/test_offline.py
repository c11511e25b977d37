"""The built book loads nothing from another host, and its internal links resolve."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitecheck import PageScanner, css_urls, is_external, script_urls


def _pages(build_dir: Path) -> list[Path]:
    # Themes copy Jinja templates (with "{{ pathto(...) }}" placeholders) into _static/.
    return sorted(
        p
        for p in build_dir.rglob("*.html")
        if "_static" not in p.parts and not any(part.startswith(".") for part in p.parts)
    )


def _scan(page: Path) -> PageScanner:
    scanner = PageScanner()
    scanner.feed(page.read_text(encoding="utf-8", errors="replace"))
    return scanner


def test_pages_load_only_local_resources(build_dir):
    offenders = []
    for page in _pages(build_dir):
        scanner = _scan(page)
        inline = [u for text in scanner.inline_styles for u in css_urls(text)]
        inline += [u for text in scanner.inline_scripts for u in script_urls(text)]
        for url in scanner.loaded + inline:
            if is_external(url):
                offenders.append(f"{page.relative_to(build_dir)}: {url}")

    assert not offenders, "pages load from another host:\n" + "\n".join(offenders)


def test_stylesheets_load_only_local_resources(build_dir):
    offenders = []
    for sheet in sorted(build_dir.rglob("*.css")):
        for url in css_urls(sheet.read_text(encoding="utf-8", errors="replace")):
            if is_external(url):
                offenders.append(f"{sheet.relative_to(build_dir)}: {url}")

    assert not offenders, "stylesheets load from another host:\n" + "\n".join(offenders)


def test_local_resources_exist(build_dir):
    missing = []
    for page in _pages(build_dir):
        scanner = _scan(page)
        for url in scanner.loaded + scanner.links:
            target = _local_target(page, url)
            if target is not None and not target.exists():
                missing.append(f"{page.relative_to(build_dir)}: {url}")

    assert not missing, "pages refer to files that are not in the build:\n" + "\n".join(missing)


def test_mathjax_served_locally(build_dir):
    assert (build_dir / "_static" / "mathjax" / "tex-svg.js").is_file()
    index = (build_dir / "index.html").read_text()

    assert "_static/mathjax/tex-svg.js" in index


def _local_target(page: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if is_external(url) or parts.scheme or not parts.path:
        return None
    return (page.parent / unquote(parts.path)).resolve()
