"""What questionnaires show: entry → exit per item and per participant, completion, the
0–100 satisfaction index; an XLSX with the raw answers and the comparison; a PNG chart.

Only submitted responses count. A missing questionnaire is missing: it is left out of
every mean and shows in the completion rate, never as a zero.

Satisfaction index (0–100), per wave: for each submitted response, the mean over its
answered items marked `satisfaction = true` of (answer − 1) / (scale max − 1) × 100;
the index is the mean of those per-response values, rounded. No such answers: no index.

Items are named by their short titles (`Item.short`), one wording for entry and exit, in
the reader's language; answer times are the school's (`school_time`).

Services layer: no aiogram here. The charts are described here (`entry_exit_charts`) and
drawn by bot/services/charts.py off the event loop (`offload.off_loop`).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.charts import ITEMS_PER_CHART, ComparisonChart
from bot.services.questionnaires import NO, YES, Item

Key = tuple[int, str]  # (user id, role)


@dataclass(frozen=True, slots=True)
class ItemComparison:
    role: str
    key: str
    question: str
    max: int
    entry: tuple[int, ...]
    exit: tuple[int, ...]
    short: str = ""  # the item's short title, one wording for entry and exit

    @staticmethod
    def _mean(values: tuple[int, ...]) -> float | None:
        return round(sum(values) / len(values), 2) if values else None

    @property
    def entry_mean(self) -> float | None:
        return self._mean(self.entry)

    @property
    def exit_mean(self) -> float | None:
        return self._mean(self.exit)

    @property
    def change(self) -> float | None:
        if self.entry_mean is None or self.exit_mean is None:
            return None
        return round(self.exit_mean - self.entry_mean, 2)

    def distribution(self, which: str) -> dict[int, int]:
        counts = Counter(self.entry if which == "entry" else self.exit)
        return {v: counts.get(v, 0) for v in range(1, self.max + 1)}


@dataclass(frozen=True, slots=True)
class PersonChange:
    user_id: int
    name: str
    role: str
    key: str
    entry: int | None
    exit: int | None
    short: str = ""

    @property
    def change(self) -> int | None:
        return None if self.entry is None or self.exit is None else self.exit - self.entry


@dataclass(frozen=True, slots=True)
class Completion:
    kind: str
    deadline: datetime
    invited: int
    submitted: int
    closed: bool

    @property
    def rate(self) -> int:
        return round(100 * self.submitted / self.invited) if self.invited else 0

    @property
    def missing(self) -> int:
        """After the deadline: who never submitted (before it they are still «waiting»)."""
        return self.invited - self.submitted if self.closed else 0


@dataclass(frozen=True, slots=True)
class RawAnswer:
    wave_kind: str
    name: str
    role: str
    item_key: str
    question: str
    value: str
    submitted_at: datetime | None  # the school's local time (`school_time`)
    yes_no: bool = False  # `value` is YES or NO, written in the reader's language


@dataclass
class ProgrammeResults:
    programme: str
    items: list[ItemComparison] = field(default_factory=list)
    people: list[PersonChange] = field(default_factory=list)
    completion: list[Completion] = field(default_factory=list)
    index_entry: int | None = None
    index_exit: int | None = None
    raw: list[RawAnswer] = field(default_factory=list)


def school_time(moment: datetime | None, timezone: str) -> datetime | None:
    """A stored moment (UTC; naive from SQLite) as the school's wall-clock time, naive
    (a spreadsheet cell has no zone: its column header says whose time it is)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def satisfaction_index(
    responses: Iterable[Mapping[str, int]], items: Mapping[str, Item]
) -> int | None:
    """0–100 over submitted responses (see the module's docstring)."""
    per_response = []
    for answers in responses:
        scores = [
            (value - 1) / (items[key].max - 1) * 100
            for key, value in answers.items()
            if key in items and items[key].satisfaction and items[key].type == "scale"
        ]
        if scores:
            per_response.append(sum(scores) / len(scores))
    if not per_response:
        return None
    return round(sum(per_response) / len(per_response))


def compare(
    entry: Mapping[Key, Mapping[str, int]],
    exit_: Mapping[Key, Mapping[str, int]],
    items: Mapping[str, list[Item]],
    names: Mapping[int, str],
    question: Callable[[Item], str],
    short: Callable[[Item], str] | None = None,
) -> tuple[list[ItemComparison], list[PersonChange]]:
    """Per role and scale item: every entry and exit value; per person: entry → exit.
    `short` names the item in the reader's language (its key without it)."""
    comparisons = []
    people = []
    for role, role_items in items.items():
        for item in role_items:
            if item.type != "scale":
                continue
            entry_values = tuple(
                a[item.key] for (_, r), a in entry.items() if r == role and item.key in a
            )
            exit_values = tuple(
                a[item.key] for (_, r), a in exit_.items() if r == role and item.key in a
            )
            if not entry_values and not exit_values:
                continue
            title = short(item) if short else item.key
            comparisons.append(
                ItemComparison(
                    role, item.key, question(item), item.max, entry_values, exit_values, title
                )
            )
            for user_id, r in sorted(set(entry) | set(exit_)):
                if r != role:
                    continue
                before = entry.get((user_id, r), {}).get(item.key)
                after = exit_.get((user_id, r), {}).get(item.key)
                if before is None and after is None:
                    continue
                people.append(
                    PersonChange(
                        user_id, names.get(user_id, "—"), role, item.key, before, after, title
                    )
                )
    return comparisons, people


def _fmt(value: float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:+.1f}" if value < 0 else f"{value:.1f}"
    return str(value)


# Every text the results workbook uses (translated before it is written off the event loop).
RESULT_TEXT_KEYS = (
    "surveys-xlsx-sheet-items",
    "surveys-xlsx-sheet-people",
    "surveys-xlsx-sheet-completion",
    "surveys-xlsx-sheet-raw",
    "surveys-xlsx-role",
    "surveys-xlsx-item",
    "surveys-xlsx-question",
    "surveys-xlsx-question-exit",
    "surveys-xlsx-entry-n",
    "surveys-xlsx-entry-mean",
    "surveys-xlsx-exit-n",
    "surveys-xlsx-exit-mean",
    "surveys-xlsx-change",
    "surveys-xlsx-entry-dist",
    "surveys-xlsx-exit-dist",
    "surveys-xlsx-index-entry",
    "surveys-xlsx-index-exit",
    "surveys-xlsx-name",
    "surveys-xlsx-entry",
    "surveys-xlsx-exit",
    "surveys-xlsx-wave",
    "surveys-xlsx-deadline",
    "surveys-xlsx-invited",
    "surveys-xlsx-submitted",
    "surveys-xlsx-missing",
    "surveys-xlsx-rate",
    "surveys-xlsx-answer",
    "surveys-xlsx-submitted-at",
    "surveys-role-mentor",
    "surveys-role-mentee",
    "surveys-role-curator",
    "surveys-kind-entry",
    "surveys-kind-intermediate",
    "surveys-kind-exit",
    "surveys-kind-pulse",
    "report-col-school",
    "report-col-programme",
    "surveys-xlsx-yes",
    "surveys-xlsx-no",
)


def build_results_xlsx(results: ProgrammeResults, text: Callable[[str], str]) -> bytes:
    """Sheets: the comparison per item, entry → exit per participant, completion, and
    every raw answer. `text` translates the column keys."""
    return build_results_book([((), results)], text)


#: Each programme's place (e.g. school and programme) and its results.
PlacedResults = Sequence[tuple[Sequence[str], ProgrammeResults]]
#: Writes a sheet's bold header row (the place columns, then these column keys translated).
_Header = Callable[[Any, list[str]], None]


def build_results_book(
    programmes: PlacedResults,
    text: Callable[[str], str],
    place_columns: Sequence[str] = (),
) -> bytes:
    """The same four sheets for several programmes in one file: each row starts with the
    programme's place (e.g. school and programme), under the `place_columns` headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    places = [text(k) for k in place_columns]

    def header(ws: object, keys: list[str]) -> None:
        ws.append([*places, *(text(k) for k in keys)])  # type: ignore[attr-defined]
        for cell in ws[1]:  # type: ignore[index]
            cell.font = Font(bold=True)

    sheet.title = text("surveys-xlsx-sheet-items")[:31]
    _items_sheet(sheet, programmes, text, header)
    _people_sheet(
        workbook.create_sheet(text("surveys-xlsx-sheet-people")[:31]), programmes, text, header
    )
    _completion_sheet(
        workbook.create_sheet(text("surveys-xlsx-sheet-completion")[:31]),
        programmes,
        text,
        header,
    )
    _raw_sheet(workbook.create_sheet(text("surveys-xlsx-sheet-raw")[:31]), programmes, text, header)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _items_sheet(
    sheet: Any, programmes: PlacedResults, text: Callable[[str], str], header: _Header
) -> None:
    """The comparison per item, then each programme's satisfaction index."""
    header(
        sheet,
        [
            "surveys-xlsx-role",
            "surveys-xlsx-item",
            "surveys-xlsx-question-exit",  # the item's wording; its entry one differs
            "surveys-xlsx-entry-n",
            "surveys-xlsx-entry-mean",
            "surveys-xlsx-exit-n",
            "surveys-xlsx-exit-mean",
            "surveys-xlsx-change",
            "surveys-xlsx-entry-dist",
            "surveys-xlsx-exit-dist",
        ],
    )
    for place, results in programmes:
        for c in results.items:
            sheet.append(
                [
                    *place,
                    text(f"surveys-role-{c.role}"),
                    c.short or c.key,
                    c.question,
                    len(c.entry),
                    c.entry_mean,
                    len(c.exit),
                    c.exit_mean,
                    c.change,
                    " ".join(f"{v}:{n}" for v, n in c.distribution("entry").items()),
                    " ".join(f"{v}:{n}" for v, n in c.distribution("exit").items()),
                ]
            )
    for place, results in programmes:
        sheet.append([])
        sheet.append([*place, text("surveys-xlsx-index-entry"), results.index_entry])
        sheet.append([*place, text("surveys-xlsx-index-exit"), results.index_exit])


def _people_sheet(
    people: Any, programmes: PlacedResults, text: Callable[[str], str], header: _Header
) -> None:
    """Entry → exit per participant."""
    header(
        people,
        [
            "surveys-xlsx-name",
            "surveys-xlsx-role",
            "surveys-xlsx-item",
            "surveys-xlsx-entry",
            "surveys-xlsx-exit",
            "surveys-xlsx-change",
        ],
    )
    for place, results in programmes:
        for p in results.people:
            people.append(
                [
                    *place,
                    p.name,
                    text(f"surveys-role-{p.role}"),
                    p.short or p.key,
                    p.entry,
                    p.exit,
                    p.change,
                ]
            )


def _completion_sheet(
    completion: Any, programmes: PlacedResults, text: Callable[[str], str], header: _Header
) -> None:
    """The completion of every wave."""
    header(
        completion,
        [
            "surveys-xlsx-wave",
            "surveys-xlsx-deadline",
            "surveys-xlsx-invited",
            "surveys-xlsx-submitted",
            "surveys-xlsx-missing",
            "surveys-xlsx-rate",
        ],
    )
    for place, results in programmes:
        for w in results.completion:
            completion.append(
                [
                    *place,
                    text(f"surveys-kind-{w.kind}"),
                    w.deadline.strftime("%Y-%m-%d"),
                    w.invited,
                    w.submitted,
                    w.missing if w.closed else None,
                    w.rate,
                ]
            )


def _raw_sheet(
    raw: Any, programmes: PlacedResults, text: Callable[[str], str], header: _Header
) -> None:
    """Every raw answer."""
    header(
        raw,
        [
            "surveys-xlsx-wave",
            "surveys-xlsx-name",
            "surveys-xlsx-role",
            "surveys-xlsx-item",
            "surveys-xlsx-question",
            "surveys-xlsx-answer",
            "surveys-xlsx-submitted-at",
        ],
    )
    for place, results in programmes:
        for a in results.raw:
            raw.append(
                [
                    *place,
                    text(f"surveys-kind-{a.wave_kind}"),
                    a.name,
                    text(f"surveys-role-{a.role}"),
                    a.item_key,
                    a.question,
                    _answer_cell(a, text),
                    a.submitted_at.strftime("%Y-%m-%d %H:%M") if a.submitted_at else None,
                ]
            )


def _answer_cell(answer: RawAnswer, text: Callable[[str], str]) -> str:
    if answer.yes_no and answer.value in (YES, NO):
        return text(f"surveys-xlsx-{answer.value}")
    return _safe_cell(answer.value)


def _safe_cell(value: str) -> str:
    """Typed text must not become a spreadsheet formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


CHART_ROLES = ("mentee", "mentor")


def entry_exit_charts(
    results: ProgrammeResults,
    title: Callable[[str, int, int], str],
    entry_label: str,
    exit_label: str,
) -> list[ComparisonChart]:
    """The entry → exit pictures: one role per picture, at most `ITEMS_PER_CHART` items
    each (a role with more is split evenly), items named by their short titles.
    `title(role, page, pages)` gives a picture's title in the reader's language."""
    charts = []
    for role in CHART_ROLES:
        items = [c for c in results.items if c.role == role and c.max == 10]
        if not items:
            continue
        pages = -(-len(items) // ITEMS_PER_CHART)
        size = -(-len(items) // pages)
        for page in range(pages):
            chunk = items[page * size : (page + 1) * size]
            charts.append(
                ComparisonChart(
                    title=title(role, page + 1, pages),
                    items=[c.short or c.key for c in chunk],
                    before=[c.entry_mean for c in chunk],
                    after=[c.exit_mean for c in chunk],
                    before_label=entry_label,
                    after_label=exit_label,
                )
            )
    return charts
