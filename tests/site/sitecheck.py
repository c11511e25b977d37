"""Find the resources a built HTML page loads, and the links it makes, without a browser."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Attributes through which a page loads something (a script, stylesheet, image, font, frame).
LOADING_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""")
ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s'"<>)]*""")


class PageScanner(HTMLParser):
    """Collect loaded URLs, anchors' targets, and inline script and style text of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loaded: list[str] = []
        self.links: list[str] = []
        self.inline_scripts: list[str] = []
        self.inline_styles: list[str] = []
        self._inside: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in LOADING_ATTRIBUTES.get(tag, ()):
            value = values.get(name)
            if value:
                self.loaded.extend(_split_srcset(value) if name == "srcset" else [value])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if values.get("style"):
            self.inline_styles.append(values["style"])
        if tag in ("script", "style") and not values.get("src"):
            self._inside = tag

    def handle_endtag(self, tag):
        if tag == self._inside:
            self._inside = None

    def handle_data(self, data):
        if self._inside == "script":
            self.inline_scripts.append(data)
        elif self._inside == "style":
            self.inline_styles.append(data)


def is_external(url: str) -> bool:
    """Return True when ``url`` points to another host (any scheme with a network location)."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme in ("http", "https", "ftp", "ws", "wss")


def css_urls(text: str) -> list[str]:
    """Return the URLs a stylesheet text loads through ``url()`` and ``@import``."""
    urls = CSS_URL.findall(text) + CSS_IMPORT.findall(text)
    return [url for url in urls if not url.startswith("data:")]


def script_urls(text: str) -> list[str]:
    """Return the absolute URLs written anywhere in an inline script."""
    return ABSOLUTE_URL.findall(text)


def _split_srcset(value: str) -> list[str]:
    return [candidate.strip().split()[0] for candidate in value.split(",") if candidate.strip()]
