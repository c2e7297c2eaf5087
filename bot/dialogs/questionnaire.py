"""Answering a questionnaire: one item per screen with «3 / 12», scales as buttons, Back,
Skip for optional items, a summary to check, then Submit.

Everything lives in the database (each answer and the position are saved as the person
goes), so `/survey` after leaving, or after a restart of the bot, continues where they
stopped. The window reads the screen from the service every time.
"""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Group, Row, Select
from aiogram_dialog.widgets.text import Format
from markupsafe import Markup

from bot.dialogs.paging import back_to_menu, shorten, to_menu
from bot.dialogs.states import Questionnaire
from bot.dialogs.widgets import (
    Html,
    T,
    buttons_only,
    hint,
    i18n_of,
    person_of,
    plain_text_of,
    services_of,
)
from bot.services.errors import InvalidInput
from bot.services.questionnaires import Item
from bot.services.surveys import Screen

SUMMARY_TEXT = 60


def young(manager: DialogManager) -> str:
    """«ты» for a child in every hint of the answering screens."""
    return "yes" if person_of(manager).is_minor else "no"


async def say(
    manager: DialogManager, event: Message | CallbackQuery, key: str, **args: Any
) -> None:
    """A hint in the person's wording (a child is spoken to with «ты»)."""
    await hint(manager, event, key, young=young(manager), **args)


def response_id_of(manager: DialogManager) -> int:
    return int(manager.dialog_data["response_id"])


async def open_questionnaires(manager: DialogManager) -> None:
    """`/survey`: the one open questionnaire at once, a choice when there are several."""
    services = services_of(manager)
    open_ = await services.surveys.open_for(person_of(manager).id)
    if len(open_) == 1:
        await manager.start(
            Questionnaire.answer,
            data={"response_id": open_[0].response_id},
            mode=StartMode.RESET_STACK,
            show_mode=ShowMode.SEND,
        )
        return
    await manager.start(Questionnaire.choose, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    if isinstance(start_data, dict) and "response_id" in start_data:
        manager.dialog_data["response_id"] = int(start_data["response_id"])


# --- getters ------------------------------------------------------------------------


async def choose_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    locale = i18n_of(dialog_manager).locale
    open_ = await services_of(dialog_manager).surveys.open_for(person_of(dialog_manager).id)
    return {
        "items": [
            {"id": o.response_id, "label": shorten(o.questionnaire.title(locale))} for o in open_
        ],
        "count": len(open_),
    }


def shown_value(manager: DialogManager, item: Item, value: Any, limit: int = 0) -> str:
    i18n = i18n_of(manager)
    locale = i18n.locale
    if value is None or value == [] or value == "":
        return i18n.get("survey-skipped")
    if item.type == "scale":
        return i18n.get("survey-scale-answer", value=int(value), max=item.max)
    if item.type == "yes_no":
        return i18n.get(f"survey-{value}")
    if item.type in ("single", "multi"):
        keys = value if isinstance(value, list) else [value]
        labels = [o.label(locale) for o in item.options if o.key in keys]
        return i18n.get("survey-plain", text=", ".join(labels))
    text = str(value)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return i18n.get("survey-plain", text=text)


def body_of(manager: DialogManager, screen: Screen) -> Markup:
    i18n = i18n_of(manager)
    locale = i18n.locale
    q = screen.questionnaire
    parts: list[str] = [Markup("<b>{}</b>").format(q.title(locale))]
    if screen.submitted:
        parts.append(i18n.get("survey-already-submitted"))
        return Markup("\n\n").join(parts)
    if screen.closed:
        parts.append(i18n.get("survey-closed-text"))
        return Markup("\n\n").join(parts)
    item = screen.current
    if item is None:
        lines = [i18n.get("survey-summary", young="yes" if screen.minor else "no")]
        for number, shown in enumerate(screen.items, start=1):
            question = shown.text(locale, screen.minor)
            if len(question) > SUMMARY_TEXT:
                question = question[: SUMMARY_TEXT - 1] + "…"
            lines.append(
                i18n.get(
                    "survey-summary-line",
                    number=number,
                    question=question,
                    answer=shown_value(manager, shown, screen.answers.get(shown.key), 80),
                )
            )
        parts.append(Markup("\n").join(lines))
        return Markup("\n\n").join(parts)
    if screen.number == 1 and not screen.answers:
        parts.append(Markup("<i>{}</i>").format(q.intro(locale, screen.minor)))
    head = [
        i18n.get("survey-counter", number=screen.number, total=screen.total),
        Markup("<b>{}</b>").format(item.text(locale, screen.minor)),
    ]
    who = "yes" if screen.minor else "no"
    if item.type == "multi":
        head.append(i18n.get("survey-multi-hint", young=who))
    elif item.type == "text":
        head.append(i18n.get("survey-text-hint", young=who))
    elif item.type == "scale":
        head.append(i18n.get("survey-scale-hint", young=who, max=item.max))
    if not item.required:
        head.append(i18n.get("survey-optional", young=who))
    current = screen.answers.get(item.key)
    if current not in (None, "", []) and item.type != "multi":
        head.append(i18n.get("survey-your-answer", answer=shown_value(manager, item, current)))
    parts.append(Markup("\n").join(head))
    return Markup("\n\n").join(parts)


async def answer_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    locale = i18n_of(dialog_manager).locale
    screen = await services.surveys.screen(
        person_of(dialog_manager).id, response_id_of(dialog_manager)
    )
    item = screen.current
    active = not screen.submitted and not screen.closed
    key = item.key if item else ""
    chosen = screen.answers.get(key) or [] if item and item.type == "multi" else []
    choices: list[dict[str, str]] = []
    if item is not None and item.type in ("single", "multi"):
        for option in item.options:
            mark = "✅ " if option.key in chosen else ""
            choices.append({"id": f"{key}:{option.key}", "label": mark + option.label(locale)})
    yes_no = [
        {"id": f"{key}:yes", "label": i18n_of(dialog_manager).get("survey-yes")},
        {"id": f"{key}:no", "label": i18n_of(dialog_manager).get("survey-no")},
    ]
    kind = item.type if item is not None and active else ""
    return {
        "body": body_of(dialog_manager, screen),
        "scale": [
            {"id": f"{key}:{v}", "label": str(v)} for v in range(1, (item.max if item else 0) + 1)
        ],
        "choices": choices,
        "yes_no": yes_no,
        "is_scale": kind == "scale",
        "is_yes_no": kind == "yes_no",
        "is_single": kind == "single",
        "is_multi": kind == "multi",
        "can_skip": active and item is not None and not item.required,
        "can_back": active and (screen.number > 1 or item is None),
        "is_summary": active and item is None,
        "finished": not active,
    }


# --- handlers -----------------------------------------------------------------------


async def _act(manager: DialogManager, event: Message | CallbackQuery, action: Any) -> None:
    """Run a service step; a rule's refusal becomes a hint and the screen stays."""
    try:
        await action
    except InvalidInput as exc:
        await say(manager, event, f"error-{exc.code}", **exc.details)


def _split(item_id: str) -> tuple[str, str]:
    key, _, value = item_id.partition(":")
    return key, value


async def on_value(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str):
    key, value = _split(item_id)
    surveys = services_of(manager).surveys
    await _act(
        manager,
        callback,
        surveys.answer(person_of(manager).id, response_id_of(manager), key, value),
    )


async def on_toggle(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str):
    key, value = _split(item_id)
    surveys = services_of(manager).surveys
    await _act(
        manager,
        callback,
        surveys.toggle(person_of(manager).id, response_id_of(manager), key, value),
    )


async def _current_key(manager: DialogManager) -> str:
    screen = await services_of(manager).surveys.screen(
        person_of(manager).id, response_id_of(manager)
    )
    return screen.current.key if screen.current else ""


async def on_next(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    surveys = services_of(manager).surveys
    key = await _current_key(manager)
    await _act(manager, callback, surveys.next(person_of(manager).id, response_id_of(manager), key))


async def on_skip(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    surveys = services_of(manager).surveys
    key = await _current_key(manager)
    await _act(manager, callback, surveys.skip(person_of(manager).id, response_id_of(manager), key))


async def on_back(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    surveys = services_of(manager).surveys
    await _act(manager, callback, surveys.back(person_of(manager).id, response_id_of(manager)))


async def on_restart(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    surveys = services_of(manager).surveys
    await _act(manager, callback, surveys.restart(person_of(manager).id, response_id_of(manager)))


async def on_submit(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    surveys = services_of(manager).surveys
    try:
        done = await surveys.submit(person_of(manager).id, response_id_of(manager))
    except InvalidInput as exc:
        await say(manager, callback, f"error-{exc.code}", **exc.details)
        return
    if not done:  # moved to the first unanswered required item
        await say(manager, callback, "error-survey-unanswered")
        return
    await manager.switch_to(Questionnaire.done)


async def on_later(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await callback.answer(plain_text_of(manager, "survey-saved-for-later", young=young(manager)))
    await to_menu(callback, _button, manager)


async def on_typed(message: Message, _widget: MessageInput, manager: DialogManager) -> None:
    """Typed text: the answer to a free-text item (or a number for a scale); a hint
    for anything else, and the same question again below it."""
    services = services_of(manager)
    screen = await services.surveys.screen(person_of(manager).id, response_id_of(manager))
    item = screen.current
    if screen.submitted or screen.closed or item is None:
        await say(manager, message, "error-survey-use-buttons")
        return
    if message.text is None:
        await say(manager, message, "error-survey-text-empty")
        return
    if item.type in ("scale", "text"):
        await _act(
            manager,
            message,
            services.surveys.answer(
                person_of(manager).id, screen.response_id, item.key, message.text
            ),
        )
        manager.show_mode = ShowMode.SEND
        return
    await say(manager, message, "error-survey-use-buttons")


async def on_chosen(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, response_id: int
):
    open_ = await services_of(manager).surveys.open_for(person_of(manager).id)
    if response_id not in {o.response_id for o in open_}:
        await say(manager, callback, "error-survey-closed")
        return
    manager.dialog_data["response_id"] = response_id
    await manager.switch_to(Questionnaire.answer)


def _choose_window() -> Window:
    """The questionnaires open for this person."""
    return Window(
        T("survey-choose", when="count"),
        T("survey-none", when=~F["count"]),
        Column(
            Select(
                Format("📝 {item[label]}"),
                id="q",
                item_id_getter=lambda item: item["id"],
                items="items",
                type_factory=int,
                on_click=on_chosen,
            )
        ),
        back_to_menu(T("survey-btn-menu")),
        buttons_only(),
        state=Questionnaire.choose,
        getter=choose_getter,
    )


def _answer_window() -> Window:
    """One question (or the summary), with the buttons its kind needs."""
    return Window(
        Html("{body}"),
        Group(
            Select(
                Format("{item[label]}"),
                id="sc",
                item_id_getter=lambda item: item["id"],
                items="scale",
                on_click=on_value,
            ),
            width=5,
            when="is_scale",
        ),
        Row(
            Select(
                Format("{item[label]}"),
                id="yn",
                item_id_getter=lambda item: item["id"],
                items="yes_no",
                on_click=on_value,
            ),
            when="is_yes_no",
        ),
        Column(
            Select(
                Format("{item[label]}"),
                id="ch",
                item_id_getter=lambda item: item["id"],
                items="choices",
                on_click=on_value,
            ),
            when="is_single",
        ),
        Column(
            Select(
                Format("{item[label]}"),
                id="mu",
                item_id_getter=lambda item: item["id"],
                items="choices",
                on_click=on_toggle,
            ),
            Button(T("survey-btn-next"), id="next", on_click=on_next),
            when="is_multi",
        ),
        Button(T("survey-btn-submit"), id="submit", on_click=on_submit, when="is_summary"),
        Button(T("survey-btn-restart"), id="restart", on_click=on_restart, when="is_summary"),
        Row(
            Button(T("survey-btn-back"), id="back", on_click=on_back, when="can_back"),
            Button(T("survey-btn-skip"), id="skip", on_click=on_skip, when="can_skip"),
        ),
        Button(T("survey-btn-later"), id="later", on_click=on_later, when=~F["finished"]),
        Button(T("survey-btn-menu"), id="menu_done", on_click=to_menu, when="finished"),
        MessageInput(on_typed),
        state=Questionnaire.answer,
        getter=answer_getter,
    )


def _done_window() -> Window:
    """Thanks, after submitting."""
    return Window(
        T("survey-thanks"),
        back_to_menu(T("survey-btn-menu")),
        buttons_only(),
        state=Questionnaire.done,
    )


def questionnaire_dialog() -> Dialog:
    return Dialog(
        _choose_window(),
        _answer_window(),
        _done_window(),
        on_start=on_start,
    )
