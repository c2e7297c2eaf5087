"""`/plan`: the individual development plan. The mentor and the mentee add goals and
tasks and move them through planned → in progress → done (or dropped) in a few taps;
the school's curators see every plan of their programmes and its progress (read only)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Column, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format
from markupsafe import Markup

from bot.dialogs.paging import back_to_menu, label_of, paged_select, shorten
from bot.dialogs.states import Plan
from bot.dialogs.widgets import (
    Html,
    T,
    actor_of,
    buttons_only,
    i18n_of,
    person_of,
    services_of,
    validated_text,
)
from bot.services.plan import STATUSES, TITLE_MAX
from bot.services.registration import clean_text

S = Plan
STATUS_ICONS = {"planned": "▫️", "in_progress": "⏳", "done": "✅", "dropped": "✖️"}
DUE_CHOICES = {"none": None, "week": 7, "month": 30, "quarter": 91}


def young(manager: DialogManager) -> str:
    return "yes" if person_of(manager).is_minor else "no"


async def plans_of(manager: DialogManager) -> list[dict[str, Any]]:
    """Every plan this person may open: their own pairs' mentees, and for a curator the
    active pairs of their schools' programmes."""
    services = services_of(manager)
    actor = actor_of(manager)
    items: list[dict[str, Any]] = []
    wanted = manager.start_data.get("pair_id") if isinstance(manager.start_data, dict) else None
    views = [v for v in await services.pairs.mine(actor) if v.status == "active"]
    if wanted is not None and not any(v.id == wanted for v in views):
        views = [await services.pairs.get(actor, int(wanted))]
    elif wanted is None:
        for school_id in sorted({r.organisation_id for r in actor.active("curator")}):
            for programme in await services.programmes.list_for_school(actor, school_id):
                views += await services.pairs.of_programme(actor, programme.id, ("active",))
    for view in views:
        if wanted is not None and view.id != wanted:
            continue
        side = view.side_of(actor.user_id)
        for m in view.mentees:
            if side == "mentee" and m.user_id != actor.user_id:
                continue  # in a group a mentee opens only their own plan
            items.append(
                {
                    "id": len(items),
                    "pair_id": view.id,
                    "mentee_id": m.membership_id,
                    "name": m.name,
                    "editable": side is not None,
                    "label": shorten(f"№ {view.id}: {m.name}"),
                }
            )
    return items


async def on_start(_data: Any, manager: DialogManager) -> None:
    items = await plans_of(manager)
    manager.dialog_data["plans"] = items
    if len(items) == 1:
        manager.dialog_data["plan"] = items[0]
        await manager.switch_to(S.main)


async def choose_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    items = dialog_manager.dialog_data.get("plans") or await plans_of(dialog_manager)
    dialog_manager.dialog_data["plans"] = items
    return {
        "plans": items,
        "has_plans": bool(items),
        "no_plans": not items,
        "young": young(dialog_manager),
    }


async def on_plan(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    items = manager.dialog_data.get("plans", [])
    if 0 <= item_id < len(items):
        manager.dialog_data["plan"] = items[item_id]
        await manager.switch_to(S.main)


def current(manager: DialogManager) -> dict[str, Any]:
    return dict(manager.dialog_data["plan"])


async def main_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    plan = current(dialog_manager)
    i18n = i18n_of(dialog_manager)
    items = await services_of(dialog_manager).plan.items(
        actor_of(dialog_manager), int(plan["pair_id"]), int(plan["mentee_id"])
    )
    lines = [i18n.get("plan-title", name=plan["name"])]
    for item in items:
        due = i18n.get("plan-due", date=item.due.strftime("%d.%m.%Y")) if item.due else ""
        lines.append(
            i18n.get(
                "plan-item-line",
                icon=STATUS_ICONS[item.status],
                kind=i18n.get(f"plan-kind-{item.kind}"),
                title=item.title,
                due=due,
            )
        )
    if not items:
        lines.append(i18n.get("plan-empty", young=young(dialog_manager)))
    return {
        "body": Markup("\n").join(lines),
        "items": [
            {"id": item.id, "label": shorten(f"{STATUS_ICONS[item.status]} {item.title}")}
            for item in items
        ],
        "editable": bool(plan.get("editable")),
    }


async def on_item(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    manager.dialog_data["item_id"] = item_id
    await manager.switch_to(S.item)


async def item_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    plan = current(dialog_manager)
    i18n = i18n_of(dialog_manager)
    items = await services_of(dialog_manager).plan.items(
        actor_of(dialog_manager), int(plan["pair_id"]), int(plan["mentee_id"])
    )
    wanted = int(dialog_manager.dialog_data.get("item_id", 0))
    item = next((i for i in items if i.id == wanted), None)
    if item is None:
        return {"body": i18n.get("error-not-found"), "statuses": [], "editable": False}
    return {
        "body": i18n.get(
            "plan-item-card",
            kind=i18n.get(f"plan-kind-{item.kind}"),
            title=item.title,
            due=item.due.strftime("%d.%m.%Y") if item.due else i18n.get("plan-due-unset"),
            status=i18n.get(f"plan-status-{item.status}"),
        ),
        "statuses": [
            {
                "id": index,
                "label": f"{STATUS_ICONS[s]} " + label_of(dialog_manager, f"plan-status-{s}"),
            }
            for index, s in enumerate(STATUSES)
            if s != item.status
        ],
        "editable": bool(plan.get("editable")),
    }


async def on_status(callback: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    status = STATUSES[item_id] if 0 <= item_id < len(STATUSES) else "?"
    view = await services_of(manager).plan.set_status(
        actor_of(manager), int(manager.dialog_data.get("item_id", 0)), status
    )
    await callback.answer(
        label_of(
            manager, "plan-status-set", 200, status=label_of(manager, f"plan-status-{view.status}")
        )
    )
    await manager.switch_to(S.main)


def add_button(kind: str) -> Button:
    async def on_click(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
        manager.dialog_data["new_kind"] = kind
        await manager.switch_to(S.title)

    return Button(T(f"plan-button-{kind}"), id=f"add_{kind}", on_click=on_click)


async def title_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    kind = dialog_manager.dialog_data.get("new_kind", "goal")
    return {
        "kind": i18n_of(dialog_manager).get(f"plan-kind-{kind}"),
        "young": young(dialog_manager),
    }


async def on_title(message: Message, manager: DialogManager, value: str) -> None:
    manager.dialog_data["new_title"] = value
    await manager.switch_to(S.due, show_mode=ShowMode.SEND)


def due_button(key: str) -> Button:
    async def on_click(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
        days = DUE_CHOICES[key]
        plan = current(manager)
        await services_of(manager).plan.add(
            actor_of(manager),
            int(plan["pair_id"]),
            int(plan["mentee_id"]),
            manager.dialog_data.get("new_kind", "goal"),
            manager.dialog_data.get("new_title", ""),
            date.today() + timedelta(days=days) if days else None,
        )
        await callback.answer(label_of(manager, "plan-added", 200))
        await manager.switch_to(S.main)

    return Button(T(f"plan-due-{key}"), id=f"due_{key}", on_click=on_click)


def plan_dialog() -> Dialog:
    return Dialog(
        Window(
            T("plan-choose", when="has_plans"),
            T("plan-none", when="no_plans"),
            paged_select("{item[label]}", "plan_pick", "plans", on_plan),
            back_to_menu(T("button-back")),
            buttons_only(),
            state=S.choose,
            getter=choose_getter,
        ),
        Window(
            Html("{body}"),
            paged_select("{item[label]}", "plan_items", "items", on_item),
            Row(add_button("goal"), add_button("task"), when="editable"),
            SwitchTo(T("button-back"), id="back_choose", state=S.choose),
            buttons_only(),
            state=S.main,
            getter=main_getter,
        ),
        Window(
            Html("{body}"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="status",
                    item_id_getter=lambda item: item["id"],
                    items="statuses",
                    type_factory=int,
                    on_click=on_status,
                ),
                when="editable",
            ),
            SwitchTo(T("button-back"), id="back_main", state=S.main),
            buttons_only(),
            state=S.item,
            getter=item_getter,
        ),
        Window(
            T("plan-ask-title"),
            validated_text("plan_title", lambda t: clean_text(t, TITLE_MAX), on_title),
            SwitchTo(T("button-back"), id="back_main", state=S.main),
            state=S.title,
            getter=title_getter,
        ),
        Window(
            T("plan-ask-due"),
            Row(due_button("none"), due_button("week")),
            Row(due_button("month"), due_button("quarter")),
            SwitchTo(T("button-back"), id="back_main", state=S.main),
            buttons_only(),
            state=S.due,
        ),
        on_start=on_start,
    )


async def start_plan(manager: DialogManager) -> None:
    await manager.start(S.choose, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
