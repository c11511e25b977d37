"""Sphinx extension that keeps the built book from referring to another host.

Jupyter Book 1 always loads sphinx-thebe, which writes the address of the thebe bundle on a
content delivery network into every page, even with live code switched off. The book has no
live code, so this extension drops that script and its loader from each page.
"""

from sphinx.application import Sphinx

THEBE_LOADER = "sphinx-thebe.js"


def _is_thebe_script(script) -> bool:
    body = script.attributes.get("body", "") if hasattr(script, "attributes") else ""
    filename = getattr(script, "filename", None) or ""
    return "THEBE_JS_URL" in body or filename.startswith(THEBE_LOADER)


def drop_thebe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Remove sphinx-thebe's scripts from the page about to be written."""
    context["script_files"] = [s for s in context["script_files"] if not _is_thebe_script(s)]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_thebe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
