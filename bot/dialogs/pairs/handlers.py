"""The `/pairs` buttons and inputs: every id they pass is checked by the services."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.kbd import Button

from bot.dialogs.paging import label_of
from bot.dialogs.pairs.common import (
    S,
    curator_programmes,
    minor_contacts,
    person_row,
    programme_contacts,
    programme_id,
)
from bot.dialogs.states import Plan
from bot.dialogs.widgets import actor_of, hint, services_of, text_of
from bot.services.pairs import END_REASONS
from bot.services.programmes import STAGES


async def on_start(start_data: Any, manager: DialogManager) -> None:
    data = start_data if isinstance(start_data, dict) else {}
    manager.dialog_data["filter"] = "no_pair"
    if data.get("pair_id") and data.get("programme_id"):  # a notification's button
        manager.dialog_data["programme_id"] = int(data["programme_id"])
        manager.dialog_data["pair_id"] = int(data["pair_id"])
        await manager.switch_to(S.pair)
        return
    if data.get("programme_id"):
        manager.dialog_data["programme_id"] = int(data["programme_id"])
        await manager.switch_to(S.people)
        return
    programmes = await curator_programmes(manager)
    if len(programmes) == 1:
        manager.dialog_data["programme_id"] = programmes[0]["id"]
        await manager.switch_to(S.people)


async def on_programme(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    await services_of(manager).pairs.programme_for(actor_of(manager), item_id, "pair.roster")
    manager.dialog_data["programme_id"] = item_id
    manager.dialog_data["filter"] = "no_pair"
    await manager.switch_to(S.people)


async def on_minor_contacts(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await services_of(manager).pairs.set_minor_contact(
        actor_of(manager), programme_id(manager), not minor_contacts(manager)
    )


async def on_contacts(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await services_of(manager).pairs.set_contact_sharing(
        actor_of(manager), programme_id(manager), not programme_contacts(manager)
    )


async def on_category(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    keys = manager.dialog_data.get("category_keys", [])
    if 0 <= item_id < len(keys):
        manager.dialog_data["filter"] = f"cat:{keys[item_id]}"
    await manager.switch_to(S.people)


async def on_person(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    manager.dialog_data["membership_id"] = item_id
    await manager.switch_to(S.person)


async def on_suggested(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    manager.dialog_data["mentor_id"] = item_id
    manager.dialog_data["mentee_ids"] = [int(manager.dialog_data["membership_id"])]
    await manager.switch_to(S.confirm)


async def on_capacity(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    row = await person_row(manager)
    step = 1 if button.widget_id == "capacity_more" else -1
    await services_of(manager).pairs.set_capacity(
        actor_of(manager), row.membership_id, row.capacity + step
    )


async def on_offer_done(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    widget = manager.find("offer_pick")
    chosen = [int(x) for x in widget.get_checked()]  # type: ignore[union-attr]
    if not 2 <= len(chosen) <= 3:
        await hint(manager, callback, "pairs-hint-choose-offer")
        return
    offered = await services_of(manager).pairs.offer(
        actor_of(manager), int(manager.dialog_data["membership_id"]), chosen
    )
    await widget.reset_checked()  # type: ignore[union-attr]
    await callback.answer(label_of(manager, "pairs-offered", 200, count=len(offered)))
    await manager.switch_to(S.people)


async def on_group_done(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    widget = manager.find("group_pick")
    chosen = [int(x) for x in widget.get_checked()]  # type: ignore[union-attr]
    if not chosen:
        await hint(manager, callback, "pairs-hint-choose-mentees")
        return
    manager.dialog_data["mentor_id"] = int(manager.dialog_data["membership_id"])
    manager.dialog_data["mentee_ids"] = chosen
    await widget.reset_checked()  # type: ignore[union-attr]
    await manager.switch_to(S.confirm)


async def on_hand_pick(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    manager.dialog_data["mentor_id"] = item_id
    manager.dialog_data["mentee_ids"] = [int(manager.dialog_data["membership_id"])]
    await manager.switch_to(S.confirm)


async def on_propose(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    view = await services_of(manager).pairs.propose(
        actor_of(manager), int(data["mentor_id"]), [int(m) for m in data["mentee_ids"]]
    )
    await callback.answer(label_of(manager, "pairs-proposed", 200))
    data["pair_id"] = view.id
    await manager.switch_to(S.pair)


async def on_pair(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    manager.dialog_data["pair_id"] = item_id
    await manager.switch_to(S.pair)


async def on_activate(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await services_of(manager).pairs.activate(
        actor_of(manager), int(manager.dialog_data["pair_id"])
    )
    await callback.answer(label_of(manager, "pairs-activated", 200))


async def on_complete(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data["outcome"] = "completed"
    await manager.switch_to(S.end_reason)


async def on_terminate(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data["outcome"] = "terminated"
    await manager.switch_to(S.end_reason)


async def end_pair(manager: DialogManager, reason: str, note: str | None = None) -> None:
    view = await services_of(manager).pairs.end(
        actor_of(manager),
        int(manager.dialog_data["pair_id"]),
        manager.dialog_data.get("outcome", "completed"),
        reason,
        note,
    )
    manager.dialog_data["ended_status"] = view.status


async def on_reason(callback: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    if not 0 <= item_id < len(END_REASONS):
        await hint(manager, callback, "error-pairs-reason")
        return
    reason = END_REASONS[item_id]
    if reason == "other":
        await manager.switch_to(S.end_note)
        return
    await end_pair(manager, reason)
    await manager.switch_to(S.pair)


async def on_end_note(message: Message, manager: DialogManager, value: str) -> None:
    await end_pair(manager, "other", value)
    await manager.switch_to(S.pair, show_mode=ShowMode.SEND)


async def on_replace(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    await services_of(manager).pairs.replace_mentor(
        actor_of(manager), int(manager.dialog_data["pair_id"]), item_id
    )
    await _c.answer(label_of(manager, "pairs-replaced", 200))
    await manager.switch_to(S.pair)


async def on_open_plan(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await manager.start(Plan.choose, data={"pair_id": int(manager.dialog_data["pair_id"])})


async def on_order_picked(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    chosen = [int(x) for x in manager.find("order_pick").get_checked()]  # type: ignore[union-attr]
    if not chosen:
        await hint(manager, callback, "error-pairs-no-pair")
        return
    manager.dialog_data["order_pairs"] = chosen
    await manager.switch_to(S.order_input)


async def on_order_text(message: Message, manager: DialogManager, value: Any) -> None:
    number, on = value
    views = await services_of(manager).pairs.record_order(
        actor_of(manager), [int(p) for p in manager.dialog_data.get("order_pairs", [])], number, on
    )
    await manager.find("order_pick").reset_checked()  # type: ignore[union-attr]
    await message.answer(
        text_of(
            manager,
            "pairs-order-recorded",
            number=number,
            date=on.strftime("%d.%m.%Y"),
            count=len(views),
        )
    )
    await manager.switch_to(S.people, show_mode=ShowMode.SEND)


async def on_stage(callback: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    if not 0 <= item_id < len(STAGES):
        await hint(manager, callback, "error-programme-stage")
        return
    view = await services_of(manager).programmes.set_stage(
        actor_of(manager), programme_id(manager), STAGES[item_id]
    )
    await callback.answer(
        label_of(
            manager,
            "pairs-stage-moved",
            200,
            stage=label_of(manager, f"stage-{view.stage.replace('_', '-')}"),
        )
    )
    await manager.switch_to(S.people)


async def start_pairs(manager: DialogManager) -> None:
    await manager.start(S.programme, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
