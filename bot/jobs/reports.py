"""The "report" notification: built at send time into ONE XLSX document with a one-line
caption; and the reports this module registers (`register`, at start): the base of
mentors, the base of mentees, the meetings log and the questionnaire results.

Access is checked again when the file is built (a role may have ended since the tap). The
data is read in one short transaction (bot/services/reports/), the session is closed,
then the workbook is written off the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.jobs.parts import CAPTION_MAX, Part
from bot.jobs.render import RenderContext, register_rich
from bot.jobs.report_registry import REPORTS, ReportRequest, register_report
from bot.services import offload
from bot.services.outbox import Delivery
from bot.services.pairs import contact_url
from bot.services.reports import (
    People,
    Person,
    Scope,
    load_meetings,
    load_people,
    load_surveys,
    mean_rating,
    report_scope,
)
from bot.services.survey_results import RESULT_TEXT_KEYS, build_results_book
from bot.services.workbook import Sheet, write_workbook
from bot.storage.models import User

KIND = "report"


async def scope_for(ctx: RenderContext, request: ReportRequest) -> Scope | None:
    """The schools the recipient may have this report about now (None: not any more)."""
    assert ctx.sessions is not None
    async with ctx.sessions() as session:
        user = await session.get(User, request.user_id)
        if user is None or user.telegram_id is None:
            return None
        is_admin = user.telegram_id in ctx.settings.admin_ids
        return await report_scope(session, user.id, is_admin, request.organisation_id)


async def _people_for(ctx: RenderContext, request: ReportRequest) -> tuple[Scope, People] | None:
    """The recipient's scope and its people, read in one short transaction (None: the
    recipient may not have this report any more)."""
    scope = await scope_for(ctx, request)
    if scope is None:
        return None
    assert ctx.sessions is not None
    async with ctx.sessions() as session:
        people = await load_people(
            session,
            scope,
            ctx.settings.questionnaires,
            ctx.settings.catalog,
            viewer_user_id=request.user_id,
        )
    return scope, people


def _today(ctx: RenderContext, scope: Scope | None) -> date:
    zone = scope.schools[0].timezone if scope and scope.schools else ctx.default_timezone
    return ctx.clock.now().astimezone(ZoneInfo(zone)).date()


async def build_report(ctx: RenderContext, delivery: Delivery, locale: str) -> list[Part]:
    """Rich kind "report": args {"report": key, "organisation_id": id}."""
    args = delivery.items[0].args
    key = str(args.get("report", ""))
    organisation_id = args.get("organisation_id")
    builder = REPORTS.get(key)
    if builder is None or not isinstance(organisation_id, int):
        return [Part(text=ctx.get("report-unknown", locale))]
    request = ReportRequest(key, organisation_id, delivery.recipient_user_id)
    if await scope_for(ctx, request) is None:
        return [Part(text=ctx.get("report-denied", locale))]
    return [await builder(ctx, request, locale)]


# --- shared pieces --------------------------------------------------------------------


def _caption(ctx: RenderContext, scope: Scope, key: str, locale: str) -> str:
    text = ctx.get(
        "report-caption",
        locale,
        title=ctx.plain(f"report-title-{key}", locale),
        place=scope.name,
        date=_today(ctx, scope).strftime("%d.%m.%Y"),
    )
    return text[:CAPTION_MAX]


def _filename(ctx: RenderContext, scope: Scope, key: str) -> str:
    return f"{key}-{scope.organisation_id}-{_today(ctx, scope).isoformat()}.xlsx"


async def _workbook_part(
    ctx: RenderContext, scope: Scope, key: str, locale: str, sheets: list[Sheet]
) -> Part:
    content = await offload.off_loop(write_workbook, sheets)
    return Part(
        text=_caption(ctx, scope, key, locale),
        file=content,
        filename=_filename(ctx, scope, key),
    )


def _denied(ctx: RenderContext, locale: str) -> Part:
    return Part(text=ctx.get("report-denied", locale))


def _columns(ctx: RenderContext, locale: str, scope: Scope, names: Sequence[str]) -> list[str]:
    school = ["school"] if scope.many else []
    return [ctx.plain(f"report-col-{n}", locale) for n in (*school, *names)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _contact(person: Person) -> str:
    for key in ("phone", "contacts", "email"):
        if person.profile.get(key):
            return _text(person.profile[key])
    return contact_url(person.telegram_id) or ""


class _Names:
    """What a person is called in a report: a withdrawn one is anonymised."""

    def __init__(self, ctx: RenderContext, locale: str, people: People) -> None:
        self.people = people
        self.withdrawn = ctx.plain("report-anonymous", locale)

    def __call__(self, membership_id: int) -> str:
        person = self.people.people.get(membership_id)
        if person is None or person.withdrawn:
            return self.withdrawn
        return person.name or self.withdrawn


class _Labels:
    def __init__(self, ctx: RenderContext, locale: str) -> None:
        self.ctx = ctx
        self.locale = locale
        self.catalog = ctx.settings.catalog

    def form(self, key: str) -> str:
        form = self.catalog.form(key)
        return form.name(self.locale) if form else key

    def category(self, key: Any) -> str:
        if not key:
            return ""
        category = self.catalog.category(str(key))
        return category.name(self.locale) if category else str(key)

    def topics(self, keys: Any) -> str:
        if not isinstance(keys, list):
            return _text(keys)
        names = []
        for k in keys:
            topic = self.catalog.help_topic(str(k))
            names.append(topic.name(self.locale) if topic else str(k))
        return ", ".join(names)

    def status(self, person: Person) -> str:
        return self.ctx.plain(f"report-status-{person.status}", self.locale)


def _plan(people: People, mentee_ids: Sequence[int]) -> str:
    done = total = 0
    for m in mentee_ids:
        d, t = people.plan.get(m, (0, 0))
        done += d
        total += t
    return f"{done}/{total}" if total else ""


# --- the base of mentors ------------------------------------------------------------------


async def mentors_report(ctx: RenderContext, request: ReportRequest, locale: str) -> Part:
    found = await _people_for(ctx, request)
    if found is None:
        return _denied(ctx, locale)
    scope, people = found
    names = _Names(ctx, locale, people)
    labels = _Labels(ctx, locale)
    schools = {s.id: s.name for s in scope.schools}
    rows: list[list[Any]] = []
    for person in people.people.values():
        if person.role != "mentor":
            continue
        programme = people.programmes[person.programme_id or 0]
        pairs = people.pairs_of_mentor(person.membership_id)
        mentee_ids = [m for p in pairs for m in p.mentee_membership_ids]
        hidden = any(people.hides_ratings_of(p) for p in pairs)
        gone = person.withdrawn
        growth = [
            people.growth[k]
            for m in mentee_ids
            if (mentee := people.people.get(m)) is not None
            and (k := (mentee.user_id, "mentee", programme.id)) in people.growth
        ]
        row: list[Any] = [schools.get(person.school_id, "")] if scope.many else []
        row += [
            names(person.membership_id),
            "" if gone else _contact(person),
            labels.category(person.profile.get("category")),
            "" if gone else _text(person.profile.get("competences")),
            "" if gone else _text(person.profile.get("interests")),
            labels.form(programme.form_key),
            programme.name,
            person.joined,
            ", ".join(names(m) for m in mentee_ids),
            sum(people.held.get(p.id, 0) for p in pairs),
            _plan(people, mentee_ids),
            None if hidden else mean_rating(people, mentee_ids),
            None if hidden or not growth else round(sum(growth) / len(growth), 2),
            people.satisfaction.get((person.user_id, "mentor", programme.id)),
            labels.status(person),
        ]
        rows.append(row)
    columns = _columns(
        ctx,
        locale,
        scope,
        [
            "name",
            "contacts",
            "mentor-category",
            "competences",
            "interests",
            "form",
            "programme",
            "joined",
            "mentees",
            "meetings",
            "plan",
            "rating",
            "mentees-growth",
            "satisfaction",
            "status",
        ],
    )
    sheet = Sheet(ctx.plain("report-title-mentors", locale), columns, rows)
    return await _workbook_part(ctx, scope, request.key, locale, [sheet])


# --- the base of mentees ------------------------------------------------------------------


async def mentees_report(ctx: RenderContext, request: ReportRequest, locale: str) -> Part:
    found = await _people_for(ctx, request)
    if found is None:
        return _denied(ctx, locale)
    scope, people = found
    names = _Names(ctx, locale, people)
    labels = _Labels(ctx, locale)
    schools = {s.id: s.name for s in scope.schools}
    minor = ctx.plain("report-age-minor", locale)
    rows: list[list[Any]] = []
    for person in people.people.values():
        if person.role != "mentee":
            continue
        programme = people.programmes[person.programme_id or 0]
        pairs = people.pairs_of_mentee(person.membership_id)
        hidden = any(people.hides_ratings_of(p) for p in pairs)
        gone = person.withdrawn
        profile = person.profile
        # One column per meaning: a student's class, a teacher's years of experience (0 too).
        school_class = _text(profile.get("school_class") or "") or (
            minor if person.is_minor else ""
        )
        years = profile.get("years")
        experience = years if isinstance(years, int) and not isinstance(years, bool) else None
        wishes = [labels.topics(profile.get("help_topics")), _text(profile.get("wishes"))]
        rating = mean_rating(people, [person.membership_id])
        row: list[Any] = [schools.get(person.school_id, "")] if scope.many else []
        row += [
            names(person.membership_id),
            "" if gone else _contact(person),
            "" if gone else school_class,
            None if gone else experience,
            "" if gone else "; ".join(w for w in wishes if w),
            # The curator's classification: not in a coordinator's file.
            labels.category(profile.get("category")) if scope.curator_view else "",
            labels.form(programme.form_key),
            programme.name,
            person.joined,
            ", ".join(names(p.mentor_membership_id) for p in pairs),
            people.attended.get(person.membership_id, 0),
            _plan(people, [person.membership_id]),
            None if hidden else rating,
            # Growth includes what the mentee said about the mentor: hidden like the rating.
            None if hidden else people.growth.get((person.user_id, "mentee", programme.id)),
            None if hidden else people.satisfaction.get((person.user_id, "mentee", programme.id)),
            labels.status(person),
        ]
        rows.append(row)
    columns = _columns(
        ctx,
        locale,
        scope,
        [
            "name",
            "contacts",
            "class",
            "years",
            "request",
            "mentee-category",
            "form",
            "programme",
            "joined",
            "mentor",
            "meetings",
            "plan",
            "rating",
            "growth",
            "satisfaction",
            "status",
        ],
    )
    sheet = Sheet(ctx.plain("report-title-mentees", locale), columns, rows)
    return await _workbook_part(ctx, scope, request.key, locale, [sheet])


# --- the meetings log -------------------------------------------------------------------


async def meetings_report(ctx: RenderContext, request: ReportRequest, locale: str) -> Part:
    scope = await scope_for(ctx, request)
    if scope is None:
        return _denied(ctx, locale)
    assert ctx.sessions is not None
    async with ctx.sessions() as session:
        people, meetings = await load_meetings(
            session,
            scope,
            ctx.settings.questionnaires,
            ctx.settings.catalog,
            viewer_user_id=request.user_id,
        )
    names = _Names(ctx, locale, people)
    schools = {s.id: s.name for s in scope.schools}
    yes, no = ctx.plain("answer-yes", locale), ctx.plain("answer-no", locale)
    rows: list[list[Any]] = []
    for m in meetings:
        pair = m.pair
        programme = people.programmes[pair.programme_id]
        mentees = ", ".join(names(x) for x in pair.mentee_membership_ids)
        present = [a for a in m.attendance if a.present]
        confirmed = sum(1 for a in present if a.confirmed)
        ratings = "; ".join(
            f"{names(a.mentee_membership_id)}: {a.rating}" for a in present if a.rating is not None
        )
        comments = "; ".join(
            f"{names(a.mentee_membership_id)}: {a.comment}" for a in m.attendance if a.comment
        )
        row: list[Any] = [m.day, m.starts_at.strftime("%H:%M") if m.starts_at else ""]
        if scope.many:
            row.append(schools.get(pair.school_id, ""))
        row += [
            programme.name,
            f"{names(pair.mentor_membership_id)} — {mentees}",
            ctx.plain(f"meetings-kind-{m.kind}", locale),
            m.duration_min,
            ctx.plain(f"meetings-format-{m.format}", locale),
            m.topic or "",
            m.outcome or "",
            ctx.plain(f"report-meeting-{m.status}", locale),
            f"{confirmed}/{len(present)}" if m.status == "held" else "",
            yes if any(a.disputed for a in m.attendance) else no,
            ratings,
            comments,
        ]
        rows.append(row)
    keys = ["date", "time", *(["school"] if scope.many else [])]
    keys += [
        "programme",
        "pair",
        "kind",
        "duration",
        "format",
        "topic",
        "outcome",
        "meeting-status",
        "confirmed",
        "disputed",
        "ratings",
        "comments",
    ]
    columns = [ctx.plain(f"report-col-{k}", locale) for k in keys]
    sheet = Sheet(ctx.plain("report-title-meetings", locale), columns, rows)
    return await _workbook_part(ctx, scope, request.key, locale, [sheet])


# --- questionnaire results ---------------------------------------------------------------


async def surveys_report(ctx: RenderContext, request: ReportRequest, locale: str) -> Part:
    scope = await scope_for(ctx, request)
    if scope is None:
        return _denied(ctx, locale)
    assert ctx.sessions is not None
    async with ctx.sessions() as session:
        surveys = await load_surveys(
            session,
            scope,
            ctx.settings.questionnaires,
            ctx.settings.catalog,
            locale,
            ctx.clock.now(),
            viewer_user_id=request.user_id,
        )
    texts = {k: ctx.plain(k, locale) for k in RESULT_TEXT_KEYS}
    place_columns = ["report-col-school", "report-col-programme"] if scope.many else []
    if not scope.many:
        place_columns = ["report-col-programme"]
    programmes = [
        ((s.school, s.programme) if scope.many else (s.programme,), s.results) for s in surveys
    ]
    content = await offload.off_loop(
        build_results_book, programmes, texts.__getitem__, place_columns
    )
    return Part(
        text=_caption(ctx, scope, request.key, locale),
        file=content,
        filename=_filename(ctx, scope, request.key),
    )


def register() -> None:
    """The "report" notification and the school reports (called at start)."""
    register_rich(KIND, build_report)
    register_report("mentors", mentors_report)
    register_report("mentees", mentees_report)
    register_report("meetings", meetings_report)
    register_report("surveys", surveys_report)
