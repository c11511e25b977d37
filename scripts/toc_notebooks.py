"""Print the notebooks listed in _toc.yml, one path per line, in book order.

The Makefile passes them to nbmake, so a chapter runs as a test as soon as it is in the book.
"""

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_files(entry: dict) -> list[str]:
    """Return the ``file`` entries of one _toc.yml node and all nodes below it, in order."""
    files = [entry["file"]] if "file" in entry else []
    for key in ("parts", "chapters", "sections"):
        for child in entry.get(key, []):
            files.extend(toc_files(child))
    return files


def toc_notebooks() -> list[Path]:
    """Return the paths of the .ipynb files that _toc.yml lists, relative to the repository."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    root = [toc["root"]]
    candidates = [Path(f).with_suffix(".ipynb") for f in root + toc_files(toc)]
    return [path for path in candidates if (ROOT / path).is_file()]


if __name__ == "__main__":
    notebooks = toc_notebooks()
    if not notebooks:
        sys.exit("_toc.yml lists no notebook; add a chapter under chapters/ to _toc.yml")
    print("\n".join(str(path) for path in notebooks))
