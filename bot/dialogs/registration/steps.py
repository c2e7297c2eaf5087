"""Which screens the registration shows, in what order, and what is known so far.

Which questions come depends on the role and the programme's form (and, for mentors, on
their category): `bot.services.registration.questions` decides, Back and Next walk it.
A person who may be a school student is spoken to with «ты» (`young`), until they say
they are 18 or older."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.state import State
from aiogram_dialog import DialogManager

from bot.dialogs.states import Registration
from bot.dialogs.widgets import services_of
from bot.services.catalog import Form
from bot.services.registration import check_choice, likely_child, questions

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


def checked_choice(manager: DialogManager, field: str, value: Any) -> Any:
    data = manager.dialog_data
    return check_choice(
        services_of(manager).catalog, data.get("role"), form_of(manager), field, value
    )
