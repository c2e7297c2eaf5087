"""What the meetings dialog's getters and handlers share: the pair in hand, the draft
of the meeting being logged, and how a meeting reads («Регулярная · 45 мин · очно»)."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram_dialog import DialogManager

from bot.dialogs.widgets import actor_of, plain_text_of, services_of
from bot.services.errors import NotFound
from bot.services.meetings import MeetingService, PairContext

DRAFT_KEYS = ("day", "kind", "duration", "format", "topic", "outcome", "present", "edit_id")


PLAN_TIMES = ("15:00", "16:00", "17:00")


def svc(manager: DialogManager) -> MeetingService:
    return services_of(manager).meetings


def data(manager: DialogManager) -> dict[str, Any]:
    return manager.dialog_data


def pair_id_of(manager: DialogManager) -> int:
    value = data(manager).get("pair_id")
    if value is None and isinstance(manager.start_data, dict):
        value = manager.start_data.get("pair_id")
    if value is None:
        raise NotFound()
    return int(value)


async def context(manager: DialogManager, action: str = "meeting.open") -> PairContext:
    return await svc(manager).pair_context(
        actor_of(manager), pair_id_of(manager), action, sides=("mentor", "mentee")
    )


def young(ctx: PairContext, manager: DialogManager) -> str:
    me = ctx.mentee_of(actor_of(manager).user_id)
    return "yes" if me is not None and me.is_minor else "no"


def kind_label(manager: DialogManager, kind: str) -> str:
    return plain_text_of(manager, f"meetings-kind-{kind}")


def summary(manager: DialogManager, kind: str, duration: int, fmt: str) -> str:
    """«Регулярная · 45 мин · очно» (plain text: it is also a button label)."""
    return plain_text_of(
        manager,
        "meetings-summary",
        kind=kind_label(manager, kind),
        duration=duration,
        format=plain_text_of(manager, f"meetings-format-{fmt}"),
    )


def day_text(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def clear_draft(manager: DialogManager) -> None:
    for key in DRAFT_KEYS:
        data(manager).pop(key, None)
