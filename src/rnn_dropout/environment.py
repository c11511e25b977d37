"""The software versions and the machine the book was executed with, read at run time.

Reading versions from package metadata imports none of the packages, so pages that only show
them start quickly. Used by the book's front page and its "About this book" page.
"""

import os
import platform
from importlib.metadata import PackageNotFoundError, version

PACKAGES = ("keras", "tensorflow", "numpy", "matplotlib", "jupyter-book", "myst-nb")


def versions(packages: tuple[str, ...] = PACKAGES) -> list[tuple[str, str]]:
    """Return ``(name, version)`` rows for Python and each installed package.

    Raises:
        ValueError: If a package is not installed, naming it and the requirements file.
    """
    rows = [("Python", platform.python_version())]
    for name in packages:
        try:
            rows.append((name, version(name)))
        except PackageNotFoundError:
            raise ValueError(
                f"package {name!r} is not installed; install the book's requirements with"
                " `make setup` (pip install -r requirements.txt)"
            ) from None
    return rows


def machine() -> str:
    """Describe the machine: operating system, architecture, CPU cores and processor name."""
    processor = _cpu_model() or platform.processor() or "unknown processor"
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores ({processor})"


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None
