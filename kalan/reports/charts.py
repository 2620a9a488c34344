"""The charts of the reports, drawn once as PNG images for both the Word and the PDF files.

matplotlib with its Agg backend (no display, no window) and the object API (``Figure``), not
``pyplot``: pyplot keeps global state, which two requests drawing at once would share. The font
is DejaVu Sans, which matplotlib ships: nothing is downloaded. matplotlib writes its font cache
in ``MPLCONFIGDIR``, set here to the data folder before it is first imported, so that it never
writes in the home folder of the account that serves Kalan.

The charts draw figures they are given (``kalan.reports.figures``); they never count anything.
"""

from __future__ import annotations

import io
import os
import textwrap
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

from kalan.core.formats import amount

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WOMEN = "#b5446e"
MEN = "#2f6690"
PRE = "#9db4c0"
POST = "#2f6690"
INK = "#1f2933"
GRID = "#d9dee5"
DPI = 200
WIDTH_IN = 6.3  # the text width of an A4 page with 15 mm margins, in inches


@cache
def _setup() -> None:
    folder = settings.DATA_DIR / "matplotlib"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("MPLCONFIGDIR", str(folder))
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 8.5,
            "axes.edgecolor": GRID,
            "axes.labelcolor": INK,
            "text.color": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "svg.hashsalt": "kalan",
        }
    )


def _figure(height_in: float) -> Figure:
    _setup()
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _wrap(label: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def bars_by_sex(
    *,
    title: str,
    labels: Sequence[str],
    women: Sequence[int],
    men: Sequence[int],
    women_label: str,
    men_label: str,
) -> bytes:
    """Horizontal bars, one per label, women and men stacked, the total at the end of each."""
    rows = len(labels)
    figure = _figure(max(1.6, 0.9 + 0.42 * rows))
    axes = figure.add_subplot()
    positions = list(range(rows))[::-1]  # the first label on top
    axes.barh(positions, women, color=WOMEN, label=women_label, height=0.6)
    axes.barh(positions, men, left=women, color=MEN, label=men_label, height=0.6)
    totals = [w + m for w, m in zip(women, men, strict=True)]
    top = max(totals, default=0) or 1
    for position, total in zip(positions, totals, strict=True):
        axes.text(total + top * 0.01, position, amount(total), va="center", fontsize=8)
    axes.set_yticks(positions, [_wrap(label) for label in labels])
    axes.set_xlim(0, top * 1.12)
    axes.xaxis.grid(True, color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title, loc="left", fontsize=9.5, fontweight="bold")
    figure.legend(loc="outside lower center", frameon=False, ncols=2, fontsize=8)
    return _png(figure)


def bars_before_after(
    *,
    title: str,
    labels: Sequence[str],
    before: Sequence[float | None],
    after: Sequence[float | None],
    before_label: str,
    after_label: str,
    unit: str = "%",
    top: float = 100.0,
) -> bytes:
    """Pairs of vertical bars (before, after) per label, each bar with its value."""
    count = len(labels)
    figure = _figure(2.9)
    axes = figure.add_subplot()
    width = 0.38
    centres = list(range(count))
    for offset, values, colour, name in (
        (-width / 2, before, PRE, before_label),
        (width / 2, after, POST, after_label),
    ):
        xs = [c + offset for c in centres]
        heights = [v or 0.0 for v in values]
        axes.bar(xs, heights, width=width, color=colour, label=name)
        for x, value in zip(xs, values, strict=True):
            if value is not None:
                axes.text(x, value + top * 0.015, f"{value:.0f}{unit}", ha="center", fontsize=7.5)
    axes.set_xticks(centres, [_wrap(label, 14) for label in labels])
    # Room for three pairs at least: one workshop is not drawn as a wall of colour.
    pad = max(0.0, (3 - count) / 2)
    axes.set_xlim(-0.6 - pad, count - 0.4 + pad)
    axes.set_ylim(0, top * 1.12)
    axes.yaxis.grid(True, color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title, loc="left", fontsize=9.5, fontweight="bold")
    axes.legend(loc="upper left", frameon=False, fontsize=8, ncols=2)
    return _png(figure)
