"""Tables rendered as Markdown in the built book and in JupyterLab.

Introduced in the chapter "The two kernels".
"""

from collections.abc import Sequence

from IPython.display import Markdown


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> Markdown:
    """Render rows as a Markdown table, each cell through ``str``.

    Raises:
        ValueError: If a row does not have one cell per column.
    """
    for i, row in enumerate(rows):
        if len(row) != len(columns):
            raise ValueError(
                f"row {i} has {len(row)} cells but the table has {len(columns)} columns: {row!r}"
            )

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return Markdown("\n".join(lines))
