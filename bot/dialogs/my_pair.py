"""A participant's pair: who the partner is, the status and what comes next, the agreement
to accept with a button, a button that opens the partner's chat (unless the curator turned
contact sharing off), the mentee's choice among offered mentors, and the chosen mentor's
answer. A mentor with several mentees sees every pair or group. Children hear «ты»."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import Button, Column, ListGroup, Row, Select, SwitchTo, Url
from aiogram_dialog.widgets.text import Format
from markupsafe import Markup

from bot.dialogs.paging import back_to_menu, label_of, paged_select, shorten
from bot.dialogs.states import MyPair, Plan
from bot.dialogs.status import next_text, step_line, step_of_pair
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
from bot.services import status as st
from bot.services.pairs import NOTE_MAX, PairView, agreement_text, contact_url
from bot.services.registration import clean_text

S = MyPair


def young(manager: DialogManager) -> str:
    return "yes" if person_of(manager).is_minor else "no"


async def young_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"young": young(dialog_manager)}


def next_key(view: PairView, user_id: int) -> str:
    if view.status == "proposed":
        return "pairs-next-proposed"
    if view.status == "active":
        return "pairs-next-meeting" if view.accepted_by(user_id) else "pairs-next-agreement"
    return "pairs-next-ended"


def partner_of(view: PairView, user_id: int) -> str:
    if view.side_of(user_id) == "mentor":
        return ", ".join(m.name for m in view.mentees)
    return view.mentor.name


async def menu_lines(manager: DialogManager, *, questionnaires: bool = True) -> list[Any]:
    """For the main menu (and «Моя пара»): where the person is now in each pair and
    programme, and the one next step (see `StatusService`)."""
    standing = await services_of(manager).status.standing(actor_of(manager))
    steps = [s for s in standing.steps if questionnaires or s.state != st.QUESTIONNAIRE]
    i18n = i18n_of(manager)
    return [step_line(i18n, step, young(manager)) for step in steps]


# --- main ------------------------------------------------------------------------------


async def main_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor = actor_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    standing = await services_of(dialog_manager).status.standing(actor)
    views = standing.pairs
    choice = standing.choice
    waiting = standing.waiting
    lines = [i18n.get("pairs-mine-title")]
    # The questionnaires' button is in the main menu, not here.
    lines += await menu_lines(dialog_manager, questionnaires=False)
    if choice is not None:
        lines.append(
            i18n.get(
                "pairs-mine-candidates",
                young=young(dialog_manager),
                names=", ".join(c.name for c in choice[1]),
            )
        )
    elif len(lines) == 1:  # no pair, no choice, nothing to answer
        lines.append(i18n.get("pairs-mine-none", young=young(dialog_manager)))
    return {
        "body": Markup("\n").join(lines),
        "pairs": [
            {
                "id": v.id,
                "label": shorten(
                    f"{i18n.get(f'pairs-status-{v.status}')}: {partner_of(v, actor.user_id)}"
                ),
            }
            for v in views
        ],
        "has_choice": choice is not None,
        "waiting": [
            {"id": cid, "label": label_of(dialog_manager, "pairs-button-answer", name=name)}
            for cid, name in waiting
        ],
    }


async def on_pair(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    # Checked by the service when the pair is shown (a forged id is refused there).
    manager.dialog_data["pair_id"] = item_id
    await manager.switch_to(S.pair)


async def on_waiting(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    manager.dialog_data["candidate_id"] = item_id
    await manager.switch_to(S.answer)


# --- one pair -----------------------------------------------------------------------------


async def pair_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    view = await services.pairs.get(actor, int(dialog_manager.dialog_data["pair_id"]))
    side = view.side_of(actor.user_id) or "mentor"
    args = {
        "young": young(dialog_manager),
        "kind": i18n.get("pairs-kind-group" if view.is_group else "pairs-kind-pair"),
        "id": view.id,
        "status": i18n.get(f"pairs-status-{view.status}"),
        "partner": partner_of(view, actor.user_id),
        "next": i18n.get(next_key(view, actor.user_id), young=young(dialog_manager)),
    }
    step = step_of_pair(await services.status.standing(actor), view.id)
    if step is not None:  # the next meeting's date, or «the next meeting» after the first
        args["next"] = next_text(i18n, step, young(dialog_manager))
    lines = [i18n.get(f"pairs-mine-card-{side}", **args)]
    active = view.status == "active"
    accepted = view.accepted_by(actor.user_id)
    if active:
        lines.append(i18n.get("pairs-agreement-title"))
        text = agreement_text(
            services.catalog,
            view.form_key,
            i18n.locale,
            with_minor=view.with_minor,
            reader_is_minor=bool(actor.person.is_minor),
        )
        lines.append(Markup.escape(text))
        if accepted:
            lines.append(i18n.get("pairs-agreement-accepted"))
    partners = view.mentees if side == "mentor" else (view.mentor,)
    contacts = []
    if active and view.contact_allowed:
        for m in partners:
            url = contact_url(m.telegram_id)
            if url:
                contacts.append(
                    {
                        "id": m.membership_id,
                        "url": url,
                        "label": label_of(dialog_manager, "pairs-button-contact", name=m.name),
                    }
                )
    elif active and view.contact_sharing:  # off for a pair with a child
        lines.append(i18n.get("pairs-contact-off-minor", young=young(dialog_manager)))
    elif active:
        lines.append(i18n.get("pairs-contact-off"))
    return {
        "body": Markup("\n").join(lines),
        "may_accept": active and not accepted,
        "contacts": contacts,
        "is_active": active,
    }


async def on_accept(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    _, count = await services_of(manager).pairs.accept_agreements(
        actor_of(manager), int(manager.dialog_data["pair_id"])
    )
    if count > 1:
        await callback.answer(label_of(manager, "pairs-accepted-many", 200, count=count))
    else:
        await callback.answer(label_of(manager, "pairs-accepted", 200))


async def on_plan(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await manager.start(Plan.choose, data={"pair_id": int(manager.dialog_data["pair_id"])})


# --- the mentee's choice -----------------------------------------------------------------


async def choice_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    choice = await services.pairs.my_choice(actor_of(dialog_manager))
    candidates = choice[1] if choice else []
    chosen = next((c for c in candidates if c.answer == "chosen"), None)
    lines = [i18n.get("pairs-choice-title", young=young(dialog_manager))]
    unknown = i18n.get("pairs-choice-unknown")
    for c in candidates:
        times = (
            Markup(", ").join(i18n.get(f"meeting-time-{t}") for t in c.times)
            if c.times
            else unknown
        )
        lines.append(
            i18n.get(
                "pairs-choice-candidate", name=c.name, helps=c.helps_with or unknown, times=times
            )
        )
    if chosen is not None:
        lines.append(
            i18n.get("pairs-choice-waiting", young=young(dialog_manager), name=chosen.name)
        )
    if choice is not None:
        dialog_manager.dialog_data["mentee_membership_id"] = choice[0]
    return {
        "body": Markup("\n\n").join(lines),
        "candidates": [
            {"id": c.id, "label": label_of(dialog_manager, "pairs-choice-pick", name=c.name)}
            for c in candidates
        ],
        "may_choose": chosen is None and bool(candidates),
    }


async def on_choose(callback: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    picked = await services_of(manager).pairs.choose(actor_of(manager), item_id)
    await callback.answer(
        label_of(manager, "pairs-choice-chosen", 200, young=young(manager), name=picked.name),
        show_alert=True,
    )


async def on_others(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await services_of(manager).pairs.ask_others(
        actor_of(manager), int(manager.dialog_data.get("mentee_membership_id", 0))
    )
    await callback.answer(label_of(manager, "pairs-choice-others-sent", 200), show_alert=True)
    await manager.switch_to(S.main)


# --- the chosen mentor's answer ------------------------------------------------------------


async def answer_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    waiting = dict(await services_of(dialog_manager).pairs.waiting(actor_of(dialog_manager)))
    cid = int(dialog_manager.dialog_data.get("candidate_id", 0))
    return {
        "body": i18n_of(dialog_manager).get(
            "pairs-answer-title", young=young(dialog_manager), name=waiting.get(cid, "?")
        ),
        "open": cid in waiting,
    }


async def on_yes(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await services_of(manager).pairs.answer(
        actor_of(manager), int(manager.dialog_data["candidate_id"]), True
    )
    await callback.answer(label_of(manager, "pairs-answer-accepted", 200), show_alert=True)
    await manager.switch_to(S.main)


async def decline(manager: DialogManager, reason: str | None) -> None:
    await services_of(manager).pairs.answer(
        actor_of(manager), int(manager.dialog_data["candidate_id"]), False, reason
    )


async def on_skip(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await decline(manager, None)
    await callback.answer(label_of(manager, "pairs-answer-declined", 200), show_alert=True)
    await manager.switch_to(S.main)


async def on_reason(message: Message, manager: DialogManager, value: str) -> None:
    await decline(manager, value)
    await message.answer(i18n_of(manager).get("pairs-answer-declined"))
    await manager.switch_to(S.main, show_mode=ShowMode.SEND)


def my_pair_dialog() -> Dialog:
    return Dialog(
        Window(
            Html("{body}"),
            paged_select("{item[label]}", "my_pairs", "pairs", on_pair),
            SwitchTo(
                T("pairs-menu-choice-button"), id="to_choice", state=S.choice, when="has_choice"
            ),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="waiting",
                    item_id_getter=lambda item: item["id"],
                    items="waiting",
                    type_factory=int,
                    on_click=on_waiting,
                )
            ),
            back_to_menu(T("button-back")),
            buttons_only(),
            state=S.main,
            getter=main_getter,
        ),
        Window(
            Html("{body}"),
            Button(T("pairs-button-accept"), id="accept", on_click=on_accept, when="may_accept"),
            ListGroup(
                Url(Format("{item[label]}"), Format("{item[url]}"), id="contact"),
                id="contacts",
                item_id_getter=lambda item: item["id"],
                items="contacts",
            ),
            Button(T("pairs-button-open-plan"), id="plan", on_click=on_plan, when="is_active"),
            SwitchTo(T("button-back"), id="back_main", state=S.main),
            buttons_only(),
            state=S.pair,
            getter=pair_getter,
        ),
        Window(
            Html("{body}"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="candidate",
                    item_id_getter=lambda item: item["id"],
                    items="candidates",
                    type_factory=int,
                    on_click=on_choose,
                ),
                when="may_choose",
            ),
            Button(T("pairs-button-others"), id="others", on_click=on_others, when="may_choose"),
            SwitchTo(T("button-back"), id="back_main", state=S.main),
            buttons_only(),
            state=S.choice,
            getter=choice_getter,
        ),
        Window(
            Html("{body}"),
            Row(
                Button(T("pairs-button-yes"), id="yes", on_click=on_yes),
                SwitchTo(T("pairs-button-no"), id="no", state=S.decline_reason),
                when="open",
            ),
            SwitchTo(T("button-back"), id="back_main", state=S.main),
            buttons_only(),
            state=S.answer,
            getter=answer_getter,
        ),
        Window(
            T("pairs-decline-ask"),
            validated_text("decline_reason", lambda t: clean_text(t, NOTE_MAX), on_reason),
            Button(T("pairs-button-skip"), id="skip", on_click=on_skip),
            SwitchTo(T("button-back"), id="back_answer", state=S.answer),
            state=S.decline_reason,
            getter=young_getter,
        ),
        on_start=on_start,
    )


async def on_start(start_data: Any, manager: DialogManager) -> None:
    """Opened from a notification's button on one pair (checked by the opener and again
    by the service when the pair is shown)."""
    if isinstance(start_data, dict) and start_data.get("pair_id"):
        manager.dialog_data["pair_id"] = int(start_data["pair_id"])
