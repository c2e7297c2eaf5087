"""What the registration's windows show."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager
from markupsafe import Markup

from bot.dialogs.registration.steps import asked, form_of, is_young, young_arg
from bot.dialogs.widgets import i18n_of, services_of
from bot.services.registration import AGE_BANDS, CAPACITY_CHOICES, MEETING_TIMES, choices


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


async def category_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    catalog = services_of(dialog_manager).catalog
    locale = i18n_of(dialog_manager).locale
    keys = choices(catalog, data.get("role"), form_of(dialog_manager), "category")
    items = [catalog.category(key) for key in keys]
    return {"categories": [(c.key, c.name(locale)) for c in items if c is not None]}


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
