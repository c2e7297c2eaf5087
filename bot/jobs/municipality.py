"""The municipality's deliveries: the coordinator's weekly digest (text per school and in
total, a chart, an XLSX), the monitoring report in the municipal shape (registered as the
"monitoring" report of /report), and the monitoring deadline reminders with that report
attached; and the scheduler job that queues the digests and the reminders.

Builders read the database in one short transaction into plain dataclasses, close it, then
draw and write off the event loop (bot/services/offload.py). Each re-checks, at send time,
that the recipient may still see what it is about.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.jobs.parts import Part
from bot.jobs.render import RenderContext, register_rich
from bot.jobs.report_registry import ReportRequest, register_report
from bot.services import indicators as ind
from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.municipality import (
    DIGEST_KIND,
    REMINDER_KIND,
    queue_deadline_reminders,
    queue_digests,
)
from bot.services.offload import off_loop
from bot.services.outbox import Delivery, wake_after_commit
from bot.services.reports import may_report_on
from bot.storage.models import Organisation, User

if TYPE_CHECKING:  # matplotlib and openpyxl load on the first digest, not at the bot's start
    from bot.services.charts import BarChart
    from bot.services.workbook import Sheet

log = logging.getLogger(__name__)

MUNICIPAL_TICK_SECONDS = 300.0
MESSAGE_MAX = 4096
CHART_NAME_MAX = 28


# --- reading, with access checked for the recipient ----------------------------------------


@dataclass(frozen=True)
class _Scope:
    name: str
    year: int
    data: ind.Indicators


def _year(org: Organisation, now: datetime) -> int:
    return ind.school_year_of(now.astimezone(ZoneInfo(org.timezone)).date())


def monitoring_year(today: date, deadline_day: int, deadline_month: int) -> int:
    """The school year the monitoring report is about. From 1 September up to an autumn
    deadline (25 November by default) it is the year just finished — the programmes carried
    out, as the final monitoring asks; after the deadline, the year in progress."""
    year = ind.school_year_of(today)
    if deadline_month >= 9 and today <= date(year, deadline_month, deadline_day):
        return year - 1
    return year


async def _monitoring_year(session: AsyncSession, org: Organisation, now: datetime) -> int:
    municipality = org if org.kind == "municipality" else None
    if municipality is None and org.parent_id is not None:
        municipality = await session.get(Organisation, org.parent_id)
    source = municipality or org
    today = now.astimezone(ZoneInfo(org.timezone)).date()
    return monitoring_year(today, source.monitoring_day, source.monitoring_month)


async def _may_see(
    ctx: RenderContext, session: AsyncSession, user_id: int, org: Organisation
) -> bool:
    """The reports' rule (bot/services/reports/): curators see their school,
    coordinators their municipality and its schools, admins everything."""
    user = await session.get(User, user_id)
    if user is None:
        return False
    is_admin = user.telegram_id is not None and user.telegram_id in ctx.settings.admin_ids
    return await may_report_on(session, user_id, is_admin, org) is not None


async def _read(
    ctx: RenderContext,
    user_id: int,
    organisation_id: int,
    *,
    coordinator_only: bool = False,
    monitoring: bool = False,
) -> _Scope | None:
    """The indicators the recipient may see (None: not any more), in one short
    transaction."""
    assert ctx.sessions is not None
    async with ctx.sessions() as session:
        org = await session.get(Organisation, organisation_id)
        if org is None or (coordinator_only and org.kind != "municipality"):
            return None
        if not await _may_see(ctx, session, user_id, org):
            return None
        now = ctx.clock.now()
        year = await _monitoring_year(session, org, now) if monitoring else _year(org, now)
        catalog, questionnaires = ctx.settings.catalog, ctx.settings.questionnaires
        if org.kind == "municipality":
            data = await ind.for_municipality(session, org.id, year, catalog, questionnaires)
        else:
            data = await ind.for_school(session, org.id, year, catalog, questionnaires)
        name = org.name
    return _Scope(name, year, data)


# --- texts -------------------------------------------------------------------------------


def _number(value: float, locale: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if locale == "ru" else text


def _share(ctx: RenderContext, locale: str, share: ind.Share) -> str:
    percent = share.percent
    if percent is None:
        return ctx.get("indicators-share-unknown", locale, count=share.count)
    return ctx.get("indicators-share", locale, count=share.count, percent=_number(percent, locale))


def _change(ctx: RenderContext, locale: str, change: float | None) -> str:
    if change is None:
        return ctx.get("indicators-no-value", locale)
    sign = "+" if change > 0 else ""
    return sign + _number(change, locale)


def _satisfaction(ctx: RenderContext, locale: str, value: int | None) -> str:
    if value is None:
        return ctx.get("indicators-no-value", locale)
    return ctx.get("indicators-satisfaction", locale, value=value)


def _form_name(ctx: RenderContext, key: str, locale: str) -> str:
    form = ctx.settings.catalog.form(key)
    return form.name(locale) if form else key


def _category_name(ctx: RenderContext, key: str, locale: str) -> str:
    if not key:
        return ctx.plain("indicators-no-category", locale)
    category = ctx.settings.catalog.category(key)
    return category.name(locale) if category else key


def _lines(ctx: RenderContext, locale: str, row: ind.SchoolIndicators) -> list[str]:
    lines = [
        ctx.get(
            "indicators-line-students",
            locale,
            mentees=Markup(_share(ctx, locale, row.student_mentees)),
            mentors=Markup(_share(ctx, locale, row.student_mentors)),
        ),
        ctx.get(
            "indicators-line-teachers",
            locale,
            young=Markup(_share(ctx, locale, row.young_teacher_mentees)),
            mentors=Markup(_share(ctx, locale, row.teacher_mentors)),
        ),
        ctx.get("indicators-line-work", locale, pairs=row.pairs, meetings=row.meetings_held),
        ctx.get(
            "indicators-line-quality",
            locale,
            satisfaction=Markup(_satisfaction(ctx, locale, row.satisfaction)),
            change=Markup(_change(ctx, locale, row.change)),
        ),
    ]
    return lines


def digest_blocks(ctx: RenderContext, locale: str, scope: _Scope, week: str) -> list[str]:
    """The digest's text in blocks: the title, one per school, the total."""
    data = scope.data
    blocks = [
        ctx.get(
            "indicators-digest-title",
            locale,
            municipality=scope.name,
            week=week,
            year=str(scope.year),
            next=str(scope.year + 1),
        )
    ]
    if not data.schools:
        blocks.append(ctx.get("indicators-no-schools", locale))
        return blocks
    for row in data.schools:
        lines = [ctx.get("indicators-school-title", locale, school=row.name)]
        lines += _lines(ctx, locale, row)
        if row.headcounts is None or not row.headcounts.complete:
            lines.append(ctx.get("indicators-no-headcount", locale))
        blocks.append(str(Markup("\n").join(Markup(line) for line in lines)))
    total = data.total
    lines = [ctx.get("indicators-total-title", locale, count=len(data.schools))]
    lines += _lines(ctx, locale, total)
    if total.pairs_by_form:
        forms = ", ".join(
            f"{_form_name(ctx, k, locale)}: {n}" for k, n in total.pairs_by_form.items()
        )
        lines.append(ctx.get("indicators-line-forms", locale, forms=forms))
    missing = data.missing_headcounts
    if missing:
        lines.append(
            ctx.get(
                "indicators-missing-headcounts",
                locale,
                schools=", ".join(s.name for s in missing),
            )
        )
    blocks.append(str(Markup("\n").join(Markup(line) for line in lines)))
    return blocks


def split_blocks(blocks: Sequence[str], limit: int = MESSAGE_MAX) -> list[str]:
    """Messages of whole blocks (a school is never cut), each at most `limit` characters;
    a block longer than that alone is cut at its lines."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        pieces = [block]
        if len(block) > limit:
            pieces, piece = [], ""
            for line in block.split("\n"):
                line = line[:limit]
                if piece and len(piece) + 1 + len(line) > limit:
                    pieces.append(piece)
                    piece = ""
                piece = f"{piece}\n{line}" if piece else line
            pieces.append(piece)
        for piece in pieces:
            if current and len(current) + 2 + len(piece) > limit:
                messages.append(current)
                current = ""
            current = f"{current}\n\n{piece}" if current else piece
    if current:
        messages.append(current)
    return messages


# --- the workbook and the chart ------------------------------------------------------------


def _percent(share: ind.Share) -> float | None:
    return share.percent


def indicator_sheets(ctx: RenderContext, locale: str, data: ind.Indicators) -> list[Sheet]:
    """The municipal monitoring table (seed 001's shape): the indicators by school, by
    form, and mentors by category; a «total» row closes each."""
    from bot.services.workbook import Sheet

    def col(key: str) -> str:
        return ctx.plain(f"indicators-col-{key}", locale)

    total_name = ctx.plain("indicators-total", locale)
    columns = [
        col("school"),
        col("students"),
        col("student-mentees"),
        col("student-mentees-share"),
        col("student-mentors"),
        col("student-mentors-share"),
        col("teachers"),
        col("teacher-mentors"),
        col("teacher-mentors-share"),
        col("young-teachers"),
        col("young-mentees"),
        col("young-mentees-share"),
        col("pairs"),
        col("meetings"),
        col("satisfaction"),
        col("change"),
    ]
    rows: list[list[object]] = []
    for row in [*data.schools, data.total]:
        counts = row.headcounts
        rows.append(
            [
                row.name or total_name,
                counts.students_10_18 if counts else None,
                row.student_mentees.count,
                _percent(row.student_mentees),
                row.student_mentors.count,
                _percent(row.student_mentors),
                counts.teachers if counts else None,
                row.teacher_mentors.count,
                _percent(row.teacher_mentors),
                counts.young_teachers if counts else None,
                row.young_teacher_mentees.count,
                _percent(row.young_teacher_mentees),
                row.pairs,
                row.meetings_held,
                row.satisfaction,
                row.change,
            ]
        )
    forms = [
        [row.name or total_name, _form_name(ctx, key, locale), count]
        for row in [*data.schools, data.total]
        for key, count in row.pairs_by_form.items()
    ]
    categories = [
        [row.name or total_name, _category_name(ctx, key, locale), count]
        for row in [*data.schools, data.total]
        for key, count in row.mentors_by_category.items()
    ]
    return [
        Sheet(ctx.plain("indicators-sheet-main", locale), columns, rows),
        Sheet(
            ctx.plain("indicators-sheet-forms", locale),
            [col("school"), col("form"), col("pairs")],
            forms,
        ),
        Sheet(
            ctx.plain("indicators-sheet-categories", locale),
            [col("school"), col("category"), col("mentors")],
            categories,
        ),
    ]


def indicator_chart(ctx: RenderContext, locale: str, data: ind.Indicators) -> BarChart:
    from bot.services.charts import BarChart, Series

    def short(name: str) -> str:
        return name if len(name) <= CHART_NAME_MAX else name[: CHART_NAME_MAX - 1] + "…"

    return BarChart(
        title=ctx.plain("indicators-chart-title", locale),
        categories=[short(s.name) for s in data.schools],
        series=[
            Series(
                ctx.plain("indicators-chart-mentees", locale), [s.mentees for s in data.schools]
            ),
            Series(
                ctx.plain("indicators-chart-mentors", locale), [s.mentors for s in data.schools]
            ),
        ],
        horizontal=True,
        empty_note=ctx.plain("indicators-chart-empty", locale),
    )


# --- the rich kinds and the report ---------------------------------------------------------


async def build_digest(ctx: RenderContext, delivery: Delivery, locale: str) -> list[Part]:
    args = delivery.items[0].args
    scope = await _read(
        ctx, delivery.recipient_user_id, int(args["municipality_id"]), coordinator_only=True
    )
    if scope is None:  # no longer this municipality's coordinator: nothing is sent
        return []
    week = str(args.get("week", ""))
    from bot.services.charts import render_tall_png
    from bot.services.workbook import write_workbook

    texts = split_blocks(digest_blocks(ctx, locale, scope, week))
    chart = await off_loop(render_tall_png, indicator_chart(ctx, locale, scope.data))
    book = await off_loop(write_workbook, indicator_sheets(ctx, locale, scope.data))
    return [
        *(Part(text=text) for text in texts),
        Part(file=chart, filename="chart.png", as_photo=True),
        Part(
            text=ctx.get("indicators-digest-caption", locale),
            file=book,
            filename=ctx.plain("indicators-digest-filename", locale, week=week),
        ),
    ]


async def build_monitoring_report(ctx: RenderContext, request: ReportRequest, locale: str) -> Part:
    """The monitoring report: a curator's school, or a coordinator's municipality."""
    scope = await _read(ctx, request.user_id, request.organisation_id, monitoring=True)
    if scope is None:
        return Part(text=ctx.get("indicators-report-denied", locale))
    from bot.services.workbook import write_workbook

    book = await off_loop(write_workbook, indicator_sheets(ctx, locale, scope.data))
    return Part(
        text=ctx.get(
            "indicators-report-caption",
            locale,
            organisation=scope.name,
            year=str(scope.year),
            next=str(scope.year + 1),
        ),
        file=book,
        filename=ctx.plain("indicators-report-filename", locale, year=str(scope.year)),
    )


async def build_reminder(ctx: RenderContext, delivery: Delivery, locale: str) -> list[Part]:
    args = delivery.items[0].args
    organisation_id = int(args["organisation_id"])
    report = await build_monitoring_report(
        ctx, ReportRequest("monitoring", organisation_id, delivery.recipient_user_id), locale
    )
    if report.file is None:  # the role ended: no reminder either
        return []
    assert ctx.sessions is not None
    async with ctx.sessions() as session:
        name = await session.scalar(
            select(Organisation.name).where(Organisation.id == organisation_id)
        )
    text = ctx.get(
        "monitoring-reminder",
        locale,
        days=int(args["days"]),
        deadline=str(args["deadline"]),
        organisation=str(name or ""),
    )
    return [Part(text=text), report]


def register() -> None:
    """The coordinator's digest, the monitoring reminder and report (called at start)."""
    register_rich(DIGEST_KIND, build_digest)
    register_rich(REMINDER_KIND, build_reminder)
    register_report("monitoring", build_monitoring_report)


# --- the scheduler job ---------------------------------------------------------------------


async def municipal_tick(
    sessions: async_sessionmaker[AsyncSession], clock: Clock = SYSTEM_CLOCK
) -> int:
    """One run: queue the digests and the reminders that are due; returns how many."""
    async with sessions() as session:
        queued = await queue_digests(session, clock)
        queued += await queue_deadline_reminders(session, clock)
        await session.commit()
    wake_after_commit(session)
    return queued


def add_municipality_jobs(
    scheduler: AsyncIOScheduler,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock = SYSTEM_CLOCK,
    seconds: float = MUNICIPAL_TICK_SECONDS,
) -> None:
    async def run() -> None:
        try:
            queued = await municipal_tick(sessions, clock)
        except Exception:
            log.exception("municipal digests and reminders: this run failed; the next retries")
            return
        if queued:
            log.info("municipalities: %s digests and reminders queued", queued)

    scheduler.add_job(
        run,
        "interval",
        seconds=seconds,
        id="municipal-digests",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
        # The first run after one interval: a restart does not race the updates it answers.
    )
