"""What the `/surveys` windows show."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram_dialog import DialogManager
from markupsafe import Markup

from bot.dialogs.paging import shorten
from bot.dialogs.widgets import (
    actor_of,
    i18n_of,
    plain_text_of,
    services_of,
)
from bot.services.surveys import DEADLINE_DAYS, LAUNCHES, PULSE_EVERY, PULSE_FIRST_DAYS

STATUS_ICONS = {"submitted": "✅", "started": "✏️", "not_started": "⏳", "missing": "❌"}
PEOPLE_MAX = 40
ITEMS_MAX = 25


def programme_id_of(manager: DialogManager) -> int:
    return int(manager.dialog_data["programme_id"])


def wave_id_of(manager: DialogManager) -> int:
    return int(manager.dialog_data["wave_id"])


def day_text(value: date) -> str:
    return value.strftime("%d.%m.%Y")


async def programmes_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor = actor_of(dialog_manager)
    rows = await services_of(dialog_manager).surveys.programmes_with_schools(actor)
    several = len({p.organisation_id for p, _ in rows}) > 1
    return {
        "programmes": [
            {"id": p.id, "label": shorten(f"{school} · {p.name}" if several else p.name)}
            for p, school in rows
        ],
        "count": len(rows),
        "is_admin": actor.is_admin,
    }


async def programme_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    programme_id = programme_id_of(dialog_manager)
    programme = await services.surveys.programme(actor, programme_id, "survey.view")
    waves = await services.surveys.waves(actor, programme_id)
    timing = await services.surveys.pulse(actor, programme_id)
    pulse = timing.enabled
    lines = [
        i18n.get(
            "surveys-wave-line",
            kind=i18n.get(f"surveys-kind-{w.kind}"),
            deadline=day_text(w.deadline_local),
            submitted=w.submitted,
            invited=w.invited,
        )
        for w in waves[:ITEMS_MAX]
    ]
    body = Markup("\n").join(
        [
            i18n.get("surveys-programme", name=programme.name),
            i18n.get(
                "surveys-pulse-on" if pulse else "surveys-pulse-off",
                first=timing.first_day,
                every=timing.every_days,
            ),
            i18n.get("surveys-waves") if lines else i18n.get("surveys-no-waves"),
            *lines,
        ]
    )
    return {
        "body": body,
        "waves": [
            {
                "id": w.id,
                "label": shorten(
                    f"{plain_text_of(dialog_manager, f'surveys-kind-{w.kind}')} · "
                    f"{day_text(w.deadline_local)} · {w.submitted}/{w.invited}"
                ),
            }
            for w in waves[:ITEMS_MAX]
        ],
        "pulse_label": plain_text_of(
            dialog_manager, "surveys-btn-pulse-off" if pulse else "surveys-btn-pulse-on"
        ),
    }


async def pulse_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    timing = await services.surveys.pulse(actor_of(dialog_manager), programme_id_of(dialog_manager))

    def mark(key: str, value: int, current: int) -> str:
        label = plain_text_of(dialog_manager, key, days=value)
        return f"✅ {label}" if value == current else label

    return {
        "body": i18n_of(dialog_manager).get(
            "surveys-pulse-timing",
            first=timing.first_day,
            every=timing.every_days,
            on="yes" if timing.enabled else "no",
        ),
        "firsts": [
            {"id": d, "label": mark("surveys-btn-pulse-first", d, timing.first_day)}
            for d in PULSE_FIRST_DAYS
        ],
        "everys": [
            {"id": d, "label": mark("surveys-btn-pulse-every", d, timing.every_days)}
            for d in PULSE_EVERY
        ],
    }


async def launch_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "kinds": [
            {"id": key, "label": plain_text_of(dialog_manager, f"surveys-launch-{key}")}
            for key in LAUNCHES
        ]
    }


async def school_today(manager: DialogManager) -> date:
    services = services_of(manager)
    programme = await services.surveys.programme(
        actor_of(manager), programme_id_of(manager), "survey.view"
    )
    school = await services.organisations.get(actor_of(manager), programme.organisation_id)
    return services.settings.clock.now().astimezone(ZoneInfo(school.timezone)).date()


async def deadline_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    today = await school_today(dialog_manager)
    launch = str(dialog_manager.dialog_data.get("launch", ""))
    return {
        "launch": plain_text_of(dialog_manager, f"surveys-launch-{launch}"),
        "days": [
            {
                "id": days,
                "label": plain_text_of(
                    dialog_manager,
                    "surveys-btn-days",
                    days=days,
                    date=day_text(today + timedelta(days=days)),
                ),
            }
            for days in DEADLINE_DAYS
        ],
    }


async def wave_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    wave = await services.surveys.wave_view(actor, wave_id_of(dialog_manager))
    people = await services.surveys.statuses(actor, wave.id)
    waiting = [p for p in people if p.status in ("started", "not_started")]
    lines = [
        i18n.get(
            "surveys-person-line",
            icon=STATUS_ICONS[p.status],
            name=p.name or i18n.get("surveys-no-name"),
            role=i18n.get(f"surveys-role-{p.role}"),
            status=i18n.get(f"surveys-status-{p.status.replace('_', '-')}"),
        )
        for p in people[:PEOPLE_MAX]
    ]
    if len(people) > PEOPLE_MAX:
        lines.append(i18n.get("surveys-more", count=len(people) - PEOPLE_MAX))
    body = Markup("\n").join(
        [
            i18n.get(
                "surveys-wave-head",
                kind=i18n.get(f"surveys-kind-{wave.kind}"),
                deadline=day_text(wave.deadline_local),
                submitted=wave.submitted,
                invited=wave.invited,
            ),
            *([i18n.get("surveys-closed")] if wave.closed else []),
            *lines,
        ]
    )
    return {"body": body, "can_remind": not wave.closed and bool(waiting)}


async def results_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    results = await services.surveys.results(
        actor_of(dialog_manager), programme_id_of(dialog_manager), i18n.locale
    )
    lines = [i18n.get("surveys-results-head", name=results.programme)]
    for w in results.completion:
        lines.append(
            i18n.get(
                "surveys-completion-line",
                kind=i18n.get(f"surveys-kind-{w.kind}"),
                submitted=w.submitted,
                invited=w.invited,
                rate=w.rate,
                missing=w.missing,
            )
        )
    lines.append(
        i18n.get(
            "surveys-index",
            entry=_num(results.index_entry),
            exit=_num(results.index_exit),
        )
    )
    if results.items:
        lines.append(i18n.get("surveys-items-head"))
    for c in results.items[:ITEMS_MAX]:
        # The short title: entry answers are not shown under the exit's wording.
        lines.append(
            i18n.get(
                "surveys-item-line",
                role=i18n.get(f"surveys-role-{c.role}"),
                question=c.short or c.key,
                entry=_num(c.entry_mean),
                exit=_num(c.exit_mean),
                change=_signed(c.change),
            )
        )
    return {"body": Markup("\n").join(lines), "has_items": bool(results.items)}


def _num(value: float | int | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


async def pairs_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    pairs = await services_of(dialog_manager).surveys.pairs(
        actor_of(dialog_manager), programme_id_of(dialog_manager)
    )
    return {
        "pairs": [
            {"id": p.id, "label": shorten(f"{p.mentor} — {', '.join(p.mentees) or '…'}")}
            for p in pairs
        ]
    }
