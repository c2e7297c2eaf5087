"""What the buttons under notifications open (registered in bot/handlers/open.py's OPENERS).

Each opener asks the services, on the server, whether this person may open that object
*now* — a meeting still waiting for their answer, a questionnaire still open for them, a
pair they belong to or curate — and starts the dialog there. Anything else (stale, answered,
somebody else's, forged) returns False: the person gets the polite alert and the menu."""

from __future__ import annotations

from aiogram.fsm.state import State
from aiogram_dialog import DialogManager, ShowMode, StartMode

from bot.dialogs.states import MeetingLog, MyPair, Pairs, Questionnaire
from bot.dialogs.widgets import actor_of, person_of, services_of
from bot.handlers import recognition
from bot.handlers.open import register_opener
from bot.services.errors import DomainError

# Targets (the `open` of a button in a notification's `_buttons`).
MEETING_HELD = "meeting-held"  # the mentor's «Встреча состоялась?»
MEETING_ASK = "meeting-ask"  # the mentee's «Была ли встреча?»
SURVEY = "survey"  # a questionnaire to answer (the id is the person's response)
PAIR = "pair"  # «Моя пара» on that pair
PAIR_CURATOR = "pair-curator"  # the pair's card in /pairs
MEETING_PLANNED = "meeting-planned"  # a pair's planned meetings (the id is the pair)
CHOICE = "choice"  # the mentee's choice among offered mentors (the id is their membership)


async def _start(manager: DialogManager, state: State, data: dict[str, int]) -> None:
    await manager.start(state, data=data, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def open_meeting_held(manager: DialogManager, meeting_id: int) -> bool:
    due = await services_of(manager).meetings.due_questions(actor_of(manager))
    found = next((m for m in due if m.id == meeting_id), None)
    if found is None:
        return False
    await _start(manager, MeetingLog.held, {"meeting_id": found.id, "pair_id": found.pair_id})
    return True


async def open_meeting_ask(manager: DialogManager, meeting_id: int) -> bool:
    pending = await services_of(manager).meetings.pending_for(actor_of(manager))
    found = next((p for p in pending if p.meeting_id == meeting_id), None)
    if found is None:
        return False
    await _start(
        manager, MeetingLog.ask, {"meeting_id": found.meeting_id, "pair_id": found.pair_id}
    )
    return True


async def open_survey(manager: DialogManager, response_id: int) -> bool:
    open_ = await services_of(manager).surveys.open_for(person_of(manager).id)
    if response_id not in {o.response_id for o in open_}:
        return False
    await _start(manager, Questionnaire.answer, {"response_id": response_id})
    return True


async def open_pair(manager: DialogManager, pair_id: int) -> bool:
    actor = actor_of(manager)
    try:
        view = await services_of(manager).pairs.get(actor, pair_id)
    except DomainError:
        return False
    if view.side_of(actor.user_id) is None:  # a curator's pair card lives in /pairs
        return False
    await _start(manager, MyPair.pair, {"pair_id": view.id})
    return True


async def open_pair_for_curator(manager: DialogManager, pair_id: int) -> bool:
    actor = actor_of(manager)
    try:
        view = await services_of(manager).pairs.get(actor, pair_id)
    except DomainError:
        return False
    if not actor.is_curator_of(view.organisation_id):
        return False
    await _start(manager, Pairs.pair, {"pair_id": view.id, "programme_id": view.programme_id})
    return True


async def open_meeting_planned(manager: DialogManager, pair_id: int) -> bool:
    actor = actor_of(manager)
    try:
        view = await services_of(manager).pairs.get(actor, pair_id)
    except DomainError:
        return False
    if view.side_of(actor.user_id) is None or view.status != "active":
        return False
    await _start(manager, MeetingLog.planned, {"pair_id": view.id})
    return True


async def open_choice(manager: DialogManager, mentee_membership_id: int) -> bool:
    choice = await services_of(manager).pairs.my_choice(actor_of(manager))
    if choice is None or choice[0] != mentee_membership_id:
        return False
    await _start(manager, MyPair.choice, {"choice": mentee_membership_id})
    return True


def register() -> None:
    """Every opener, into OPENERS (called at start by the factory; importing registers
    nothing)."""
    recognition.register()  # the nomination's accept / ignore
    register_opener(MEETING_HELD, open_meeting_held)
    register_opener(MEETING_ASK, open_meeting_ask)
    register_opener(SURVEY, open_survey)
    register_opener(PAIR, open_pair)
    register_opener(PAIR_CURATOR, open_pair_for_curator)
    register_opener(CHOICE, open_choice)
    register_opener(MEETING_PLANNED, open_meeting_planned)
