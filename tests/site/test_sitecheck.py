"""The page scanner finds what a page loads, so the offline checks can fail."""

from sitecheck import PageScanner, css_urls, is_external, script_urls

PAGE = """
<html><head>
<script src="https://cdn.example.org/lib.js"></script>
<link rel="stylesheet" href="_static/local.css">
<style>body { background: url('//fonts.example.com/bg.png'); }</style>
<script>const URL = "https://unpkg.com/thebe/index.js";</script>
</head><body>
<img src="_images/plot.png" srcset="a.png 1x, https://img.example.net/b.png 2x">
<iframe src="https://video.example.com/embed"></iframe>
<a href="chapters/two_kernels.html#top">next</a>
</body></html>
"""


def test_scanner_finds_loaded_urls():
    scanner = PageScanner()
    scanner.feed(PAGE)

    assert "https://cdn.example.org/lib.js" in scanner.loaded
    assert "_static/local.css" in scanner.loaded
    assert "https://img.example.net/b.png" in scanner.loaded
    assert "https://video.example.com/embed" in scanner.loaded
    assert scanner.links == ["chapters/two_kernels.html#top"]


def test_scanner_reads_inline_code():
    scanner = PageScanner()
    scanner.feed(PAGE)
    styles = [url for text in scanner.inline_styles for url in css_urls(text)]
    scripts = [url for text in scanner.inline_scripts for url in script_urls(text)]

    assert styles == ["//fonts.example.com/bg.png"]
    assert scripts == ["https://unpkg.com/thebe/index.js"]


def test_is_external_cases():
    assert is_external("https://example.org/a.js")
    assert is_external("//example.org/a.js")
    assert not is_external("_static/a.js")
    assert not is_external("../_images/a.png")
    assert not is_external("#section")
