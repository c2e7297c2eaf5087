"""Registration after an invite: language, the age (when the person may be a child),
consent, name, then the role's profile.

Which questions come depends on the role and the programme's form (and, for mentors, on
their category): `bot.services.registration.questions` decides, Back and Next walk it.
A person who may be a school student is spoken to with «ты» (`young`), until they say
they are 18 or older. Every choice from a button is checked by the service like text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput, TextInput
from aiogram_dialog.widgets.kbd import Button, Column, Multiselect, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format
from aiogram_dialog.widgets.widget_event import ensure_event_processor
from markupsafe import Markup

from bot.commands import refresh_commands
from bot.dialogs.states import MainMenu, Registration
from bot.dialogs.widgets import (
    Html,
    T,
    hint,
    i18n_of,
    person_of,
    services_of,
    validated_text,
)
from bot.services.catalog import Form
from bot.services.errors import InvalidInput
from bot.services.notify import notify_registered
from bot.services.registration import (
    AGE_BANDS,
    CAPACITY_CHOICES,
    MEETING_TIMES,
    SHORT_MAX,
    check_choice,
    choices,
    clean_class,
    clean_full_name,
    clean_text,
    clean_years,
    likely_child,
    questions,
)

S = Registration

FIELD_STATES: dict[str, State] = {
    "is_minor": S.age,
    "full_name": S.full_name,
    "school_class": S.school_class,
    "subject": S.subject,
    "years": S.years,
    "category": S.category,
    "help_topics": S.help_topics,
    "wishes": S.wishes,
    "competences": S.competences,
    "interests": S.interests,
    "ages": S.ages,
    "times": S.times,
    "workplace": S.workplace,
    "capacity": S.capacity,
}


def form_of(manager: DialogManager) -> Form | None:
    key = manager.dialog_data.get("form_key")
    return services_of(manager).catalog.form(key) if key else None


def asked(manager: DialogManager) -> list[str]:
    data = manager.dialog_data
    return questions(
        services_of(manager).catalog, data.get("role"), form_of(manager), data.get("answers", {})
    )


def steps(manager: DialogManager) -> list[State]:
    """The registration's screens for what is known so far: the age before consent."""
    fields = asked(manager)
    flow: list[State] = [S.welcome]
    if fields and fields[0] == "is_minor":
        flow.append(S.age)
        fields = fields[1:]
    flow.append(S.consent)
    flow += [FIELD_STATES[f] for f in fields]
    flow.append(S.confirm)
    return flow


def _position(manager: DialogManager, flow: list[State]) -> int:
    current = manager.current_context().state
    if current == S.consent_full:
        current = S.consent
    return flow.index(current) if current in flow else 0


async def go_next(manager: DialogManager) -> None:
    flow = steps(manager)
    await manager.switch_to(flow[min(_position(manager, flow) + 1, len(flow) - 1)])


async def go_back(_event: Any, _widget: Any, manager: DialogManager) -> None:
    flow = steps(manager)
    await manager.switch_to(flow[max(_position(manager, flow) - 1, 0)])


def answer(manager: DialogManager, key: str, value: Any) -> None:
    manager.dialog_data.setdefault("answers", {})[key] = value


def is_young(manager: DialogManager) -> bool:
    """Spoken to with «ты»: under 18, or a school student who has not said otherwise."""
    data = manager.dialog_data
    minor = data.get("answers", {}).get("is_minor")
    if minor is not None:
        return bool(minor)
    return likely_child(data.get("role"), form_of(manager))


def young_arg(manager: DialogManager) -> str:
    return "yes" if is_young(manager) else "no"


def back_button() -> Button:
    return Button(T("button-back"), id="back", on_click=go_back)


def tap_hint(key: str) -> MessageInput:
    """Typed text on a screen that waits for a tap: a hint that fits the screen.
    A command (unknown here, the known ones are handled before any dialog) is told so."""

    async def on_message(message: Message, _widget: Any, manager: DialogManager) -> None:
        text = message.text or ""
        shown = "error-unknown-command" if text.startswith("/") else key
        await hint(manager, message, shown, young=young_arg(manager))

    return MessageInput(on_message)


# --- start -----------------------------------------------------------------------


async def on_start(start_data: Any, manager: DialogManager) -> None:
    pending = await services_of(manager).registration.describe(
        person_of(manager), int(start_data["membership_id"])
    )
    manager.dialog_data.update(
        membership_id=pending.membership_id,
        organisation_id=pending.organisation_id,
        school=pending.organisation_name,
        org_kind=pending.organisation_kind,
        programme=pending.programme_name or "",
        role=pending.role,
        form_key=pending.form_key,
        answers={},
    )


async def common_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    i18n = i18n_of(dialog_manager)
    return {
        "school": data["school"],
        "org_kind": data.get("org_kind", "school"),  # a stack saved before it: a school
        "programme": data["programme"],
        "role_name": i18n.get(f"role-{data['role']}"),
        "has_programme": bool(data["programme"]),
        "young": young_arg(dialog_manager),
        "is_young": is_young(dialog_manager),
        "is_adult": not is_young(dialog_manager),
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
    await callback.answer(i18n_of(manager).get("consent-given-short", young=young_arg(manager)))
    await go_next(manager)


async def on_decline(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    if isinstance(callback.message, Message):
        key = "consent-declined-young" if is_young(manager) else "consent-declined"
        await callback.message.answer(i18n_of(manager).get(key))
    await manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


# --- typed answers ----------------------------------------------------------------


# Typed-answer hints that have a «ты» wording for children.
YOUNG_ERRORS = ("full-name", "school-class", "text-empty", "text-too-long", "unknown-command")


def text_step(widget_id: str, clean: Callable[[str], Any]) -> TextInput[Any]:
    async def on_valid(_message: Message, manager: DialogManager, value: Any) -> None:
        answer(manager, widget_id, value)
        await go_next(manager)

    widget = validated_text(widget_id, clean, on_valid)

    async def on_error(
        message: Message, _widget: Any, manager: DialogManager, error: ValueError
    ) -> None:
        cause = error.args[0] if error.args else None
        if not isinstance(cause, InvalidInput):
            raise error
        key = f"error-{cause.code}"
        if is_young(manager) and cause.code in YOUNG_ERRORS:
            key += "-young"
        await hint(manager, message, key, **cause.details)

    # The shared input's hint, with the «ты» wording for a child.
    widget.on_error = ensure_event_processor(on_error)
    return widget


def long_text(text: str) -> str:
    return clean_text(text)


def short_text(text: str) -> str:
    return clean_text(text, SHORT_MAX)


# --- choices -----------------------------------------------------------------------


async def on_age(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    answer(manager, "is_minor", button.widget_id == "minor_yes")
    await go_next(manager)


def _check(manager: DialogManager, field: str, value: Any) -> Any:
    data = manager.dialog_data
    return check_choice(
        services_of(manager).catalog, data.get("role"), form_of(manager), field, value
    )


async def category_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    catalog = services_of(dialog_manager).catalog
    locale = i18n_of(dialog_manager).locale
    keys = choices(catalog, data.get("role"), form_of(dialog_manager), "category")
    items = [catalog.category(key) for key in keys]
    return {"categories": [(c.key, c.name(locale)) for c in items if c is not None]}


async def on_category(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    try:
        value = _check(manager, "category", item_id)
    except InvalidInput as exc:
        await hint(manager, callback, f"error-{exc.code}", young=young_arg(manager))
        return
    answer(manager, "category", value)
    await go_next(manager)


async def on_capacity(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    try:
        value = _check(manager, "capacity", item_id)
    except InvalidInput as exc:
        await hint(manager, callback, f"error-{exc.code}", young=young_arg(manager))
        return
    answer(manager, "capacity", value)
    await go_next(manager)


async def choices_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    catalog = services_of(dialog_manager).catalog
    topics = choices(
        catalog, dialog_manager.dialog_data.get("role"), form_of(dialog_manager), "help_topics"
    )
    found = [catalog.help_topic(key) for key in topics]
    return {
        "age_bands": [(band, i18n.get(f"age-band-{band}")) for band in AGE_BANDS],
        "meeting_times": [(slot, i18n.get(f"meeting-time-{slot}")) for slot in MEETING_TIMES],
        "help_topics": [(t.key, t.name(i18n.locale)) for t in found if t is not None],
        "capacities": [(n, n) for n in CAPACITY_CHOICES],
    }


def multi_done(widget_id: str) -> Callable[..., Any]:
    async def on_click(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
        chosen = manager.find(widget_id).get_checked()  # type: ignore[union-attr]
        try:
            value = _check(manager, widget_id, list(chosen))
        except InvalidInput as exc:
            await hint(manager, callback, f"error-{exc.code}", young=young_arg(manager))
            return
        answer(manager, widget_id, value)
        await go_next(manager)

    return on_click


def multiselect(widget_id: str, items: str) -> Column:
    return Column(
        Multiselect(
            Format("✓ {item[1]}"),
            Format("{item[1]}"),
            id=widget_id,
            item_id_getter=lambda item: item[0],
            items=items,
        )
    )


# --- confirm -------------------------------------------------------------------------


async def confirm_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    answers = data.get("answers", {})
    i18n = i18n_of(dialog_manager)
    catalog = services_of(dialog_manager).catalog
    young = young_arg(dialog_manager)
    lines = []
    for key in asked(dialog_manager):
        if key not in answers:
            continue
        value = answers[key]
        if key == "category":
            category = catalog.category(value)
            shown = category.name(i18n.locale) if category else value
        elif key == "is_minor":
            shown = i18n.get("answer-yes" if value else "answer-no")
        elif key == "ages":
            shown = ", ".join(i18n.get(f"age-band-{v}") for v in value)
        elif key == "times":
            shown = ", ".join(i18n.get(f"meeting-time-{v}") for v in value)
        elif key == "help_topics":
            topics = [catalog.help_topic(v) for v in value]
            shown = ", ".join(t.name(i18n.locale) for t in topics if t is not None) or "—"
        else:
            shown = str(value)
        lines.append(Markup("<b>{}</b>: {}").format(i18n.get(f"field-{key}", young=young), shown))
    return {"summary": Markup("\n").join(lines)}


async def on_save(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    wanted = set(asked(manager))
    answers = {k: v for k, v in data.get("answers", {}).items() if k in wanted}
    services = services_of(manager)
    person = person_of(manager)
    i18n = i18n_of(manager)
    young = young_arg(manager)
    full_name = answers.pop("full_name")
    is_minor = bool(answers.pop("is_minor", False))
    try:
        await services.registration.complete(
            person, data["membership_id"], full_name=full_name, is_minor=is_minor, profile=answers
        )
    except InvalidInput as exc:
        await hint(manager, callback, f"error-{exc.code}", young=young)
        return
    await notify_registered(services, person, data["membership_id"])
    message = callback.message if isinstance(callback.message, Message) else None
    status = await services.consent.status(person, person.id, data["organisation_id"])
    role = data["role"]
    if message is not None:
        done = i18n.get("registration-done", role_name=i18n.get(f"role-{role}"), young=young)
        next_step = i18n.get(f"registration-next-{role}", young=young)
        await message.answer(Markup("{}\n\n{}").format(done, next_step))
        if not status.complete:
            request = await services.consent.request_guardian(person, data["organisation_id"])
            me = await callback.bot.me() if callback.bot else None
            link = f"https://t.me/{me.username if me else ''}?start={request.payload}"
            await message.answer(i18n.get("consent-minor-needs-guardian"))
            await message.answer(i18n.get("consent-guardian-link", link=link))
    actor = await services.access.actor(person)
    # The menu below is drawn in this same update: it must see the new role.
    manager.middleware_data["actor"] = actor
    if callback.bot is not None and message is not None:
        await refresh_commands(callback.bot, i18n, message.chat.id, actor)
    # The person lands on their menu, below what was just said: never a dead end.
    await manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


def consent_buttons() -> list[Any]:
    return [
        Button(T("consent-agree-button"), id="agree", on_click=on_agree, when="is_adult"),
        Button(
            T("consent-minor-agree-button"), id="agree_minor", on_click=on_agree, when="is_young"
        ),
        Button(T("consent-decline-button"), id="decline", on_click=on_decline),
    ]


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
            tap_hint("hint-welcome"),
            state=S.welcome,
        ),
        Window(
            T("consent-summary-self", when="is_adult"),
            T("consent-summary-minor", when="is_young"),
            *consent_buttons(),
            SwitchTo(
                T("consent-full-text-button"), id="full", state=S.consent_full, when="is_adult"
            ),
            back_button(),
            tap_hint("hint-consent"),
            state=S.consent,
        ),
        Window(
            T("consent-text-self"),
            *consent_buttons(),
            SwitchTo(T("button-back"), id="back_summary", state=S.consent),
            tap_hint("hint-consent"),
            state=S.consent_full,
        ),
        Window(
            T("registration-ask-age"),
            Row(
                Button(T("answer-minor-yes"), id="minor_yes", on_click=on_age),
                Button(T("answer-minor-no"), id="minor_no", on_click=on_age),
            ),
            back_button(),
            tap_hint("hint-age"),
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
            tap_hint("hint-choose-button"),
            state=S.category,
            getter=category_getter,
        ),
        Window(
            T("registration-ask-help-topics"),
            multiselect("help_topics", "help_topics"),
            Button(T("button-next"), id="help_topics_done", on_click=multi_done("help_topics")),
            back_button(),
            tap_hint("hint-tick-then-next"),
            state=S.help_topics,
            getter=choices_getter,
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
            multiselect("ages", "age_bands"),
            Button(T("button-next"), id="ages_done", on_click=multi_done("ages")),
            back_button(),
            tap_hint("hint-tick-then-next"),
            state=S.ages,
            getter=choices_getter,
        ),
        Window(
            T("registration-ask-times"),
            multiselect("times", "meeting_times"),
            Button(T("button-next"), id="times_done", on_click=multi_done("times")),
            back_button(),
            tap_hint("hint-tick-then-next"),
            state=S.times,
            getter=choices_getter,
        ),
        Window(
            T("registration-ask-capacity"),
            Row(
                Select(
                    Format("{item[1]}"),
                    id="capacity",
                    item_id_getter=lambda item: item[0],
                    items="capacities",
                    on_click=on_capacity,
                )
            ),
            back_button(),
            tap_hint("hint-choose-button"),
            state=S.capacity,
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
            Html("{summary}"),
            Button(T("button-save"), id="save", on_click=on_save),
            back_button(),
            tap_hint("hint-confirm"),
            state=S.confirm,
            getter=confirm_getter,
        ),
        on_start=on_start,
        getter=common_getter,
    )
