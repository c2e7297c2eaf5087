"""PNG charts for digests and reports, drawn with matplotlib's object API (no pyplot state,
so it is safe in a worker thread or process). Every label comes in already translated.

Phone-sized charts (the digest's, the questionnaires' entry → exit): Telegram shows a photo
about 360 px wide on a phone, so a figure `PHONE_WIDTH_IN` wide is drawn with no text under
`FONT_PT` points, which is at least `MIN_FONT_PX` px at that width (`px_on_phone`); drawn at
`PHONE_DPI` so that it stays sharp when opened full screen."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 110
PALETTE = ("#2f6db5", "#f0a030", "#3fa35b", "#c94c4c", "#7b5ea7", "#8c8c8c")

PHONE_VIEW_PX = 360  # a photo's width in a phone's chat
MIN_FONT_PX = 11  # the smallest text readable there without zoom
PHONE_WIDTH_IN, PHONE_DPI = 4.0, 200  # 800 px wide
FONT_PT, TITLE_PT = 10.0, 11.0  # 12.5 and 13.75 px at 360 px wide
TITLE_WRAP = 38  # characters per title line at TITLE_PT on PHONE_WIDTH_IN
ITEMS_PER_CHART = 8  # the entry → exit chart: more items go to another picture


def px_on_phone(points: float, width_in: float = PHONE_WIDTH_IN) -> float:
    """How many pixels tall text of `points` looks in a figure `width_in` wide shown
    `PHONE_VIEW_PX` wide."""
    return points / 72 * PHONE_VIEW_PX / width_in


def _figure(
    width: float, height: float, dpi: int = DPI, layout: Literal["constrained"] | None = None
) -> Figure:
    """matplotlib is imported here, in the process that draws: the bot's own process only
    builds the chart's description (a picklable dataclass) and never loads it."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=dpi, layout=layout)


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


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
    return _png(bar_figure(chart))


def bar_figure(chart: BarChart) -> Figure:
    """The digest's bars, sized for a phone (see the module's docstring)."""
    fig = _figure(PHONE_WIDTH_IN, 3.4, PHONE_DPI, "constrained")
    ax = fig.add_subplot()
    ax.set_title(textwrap.fill(chart.title, TITLE_WRAP), fontsize=TITLE_PT)
    ax.tick_params(labelsize=FONT_PT)
    n = max(len(chart.series), 1)
    positions = [float(p) for p in range(len(chart.categories))]
    total = [0.0] * len(positions)
    if chart.empty_note and not any(v for s in chart.series for v in s.values):
        ax.text(
            0.5,
            0.5,
            textwrap.fill(chart.empty_note, TITLE_WRAP),
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontsize=FONT_PT,
        )
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
            ax.set_yticks(positions, list(chart.categories), fontsize=FONT_PT)
            ax.invert_yaxis()
            ax.set_xlabel(chart.y_label, fontsize=FONT_PT)
        else:
            rotation = 45 if len(chart.categories) > 6 else 0
            ax.set_xticks(positions, list(chart.categories), rotation=rotation, fontsize=FONT_PT)
            ax.set_ylabel(chart.y_label, fontsize=FONT_PT)
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # meetings come whole
        if len(chart.series) > 1:
            # Under the bars, one series a line: a legend over the bars hides them.
            fig.legend(loc="outside lower center", fontsize=FONT_PT, frameon=False)
        ax.grid(axis="x" if chart.horizontal else "y", alpha=0.3)
        ax.set_axisbelow(True)
    return fig


@dataclass(frozen=True)
class ComparisonChart:
    """Two bars per item (e.g. the mean at entry and at exit), the item's title over them."""

    title: str
    items: Sequence[str]
    before: Sequence[float | None]
    after: Sequence[float | None]
    before_label: str
    after_label: str
    maximum: float = 10.0


ITEM_IN = 0.62  # height of one item: its title and its two bars


def comparison_figure(chart: ComparisonChart) -> Figure:
    """Phone-sized: each item's title on a line of its own over its two bars, each bar
    with its value at its end (no tick labels to squeeze beside the bars)."""
    rows = len(chart.items)
    title = textwrap.fill(chart.title, TITLE_WRAP)
    height = 1.1 + 0.2 * title.count("\n") + ITEM_IN * max(rows, 1)
    fig = _figure(PHONE_WIDTH_IN, height, PHONE_DPI, "constrained")
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=TITLE_PT, loc="left")
    bar = 0.24
    for which, (values, label, color) in enumerate(
        ((chart.before, chart.before_label, "#9db4d0"), (chart.after, chart.after_label, "#2f6db3"))
    ):
        where = [i + 0.5 + which * (bar + 0.03) for i in range(rows)]
        ax.barh(
            where, [v or 0.0 for v in values], height=bar, label=label, color=color, align="edge"
        )
        for y, v in zip(where, values, strict=True):
            shown = "—" if v is None else f"{v:.1f}"
            ax.text(
                (v or 0.0) + chart.maximum * 0.015,
                y + bar / 2,
                shown,
                va="center",
                fontsize=FONT_PT,
            )
    for i, name in enumerate(chart.items):
        ax.text(0, i + 0.45, name, va="bottom", ha="left", fontsize=FONT_PT, fontweight="bold")
    ax.set_ylim(rows + 0.05, 0.0)
    ax.set_xlim(0, chart.maximum * 1.12)
    ax.set_xticks([t for t in range(0, int(chart.maximum) + 1, 2 if chart.maximum > 5 else 1)])
    ax.tick_params(labelsize=FONT_PT)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    fig.legend(loc="outside lower center", ncols=2, fontsize=FONT_PT, frameon=False)
    return fig


def render_comparison_png(chart: ComparisonChart) -> bytes:
    return _png(comparison_figure(chart))


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
