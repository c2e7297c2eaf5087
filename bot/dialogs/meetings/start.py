"""/meeting: which window of the meetings dialog opens first."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager, ShowMode, StartMode

from bot.dialogs.states import MeetingLog
from bot.dialogs.widgets import actor_of, services_of
from bot.services.meetings import MeetingService


async def start_meeting(manager: DialogManager, show_mode: ShowMode = ShowMode.SEND) -> None:
    """/meeting: what the person most likely wants first — a mentee's unanswered meeting,
    a mentor's «Встреча состоялась?», the date of a meeting with their one pair, or the
    choice of a pair."""
    service: MeetingService = services_of(manager).meetings
    actor = actor_of(manager)

    async def go(state: Any, start: dict[str, Any] | None = None) -> None:
        await manager.start(state, data=start, mode=StartMode.RESET_STACK, show_mode=show_mode)

    pending = await service.pending_for(actor)
    if pending:
        first = pending[0]
        await go(MeetingLog.ask, {"meeting_id": first.meeting_id, "pair_id": first.pair_id})
        return
    due = await service.due_questions(actor)
    if due:
        await go(MeetingLog.held, {"meeting_id": due[0].id, "pair_id": due[0].pair_id})
        return
    mine = await service.pairs_for(actor, "mentor")
    school = await service.pairs_for(actor, "curator") if actor.active("curator") else []
    if len(mine) == 1 and not school:
        await go(MeetingLog.day, {"pair_id": mine[0].pair_id})
    elif mine or school:
        await go(MeetingLog.pair)
    elif as_mentee := await service.pairs_for(actor, "mentee"):
        await go(MeetingLog.planned, {"pair_id": as_mentee[0].pair_id})
    else:
        await go(MeetingLog.nothing)
