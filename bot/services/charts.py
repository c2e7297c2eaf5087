"""PNG charts for digests and reports, drawn with matplotlib's object API (no pyplot state,
so it is safe in a worker thread or process). Every label comes in already translated."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 110
PALETTE = ("#2f6db5", "#f0a030", "#3fa35b", "#c94c4c", "#7b5ea7", "#8c8c8c")


def _figure(width: float, height: float) -> Figure:
    """matplotlib is imported here, in the process that draws: the bot's own process only
    builds the chart's description (a picklable dataclass) and never loads it."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]


@dataclass(frozen=True)
class BarChart:
    title: str
    categories: Sequence[str]
    series: Sequence[Series]
    y_label: str = ""
    stacked: bool = False
    horizontal: bool = False
    empty_note: str = ""  # shown instead of bars when every value is zero


def render_png(chart: BarChart) -> bytes:
    fig = _figure(WIDTH_IN, HEIGHT_IN)
    ax = fig.add_subplot()
    ax.set_title(chart.title, fontsize=12)
    n = max(len(chart.series), 1)
    positions = [float(p) for p in range(len(chart.categories))]
    total = [0.0] * len(positions)
    if chart.empty_note and not any(v for s in chart.series for v in s.values):
        ax.text(0.5, 0.5, chart.empty_note, ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
    else:
        width = 0.8 if chart.stacked else 0.8 / n
        for i, series in enumerate(chart.series):
            values = [float(v) for v in series.values]
            color = PALETTE[i % len(PALETTE)]
            if chart.stacked:
                where, base = positions, total[:]
                total = [a + b for a, b in zip(total, values, strict=True)]
            else:
                where = [p - 0.4 + width * (i + 0.5) for p in positions]
                base = [0.0] * len(values)
            if chart.horizontal:
                ax.barh(where, values, height=width, left=base, label=series.label, color=color)
            else:
                ax.bar(where, values, width=width, bottom=base, label=series.label, color=color)
        if chart.horizontal:
            ax.set_yticks(positions, list(chart.categories))
            ax.invert_yaxis()
            ax.set_xlabel(chart.y_label)
        else:
            rotation = 45 if len(chart.categories) > 6 else 0
            ax.set_xticks(positions, list(chart.categories), rotation=rotation)
            ax.set_ylabel(chart.y_label)
        if len(chart.series) > 1:
            ax.legend(fontsize=8)
        ax.grid(axis="x" if chart.horizontal else "y", alpha=0.3)
        ax.set_axisbelow(True)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


ROW_IN = 0.32  # height per category of a tall horizontal chart


def render_tall_png(chart: BarChart) -> bytes:
    """Horizontal bars, one row per category, as tall as the categories need (a
    municipality's 50 schools stay readable); series side by side in each row."""
    rows = len(chart.categories)
    height = max(HEIGHT_IN, ROW_IN * rows * max(len(chart.series), 1) / 2 + 1.5)
    fig = _figure(WIDTH_IN, height)
    ax = fig.add_subplot()
    ax.set_title(chart.title, fontsize=12)
    if not any(v for s in chart.series for v in s.values):
        ax.text(0.5, 0.5, chart.empty_note, ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
    else:
        n = max(len(chart.series), 1)
        width = 0.8 / n
        positions = [float(p) for p in range(rows)]
        for i, series in enumerate(chart.series):
            where = [p - 0.4 + width * (i + 0.5) for p in positions]
            values = [float(v) for v in series.values]
            ax.barh(where, values, height=width, label=series.label, color=PALETTE[i % 6])
        ax.set_yticks(positions, list(chart.categories), fontsize=8)
        ax.set_ylim(rows - 0.5, -0.5)  # the first at the top, no empty margins
        ax.set_xlabel(chart.y_label)
        if len(chart.series) > 1:
            ax.legend(fontsize=8, loc="lower right")
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
