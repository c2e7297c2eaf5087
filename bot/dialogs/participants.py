"""Curator: who joined the school's programmes, and whose consent is complete.
A signed paper consent is marked here; the participant is told in their language."""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, SwitchTo

from bot.dialogs.states import Participants
from bot.dialogs.widgets import (
    T,
    actor_of,
    buttons_only,
    scrolling_select,
    services_of,
    text_of,
)
from bot.handlers.notify import notify_paper_consent
from bot.services.consent import ConsentStatus

log = logging.getLogger(__name__)


def consent_state(status: ConsentStatus) -> str:
    if status.complete:
        return "complete"
    if status.self_given and status.guardian_needed:
        return "guardian"
    return "registering"


CONSENT_ICONS = {"complete": "✅", "guardian": "⏳", "registering": "✍️"}


async def list_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    school_ids = sorted({r.organisation_id for r in actor.active("curator")})
    items = []
    for school_id in school_ids:
        for p in await services.participants.list_for_school(actor, school_id):
            items.append(
                {
                    "id": p.membership_id,
                    # A button label is plain text: no HTML escaping here.
                    "label": text_of(
                        dialog_manager,
                        "staff-part-item",
                        icon=CONSENT_ICONS[consent_state(p.consent)],
                        name=p.full_name or text_of(dialog_manager, "staff-part-no-name"),
                        role=text_of(dialog_manager, f"staff-role-{p.role}"),
                    ),
                }
            )
    return {"participants": items, "count": len(items)}


async def view_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    p = await services_of(dialog_manager).participants.get(
        actor_of(dialog_manager), int(dialog_manager.dialog_data["membership_id"])
    )
    state = consent_state(p.consent)
    return {
        "name": escape(p.full_name)
        if p.full_name
        else text_of(dialog_manager, "staff-part-no-name"),
        "role": text_of(dialog_manager, f"staff-role-{p.role}"),
        "programme": escape(p.programme_name)
        if p.programme_name
        else text_of(dialog_manager, "staff-part-no-programme"),
        "consent": text_of(dialog_manager, f"staff-consent-{state}"),
        "can_mark_paper": state != "complete",
    }


async def on_participant(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, membership_id: int
) -> None:
    # The id comes from the client: the service refuses another school's participant.
    participant = await services_of(manager).participants.get(actor_of(manager), membership_id)
    manager.dialog_data["membership_id"] = participant.membership_id
    await manager.switch_to(Participants.view)


async def on_mark_paper(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    services = services_of(manager)
    user_id = await services.consent.mark_paper(
        actor_of(manager), int(manager.dialog_data["membership_id"])
    )
    answer = "staff-part-paper-marked"
    person = await services.users.get(user_id)
    if person is None or person.telegram_id is None or not person.reachable:
        answer = "staff-part-not-reachable"
    else:
        # Delivered after the commit, in the participant's language; should it bounce (403),
        # the curator hears of it in the unreachable summary.
        membership = await services.participants.get(
            actor_of(manager), int(manager.dialog_data["membership_id"])
        )
        await notify_paper_consent(services, user_id, membership.organisation_id)
    await callback.answer(text_of(manager, answer))


def participants_dialog() -> Dialog:
    return Dialog(
        Window(
            T("staff-part-list"),
            scrolling_select(
                "{item[label]}", "participant", "participants", on_participant, height=10
            ),
            Cancel(T("button-back")),
            buttons_only(),
            state=Participants.list,
            getter=list_getter,
        ),
        Window(
            T("staff-part-view"),
            Button(
                T("staff-part-mark-paper"),
                id="mark_paper",
                on_click=on_mark_paper,
                when="can_mark_paper",
            ),
            SwitchTo(T("button-back"), id="back", state=Participants.list),
            buttons_only(),
            state=Participants.view,
            getter=view_getter,
        ),
    )
