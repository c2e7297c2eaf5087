"""Curator: who joined the school's programmes and where each person stands — waiting for
a parent, registering, ready — those needing attention first, with a filter by programme
and the count of personal invitations not used yet. A signed paper consent is marked here
after a confirmation; the participant is told once, in their language."""

from __future__ import annotations

import logging
from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Row, SwitchTo
from aiogram_dialog.widgets.text import Format
from markupsafe import Markup

from bot.dialogs.paging import back_to_menu, label_of, paged_select, shorten
from bot.dialogs.participant_category import category_button
from bot.dialogs.states import Participants
from bot.dialogs.widgets import (
    Html,
    T,
    actor_of,
    buttons_only,
    i18n_of,
    services_of,
    text_of,
)
from bot.services.consent import ConsentStatus
from bot.services.notify import notify_paper_consent
from bot.services.participants import STATES, ParticipantView, ProgrammeSummary

log = logging.getLogger(__name__)

STATE_ICONS = {"guardian": "⏳", "registering": "✍️", "ready": "✅"}
PROGRAMME_LINES = 10  # programmes listed by name on the list screen; the filter has all
PROGRAMME_NAME_MAX = 40


def consent_state(status: ConsentStatus) -> str:
    if status.complete:
        return "complete"
    if status.self_given and status.guardian_needed:
        return "guardian"
    return "registering"


def curator_schools(manager: DialogManager) -> list[int]:
    return sorted({r.organisation_id for r in actor_of(manager).active("curator")})


async def school_lists(
    manager: DialogManager,
) -> tuple[list[ParticipantView], list[ProgrammeSummary]]:
    services = services_of(manager)
    actor = actor_of(manager)
    participants: list[ParticipantView] = []
    programmes: list[ProgrammeSummary] = []
    for school_id in curator_schools(manager):
        overview = await services.participants.overview(actor, school_id)
        participants += overview.participants
        programmes += overview.programmes
    # Those needing attention first across schools too (a stable sort keeps the names).
    participants.sort(key=lambda p: STATES.index(p.state))
    return participants, programmes


def chosen_programme(manager: DialogManager) -> int | None:
    value = manager.dialog_data.get("programme_id")
    return int(value) if value is not None else None


# --- getters ----------------------------------------------------------------------


async def list_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    participants, programmes = await school_lists(dialog_manager)
    chosen = chosen_programme(dialog_manager)
    shown_programmes = [p for p in programmes if chosen is None or p.programme_id == chosen]
    if chosen is not None and not shown_programmes:  # the programme is gone: show all
        dialog_manager.dialog_data.pop("programme_id", None)
        chosen, shown_programmes = None, programmes
    if chosen is not None:
        participants = [p for p in participants if p.programme_id == chosen]

    counts = dict.fromkeys(STATES, 0)
    for p in participants:
        counts[p.state] += 1
    invited = sum(p.invited for p in shown_programmes)
    lines = [
        i18n.get("staff-part-count-line", state=i18n.get(f"staff-part-state-{state}"), count=n)
        for state, n in counts.items()
        if n
    ]
    if invited:
        lines.append(
            i18n.get(
                "staff-part-count-line", state=i18n.get("staff-part-state-invited"), count=invited
            )
        )
    if chosen is None and len(programmes) > 1:
        for summary in programmes[:PROGRAMME_LINES]:
            lines.append(
                i18n.get(
                    "staff-part-programme-line",
                    programme=shorten(summary.name, PROGRAMME_NAME_MAX),
                    guardian=summary.counts["guardian"],
                    registering=summary.counts["registering"],
                    ready=summary.counts["ready"],
                    invited=summary.invited,
                )
            )
        if len(programmes) > PROGRAMME_LINES:
            lines.append(
                i18n.get("staff-part-more-programmes", count=len(programmes) - PROGRAMME_LINES)
            )

    items = [
        {
            "id": p.membership_id,
            # A button label is plain text: label_of does not escape the name.
            "label": label_of(
                dialog_manager,
                "staff-part-item",
                icon=STATE_ICONS[p.state],
                name=p.full_name or text_of(dialog_manager, "staff-part-no-name"),
                role=text_of(dialog_manager, f"staff-role-{p.role}"),
            ),
        }
        for p in participants
    ]
    programme_name = next(
        (p.name for p in shown_programmes if p.programme_id == chosen),
        text_of(dialog_manager, "staff-part-all-programmes"),
    )
    return {
        "participants": items,
        "count": len(items) + invited,
        "programme": programme_name,
        "filter_label": label_of(dialog_manager, "staff-part-filter", programme=programme_name),
        "counts": Markup("\n").join(lines),
        "has_programmes": len(programmes) > 1,
    }


async def filter_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _participants, programmes = await school_lists(dialog_manager)
    return {"programmes": [{"id": p.programme_id, "label": shorten(p.name)} for p in programmes]}


async def view_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    p = await services_of(dialog_manager).participants.get(
        actor_of(dialog_manager), int(dialog_manager.dialog_data["membership_id"])
    )
    state = consent_state(p.consent)
    return {
        "name": p.full_name if p.full_name else text_of(dialog_manager, "staff-part-no-name"),
        "role": text_of(dialog_manager, f"staff-role-{p.role}"),
        "programme": p.programme_name
        if p.programme_name
        else text_of(dialog_manager, "staff-part-no-programme"),
        "status": text_of(dialog_manager, f"staff-part-state-{p.state}"),
        "consent": text_of(dialog_manager, f"staff-consent-{state}"),
        "can_mark_paper": state != "complete",
        "is_mentee": p.role == "mentee",
    }


# --- handlers ---------------------------------------------------------------------


async def on_participant(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, membership_id: int
) -> None:
    # The id comes from the client: the service refuses another school's participant.
    participant = await services_of(manager).participants.get(actor_of(manager), membership_id)
    manager.dialog_data["membership_id"] = participant.membership_id
    await manager.switch_to(Participants.view)


async def on_programme(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, programme_id: int
) -> None:
    # From the client: an id that is not one of the curator's programmes lists nobody,
    # and list_getter falls back to all programmes.
    manager.dialog_data["programme_id"] = programme_id
    await manager.switch_to(Participants.list)


async def on_all_programmes(
    callback: CallbackQuery, _button: Button, manager: DialogManager
) -> None:
    manager.dialog_data.pop("programme_id", None)
    await manager.switch_to(Participants.list)


async def on_mark_paper(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    services = services_of(manager)
    mark = await services.consent.mark_paper(
        actor_of(manager), int(manager.dialog_data["membership_id"])
    )
    await manager.switch_to(Participants.view)
    if not mark.recorded:  # a second tap, or consent complete meanwhile: nobody is told twice
        await callback.answer(text_of(manager, "staff-part-paper-already"))
        return
    answer = "staff-part-paper-marked"
    person = await services.users.get(mark.user_id)
    if person is None or person.telegram_id is None or not person.reachable:
        answer = "staff-part-not-reachable"
    else:
        # Delivered after the commit, in the participant's language; should it bounce (403),
        # the curator hears of it in the unreachable summary.
        membership = await services.participants.get(
            actor_of(manager), int(manager.dialog_data["membership_id"])
        )
        await notify_paper_consent(services, mark.user_id, membership.organisation_id)
    await callback.answer(text_of(manager, answer))


def participants_dialog() -> Dialog:
    return Dialog(
        Window(
            T("staff-part-list"),
            Html("{counts}", when="counts"),
            paged_select("{item[label]}", "participant", "participants", on_participant),
            SwitchTo(
                Format("{filter_label}"),
                id="filter",
                state=Participants.filter,
                when="has_programmes",
            ),
            back_to_menu(T("button-back")),
            buttons_only(),
            state=Participants.list,
            getter=list_getter,
        ),
        Window(
            T("staff-part-filter-prompt"),
            Button(T("staff-part-filter-all"), id="all", on_click=on_all_programmes),
            paged_select("{item[label]}", "programme", "programmes", on_programme),
            SwitchTo(T("button-back"), id="back", state=Participants.list),
            buttons_only(),
            state=Participants.filter,
            getter=filter_getter,
        ),
        Window(
            T("staff-part-view"),
            SwitchTo(
                T("staff-part-mark-paper"),
                id="mark_paper",
                state=Participants.confirm_paper,
                when="can_mark_paper",
            ),
            category_button(),
            SwitchTo(T("button-back"), id="back", state=Participants.list),
            buttons_only(),
            state=Participants.view,
            getter=view_getter,
        ),
        Window(
            T("staff-part-paper-confirm"),
            Row(
                Button(T("staff-part-paper-yes"), id="paper_yes", on_click=on_mark_paper),
                SwitchTo(T("staff-part-paper-no"), id="paper_no", state=Participants.view),
            ),
            buttons_only(),
            state=Participants.confirm_paper,
            getter=view_getter,
        ),
    )
