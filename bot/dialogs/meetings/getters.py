"""What the meetings dialog's windows show.

Ids that come back in callbacks are checked by the service on every use."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram_dialog import DialogManager
from markupsafe import Markup

from bot.dialogs.meetings.common import (
    PLAN_TIMES,
    context,
    data,
    day_text,
    kind_label,
    pair_id_of,
    summary,
    svc,
    young,
)
from bot.dialogs.paging import shorten
from bot.dialogs.widgets import actor_of, plain_text_of, services_of, text_of
from bot.services.meetings import DURATIONS, FORMATS, KINDS, MeetingView


async def pairs_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor = actor_of(dialog_manager)
    service = svc(dialog_manager)
    seen: set[int] = set()
    items = []
    for side in ("mentor", "curator"):
        for choice in await service.pairs_for(actor, side):
            if choice.pair_id in seen:
                continue
            seen.add(choice.pair_id)
            names = ", ".join(choice.mentee_names)
            label = names if side == "mentor" else f"{choice.mentor_name} → {names}"
            items.append({"id": choice.pair_id, "label": shorten(label, 40)})
    return {"pairs": items, "has_pairs": bool(items)}


async def day_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    return {
        "pair": ctx.label(),
        "mentor": ctx.mentor.name,
        "curator_view": ctx.side == "curator",
        "timezone": ctx.timezone,
    }


async def confirm_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    d = data(dialog_manager)
    if "kind" not in d:
        usual = await svc(dialog_manager).usual(ctx)
        d.update(kind=usual.kind, duration=usual.duration_min, format=usual.format)
    if "present" not in d:
        d["present"] = [m.membership_id for m in ctx.mentees]
    label = summary(dialog_manager, d["kind"], d["duration"], d["format"])
    present = set(d["present"])
    lines = [
        text_of(dialog_manager, "meetings-confirm-pair", pair=ctx.label()),
        text_of(dialog_manager, "meetings-confirm-day", day=day_text(date.fromisoformat(d["day"]))),
        text_of(dialog_manager, "meetings-confirm-summary", summary=label),
    ]
    if d.get("topic"):
        lines.append(text_of(dialog_manager, "meetings-confirm-topic", topic=d["topic"]))
    if d.get("outcome"):
        lines.append(text_of(dialog_manager, "meetings-confirm-outcome", outcome=d["outcome"]))
    if ctx.is_group:
        names = ", ".join(m.name for m in ctx.mentees if m.membership_id in present)
        lines.append(text_of(dialog_manager, "meetings-confirm-present", names=names))
    save_key = "meetings-button-save-edit" if d.get("edit_id") else "meetings-button-save"
    return {
        "body": Markup("\n").join(lines),
        "save_label": plain_text_of(dialog_manager, save_key, summary=label),
        "is_group": ctx.is_group,
    }


async def kind_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    suggested = (await svc(dialog_manager).usual(ctx)).kind
    items = []
    for kind in KINDS:
        mark = "👉 " if kind == suggested else ""
        items.append({"id": kind, "label": mark + kind_label(dialog_manager, kind)})
    return {"kinds": items}


async def durations_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"durations": [{"id": d, "label": str(d)} for d in DURATIONS]}


async def formats_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "formats": [
            {"id": f, "label": plain_text_of(dialog_manager, f"meetings-format-{f}-button")}
            for f in FORMATS
        ]
    }


async def attendance_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    present = set(data(dialog_manager).get("present", []))
    items = [
        {
            "id": m.membership_id,
            "label": shorten(("✅ " if m.membership_id in present else "⬜ ") + m.name, 40),
        }
        for m in ctx.mentees
    ]
    return {"mentees": items}


async def saved_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    view = await svc(dialog_manager).view(
        actor_of(dialog_manager), data(dialog_manager)["meeting_id"]
    )
    return {
        "summary": summary(dialog_manager, view.kind, view.duration_min or 0, view.format),
        "day": day_text(view.day),
    }


def history_label(manager: DialogManager, view: MeetingView) -> str:
    mark = {"all": "✅", "disputed": "⚠️", "waiting": "⏳", "none": "—"}[view.confirmation]
    if view.status == "cancelled":
        mark = "✖️"
    duration = plain_text_of(manager, "meetings-minutes", minutes=view.duration_min or 0)
    return f"{view.day:%d.%m} · {kind_label(manager, view.kind)} · {duration} · {mark}"


async def history_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    views = await svc(dialog_manager).history(actor_of(dialog_manager), pair_id_of(dialog_manager))
    items = [{"id": v.id, "label": shorten(history_label(dialog_manager, v), 40)} for v in views]
    return {"meetings": items, "count": len(items), "empty": not items}


async def view_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    view = await svc(dialog_manager).view(
        actor_of(dialog_manager), data(dialog_manager)["meeting_id"]
    )
    m = dialog_manager
    lines = [
        text_of(m, "meetings-view-title", day=day_text(view.day), status=view.status),
        text_of(
            m,
            "meetings-confirm-summary",
            summary=summary(m, view.kind, view.duration_min or 0, view.format),
        ),
    ]
    if view.topic:
        lines.append(text_of(m, "meetings-confirm-topic", topic=view.topic))
    if view.outcome:
        lines.append(text_of(m, "meetings-confirm-outcome", outcome=view.outcome))
    for a in view.attendance:
        state = (
            "absent"
            if not a.present
            else ("disputed" if a.disputed else ("yes" if a.confirmed else "waiting"))
        )
        lines.append(text_of(m, f"meetings-view-mentee-{state}", name=a.name))
        if a.rating is not None:
            lines.append(text_of(m, "meetings-view-rating", rating=a.rating))
        if a.comment:
            lines.append(text_of(m, "meetings-view-comment", comment=a.comment))
    if view.curator_only:  # why the mentor's buttons are gone
        lines.append(text_of(m, "meetings-view-curator-only"))
    return {"body": Markup("\n").join(lines), "can_edit": view.can_edit}


async def held_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    view = await svc(dialog_manager).view(
        actor_of(dialog_manager), data(dialog_manager)["meeting_id"]
    )
    when = view.starts_local.strftime("%d.%m %H:%M") if view.starts_local else day_text(view.day)
    return {
        "when": when,
        "summary": summary(dialog_manager, view.kind, view.duration_min or 0, view.format),
    }


async def planned_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    views = await svc(dialog_manager).planned(actor_of(dialog_manager), ctx.pair_id)
    lines = []
    open_id = None
    agreed_id = None
    now = services_of(dialog_manager).settings.clock.now()
    for v in views:
        when = v.starts_local.strftime("%d.%m %H:%M") if v.starts_local else day_text(v.day)
        key = "agreed" if v.agreed else ("mine" if v.proposed_by_me else "theirs")
        lines.append(text_of(dialog_manager, f"meetings-planned-{key}", when=when))
        if not v.agreed and not v.proposed_by_me and open_id is None:
            open_id = v.id
        # The next agreed meeting still ahead may be moved by either side.
        if v.agreed and agreed_id is None and v.starts_local is not None and v.starts_local > now:
            agreed_id = v.id
    for key, value in (("open_id", open_id), ("agreed_id", agreed_id)):
        if value is not None:
            data(dialog_manager)[key] = value
        else:
            data(dialog_manager).pop(key, None)
    return {
        "body": Markup("\n").join(lines)
        if lines
        else text_of(dialog_manager, "meetings-planned-none", young=young(ctx, dialog_manager)),
        "has_open": open_id is not None,
        "can_move": agreed_id is not None and ctx.side in ("mentor", "mentee"),
        "can_plan": ctx.side in ("mentor", "mentee"),
        "is_mentee": ctx.side == "mentee",
        "young": young(ctx, dialog_manager),
    }


async def plan_day_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    return {"timezone": ctx.timezone, "young": young(ctx, dialog_manager)}


async def times_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    day = date.fromisoformat(data(dialog_manager)["plan_day"])
    return {
        "times": [{"id": t, "label": t} for t in PLAN_TIMES],
        "day": day_text(day),
        "young": young(ctx, dialog_manager),
    }


async def ask_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    view = await svc(dialog_manager).view(
        actor_of(dialog_manager), data(dialog_manager)["meeting_id"]
    )
    data(dialog_manager)["pair_id"] = view.pair_id
    ctx = await context(dialog_manager)
    # Answered already (on this screen a moment ago, from another update): no buttons that
    # would be refused — the answer is given once, the curator changes it.
    answered = any(a.confirmed is not None or a.disputed for a in view.attendance)
    return {
        "day": day_text(view.day),
        "kind": kind_label(dialog_manager, view.kind),
        "mentor": ctx.mentor.name,
        "young": young(ctx, dialog_manager),
        "answered": answered,
        "open": not answered,
    }


async def young_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    return {
        "young": young(ctx, dialog_manager),
        "ratings": [{"id": i, "label": str(i)} for i in range(1, 6)],
    }
