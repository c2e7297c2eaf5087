"""Registration after an invite: language, consent, name, then the role's profile.

The steps depend on the role and the programme's form (and, for mentors, on their
category), so the order is computed from what is known so far; Back and Next walk it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import TextInput
from aiogram_dialog.widgets.kbd import Button, Column, Multiselect, Row, Select
from aiogram_dialog.widgets.text import Format

from bot.commands import refresh_commands
from bot.dialogs.states import Registration
from bot.dialogs.widgets import (
    T,
    buttons_only,
    i18n_of,
    person_of,
    services_of,
    validated_text,
)
from bot.handlers.notify import notify_registered
from bot.services.registration import (
    AGE_BANDS,
    EXTERNAL_MENTOR_CATEGORIES,
    MEETING_TIMES,
    SHORT_MAX,
    clean_class,
    clean_full_name,
    clean_text,
    clean_years,
)

S = Registration


def steps(data: dict[str, Any]) -> list[State]:
    """The registration's steps for what is known so far."""
    role = data.get("role")
    kind = data.get("mentee_kind")
    answers = data.get("answers", {})
    flow: list[State] = [S.welcome, S.consent]
    if role == "mentee" and kind == "teacher":
        flow += [S.full_name, S.subject, S.years, S.category, S.wishes]
    elif role == "mentee":
        flow += [S.age, S.full_name]
        if kind == "student":
            flow.append(S.school_class)
        flow += [S.category, S.wishes]
    elif role == "mentor":
        flow += [S.full_name, S.category]
        if answers.get("category") == "mentor.student":
            flow.append(S.age)
        flow += [S.competences, S.interests, S.ages, S.times]
        if answers.get("category") in EXTERNAL_MENTOR_CATEGORIES:
            flow.append(S.workplace)
    else:  # curators and coordinators
        flow.append(S.full_name)
    flow.append(S.confirm)
    return flow


async def go_next(manager: DialogManager) -> None:
    flow = steps(manager.dialog_data)
    current = manager.current_context().state
    await manager.switch_to(flow[flow.index(current) + 1])


async def go_back(_event: Any, _widget: Any, manager: DialogManager) -> None:
    flow = steps(manager.dialog_data)
    current = manager.current_context().state
    await manager.switch_to(flow[max(flow.index(current) - 1, 0)])


def answer(manager: DialogManager, key: str, value: Any) -> None:
    manager.dialog_data.setdefault("answers", {})[key] = value


def back_button() -> Button:
    return Button(T("button-back"), id="back", on_click=go_back)


# --- start -----------------------------------------------------------------------


async def on_start(start_data: Any, manager: DialogManager) -> None:
    pending = await services_of(manager).registration.describe(
        person_of(manager), int(start_data["membership_id"])
    )
    form = services_of(manager).catalog.form(pending.form_key) if pending.form_key else None
    manager.dialog_data.update(
        membership_id=pending.membership_id,
        organisation_id=pending.organisation_id,
        school=pending.organisation_name,
        programme=pending.programme_name or "",
        role=pending.role,
        mentee_kind=form.mentee_kind if form else None,
        answers={},
    )


async def welcome_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    i18n = i18n_of(dialog_manager)
    return {
        "school": html.escape(data["school"]),
        "programme": html.escape(data["programme"]),
        "role_name": i18n.get(f"role-{data['role']}"),
        "has_programme": bool(data["programme"]),
    }


async def on_language(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await i18n_of(manager).set_locale(str(button.widget_id).removeprefix("reg_lang_"))


async def on_continue(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await go_next(manager)


# --- consent ---------------------------------------------------------------------


async def on_agree(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await services_of(manager).consent.give_self(
        person_of(manager), manager.dialog_data["organisation_id"]
    )
    await callback.answer(i18n_of(manager).get("consent-given"))
    await go_next(manager)


async def on_decline(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    if isinstance(callback.message, Message):
        await callback.message.answer(i18n_of(manager).get("consent-declined"))
    await manager.done()


# --- typed answers ----------------------------------------------------------------


def text_step(widget_id: str, clean: Callable[[str], Any]) -> TextInput[Any]:
    async def on_valid(_message: Message, manager: DialogManager, value: Any) -> None:
        answer(manager, widget_id, value)
        await go_next(manager)

    return validated_text(widget_id, clean, on_valid)


def long_text(text: str) -> str:
    return clean_text(text)


def short_text(text: str) -> str:
    return clean_text(text, SHORT_MAX)


# --- choices -----------------------------------------------------------------------


async def on_age(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    answer(manager, "is_minor", button.widget_id == "minor_yes")
    await go_next(manager)


async def category_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    catalog = services_of(dialog_manager).catalog
    locale = i18n_of(dialog_manager).locale
    if data["role"] == "mentor":
        items = catalog.mentor_categories()
    else:
        applies_to = "teacher" if data.get("mentee_kind") == "teacher" else "student"
        items = catalog.mentee_categories(applies_to)
    return {"categories": [(c.key, c.name(locale)) for c in items]}


async def on_category(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    answer(manager, "category", item_id)
    await go_next(manager)


async def choices_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    return {
        "age_bands": [(band, i18n.get(f"age-band-{band}")) for band in AGE_BANDS],
        "meeting_times": [(slot, i18n.get(f"meeting-time-{slot}")) for slot in MEETING_TIMES],
    }


def multi_done(widget_id: str) -> Callable[..., Any]:
    async def on_click(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
        chosen = manager.find(widget_id).get_checked()  # type: ignore[union-attr]
        if not chosen:
            await callback.answer(i18n_of(manager).get("hint-choose-one"), show_alert=True)
            return
        answer(manager, widget_id, list(chosen))
        await go_next(manager)

    return on_click


# --- confirm -------------------------------------------------------------------------


async def confirm_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    answers = data.get("answers", {})
    i18n = i18n_of(dialog_manager)
    catalog = services_of(dialog_manager).catalog
    lines = []
    for key, value in answers.items():
        if key == "category":
            category = catalog.category(value)
            shown = category.name(i18n.locale) if category else value
        elif key == "is_minor":
            shown = i18n.get("answer-yes" if value else "answer-no")
        elif key == "ages":
            shown = ", ".join(i18n.get(f"age-band-{v}") for v in value)
        elif key == "times":
            shown = ", ".join(i18n.get(f"meeting-time-{v}") for v in value)
        else:
            shown = str(value)
        lines.append(f"<b>{i18n.get(f'field-{key}')}</b>: {html.escape(shown)}")
    return {"summary": "\n".join(lines)}


async def on_save(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    answers = dict(data.get("answers", {}))
    services = services_of(manager)
    person = person_of(manager)
    i18n = i18n_of(manager)
    full_name = answers.pop("full_name")
    is_minor = bool(answers.pop("is_minor", False))
    await services.registration.complete(
        person, data["membership_id"], full_name=full_name, is_minor=is_minor, profile=answers
    )
    await notify_registered(services, person, data["membership_id"])
    message = callback.message if isinstance(callback.message, Message) else None
    status = await services.consent.status(person.id, data["organisation_id"])
    if message is not None:
        await message.answer(
            i18n.get("registration-done", role_name=i18n.get(f"role-{data['role']}"))
        )
        if not status.complete:
            request = await services.consent.request_guardian(person, data["organisation_id"])
            me = await callback.bot.me() if callback.bot else None
            link = f"https://t.me/{me.username if me else ''}?start={request.payload}"
            await message.answer(i18n.get("consent-minor-needs-guardian"))
            await message.answer(i18n.get("consent-guardian-link", link=link))
    if callback.bot is not None and message is not None:
        actor = await services.access.actor(person)
        await refresh_commands(callback.bot, i18n, message.chat.id, actor)
    await manager.done({"registered": True})


def registration_dialog() -> Dialog:
    return Dialog(
        Window(
            T("registration-welcome"),
            T("registration-welcome-programme", when="has_programme"),
            Button(T("button-continue"), id="continue", on_click=on_continue),
            Row(
                Button(T("language-name-ru"), id="reg_lang_ru", on_click=on_language),
                Button(T("language-name-en"), id="reg_lang_en", on_click=on_language),
            ),
            buttons_only(),
            state=S.welcome,
            getter=welcome_getter,
        ),
        Window(
            T("consent-text-self"),
            Button(T("consent-agree-button"), id="agree", on_click=on_agree),
            Button(T("consent-decline-button"), id="decline", on_click=on_decline),
            back_button(),
            buttons_only(),
            state=S.consent,
            getter=welcome_getter,
        ),
        Window(
            T("registration-ask-age"),
            Row(
                Button(T("answer-minor-yes"), id="minor_yes", on_click=on_age),
                Button(T("answer-minor-no"), id="minor_no", on_click=on_age),
            ),
            back_button(),
            buttons_only(),
            state=S.age,
        ),
        Window(
            T("registration-ask-full-name"),
            text_step("full_name", clean_full_name),
            back_button(),
            state=S.full_name,
        ),
        Window(
            T("registration-ask-class"),
            text_step("school_class", clean_class),
            back_button(),
            state=S.school_class,
        ),
        Window(
            T("registration-ask-subject"),
            text_step("subject", short_text),
            back_button(),
            state=S.subject,
        ),
        Window(
            T("registration-ask-years"),
            text_step("years", clean_years),
            back_button(),
            state=S.years,
        ),
        Window(
            T("registration-ask-category"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="category",
                    item_id_getter=lambda item: item[0],
                    items="categories",
                    on_click=on_category,
                )
            ),
            back_button(),
            buttons_only(),
            state=S.category,
            getter=category_getter,
        ),
        Window(
            T("registration-ask-wishes"),
            text_step("wishes", long_text),
            back_button(),
            state=S.wishes,
        ),
        Window(
            T("registration-ask-competences"),
            text_step("competences", long_text),
            back_button(),
            state=S.competences,
        ),
        Window(
            T("registration-ask-interests"),
            text_step("interests", long_text),
            back_button(),
            state=S.interests,
        ),
        Window(
            T("registration-ask-ages"),
            Column(
                Multiselect(
                    Format("✓ {item[1]}"),
                    Format("{item[1]}"),
                    id="ages",
                    item_id_getter=lambda item: item[0],
                    items="age_bands",
                )
            ),
            Button(T("button-next"), id="ages_done", on_click=multi_done("ages")),
            back_button(),
            buttons_only(),
            state=S.ages,
            getter=choices_getter,
        ),
        Window(
            T("registration-ask-times"),
            Column(
                Multiselect(
                    Format("✓ {item[1]}"),
                    Format("{item[1]}"),
                    id="times",
                    item_id_getter=lambda item: item[0],
                    items="meeting_times",
                )
            ),
            Button(T("button-next"), id="times_done", on_click=multi_done("times")),
            back_button(),
            buttons_only(),
            state=S.times,
            getter=choices_getter,
        ),
        Window(
            T("registration-ask-workplace"),
            text_step("workplace", short_text),
            back_button(),
            state=S.workplace,
        ),
        Window(
            T("registration-confirm"),
            Format("{summary}"),
            Button(T("button-save"), id="save", on_click=on_save),
            back_button(),
            buttons_only(),
            state=S.confirm,
            getter=confirm_getter,
        ),
        on_start=on_start,
    )
