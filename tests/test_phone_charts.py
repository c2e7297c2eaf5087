"""Charts sent to a phone are readable at 360 px wide without zoom: no text smaller than
11 px at that width, few items per picture, each item named by its short title in the
reader's language (never a raw key such as «settle_in (mentee)»)."""

from __future__ import annotations

import struct

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.services.charts import (
    MIN_FONT_PX,
    PHONE_VIEW_PX,
    BarChart,
    ComparisonChart,
    Series,
    bar_figure,
    comparison_figure,
    px_on_phone,
    render_comparison_png,
    render_png,
)
from bot.services.questionnaires import load_questionnaires
from bot.services.survey_results import ProgrammeResults, compare, entry_exit_charts

ROLES = {"mentee": "Наставляемые", "mentor": "Наставники"}


def results(locale: str = "ru") -> ProgrammeResults:
    """A teacher–teacher programme's entry and exit answers, every scale item answered."""
    catalog = load_questionnaires()
    items = {}
    for role in ("mentee", "mentor"):
        q = catalog.find("participant", role, "exit")
        assert q is not None
        items[role] = list(q.items_for(("teacher_teacher",)))
    entry = {(1, "mentee"): {i.key: 4 for i in items["mentee"]}, (2, "mentor"): {}}
    entry[(2, "mentor")] = {i.key: 6 for i in items["mentor"]}
    exit_ = {(1, "mentee"): {i.key: 8 for i in items["mentee"]}}
    comparisons, _ = compare(
        entry, exit_, items, {1: "a", 2: "b"}, lambda i: i.text(locale), lambda i: i.short(locale)
    )
    return ProgrammeResults("Программа", comparisons)


def charts(locale: str = "ru") -> list[ComparisonChart]:
    return entry_exit_charts(
        results(locale), lambda role, page, pages: f"{ROLES[role]} {page}/{pages}", "вход", "выход"
    )


def test_entry_exit_charts_name_items_by_short_titles_one_role_a_picture() -> None:
    pictures = charts()
    # 9 mentee items split 5 + 4, 10 mentor items 5 + 5: never more than 8 in a picture.
    assert [c.title for c in pictures] == [
        "Наставляемые 1/2",
        "Наставляемые 2/2",
        "Наставники 1/2",
        "Наставники 2/2",
    ]
    assert [len(c.items) for c in pictures] == [5, 4, 5, 5]
    mentee = [name for c in pictures[:2] for name in c.items]
    assert "Вхождение в коллектив" in mentee and "Общение с наставником" in mentee
    assert "Общение с наставляемым" in pictures[2].items + pictures[3].items
    every = [name for c in pictures for name in c.items]
    assert not any("_" in n or "(" in n for n in every)  # no key, no «(mentee)»
    first = pictures[0]
    assert (first.before[0], first.after[0]) == (4.0, 8.0)
    assert all(v is None for c in pictures[2:] for v in c.after)  # mentors: no exit yet
    assert "Settling in" in [n for c in charts("en") for n in c.items]


def texts(figure: Figure) -> list[Text]:
    figure.draw_without_rendering()  # makes the tick labels
    return [
        t
        for t in figure.findobj(Text)
        if isinstance(t, Text) and t.get_visible() and t.get_text().strip()
    ]


DIGEST = BarChart(
    title="Встречи по неделям",
    categories=[f"{d:02d}.11" for d in range(1, 9)],
    series=[Series("проведено", [1, 2, 3, 4, 5, 6, 7, 8]), Series("подтверждено", [1] * 8)],
    empty_note="Встреч не было",
)


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (lambda: comparison_figure(charts()[0]), {"Общение с наставником", "вход", "выход"}),
        (lambda: bar_figure(DIGEST), {"Встречи по неделям", "проведено", "подтверждено", "01.11"}),
    ],
)
def test_every_text_is_readable_at_360_px(figure: object, expected: set[str]) -> None:
    fig = figure()  # type: ignore[operator]
    width_in = fig.get_size_inches()[0]
    shown = texts(fig)
    assert len(shown) > 10  # titles, item names, values, ticks, legend
    small = [
        (t.get_text(), round(px_on_phone(t.get_fontsize(), width_in), 1))
        for t in shown
        if px_on_phone(t.get_fontsize(), width_in) < MIN_FONT_PX
    ]
    assert small == []
    # ...and the labels checked are the chart's own: item names, legend, ticks.
    assert expected <= {t.get_text() for t in shown}


def test_the_pngs_are_drawn_for_a_phone() -> None:
    for png in (render_comparison_png(charts()[0]), render_png(DIGEST)):
        width, height = struct.unpack(">II", png[16:24])
        assert width == 800  # shown at PHONE_VIEW_PX: scaled by 0.45, fonts sized for it
        assert height < 3 * width
    assert PHONE_VIEW_PX == 360
