"""Pairs and groups: a curator proposes them (nobody without complete consent), activates,
ends, replaces a mentor (the pair keeps its plan, meetings and history), records the
school's order for several pairs at once; the mentee's choice among offered candidates;
the agreement each side accepts; the programme's stage moving on with the work.

Access is decided here for every call, from ids the client sent: a school's curators
manage its pairs, a pair's own members see it. Everyone concerned is told of a change
through `PairNotices` (the outbox), in the acting update's transaction. No aiogram here.

`PairService` (service.py) is composed of one mixin per concern: base.py (what they share:
views, loads, notices), reading.py, roster.py (and the stage's gaps), forming.py
(creating and proposing), activating.py (and the order, the agreement), ending.py (and
replacing the mentor), choice.py (the mentee's choice), bulk.py («✨ Предложения»),
sweep.py (overdue choices); model.py holds the views, texts.py the agreement and order.
"""

from bot.services.pairs.model import (
    ANSWER_DAYS,
    CHOICE_MAX,
    CHOICE_MIN,
    END_REASONS,
    FILTERS,
    NOTE_MAX,
    OPEN_ANSWERS,
    ORDER_NUMBER_MAX,
    OUTCOMES,
    REMINDER_AFTER,
    CandidateView,
    Gap,
    Member,
    PairView,
    PersonRow,
    Roster,
)
from bot.services.pairs.service import PairService
from bot.services.pairs.texts import AGREEMENTS_FILE, agreement_text, contact_url, parse_order

__all__ = [
    "AGREEMENTS_FILE",
    "ANSWER_DAYS",
    "CHOICE_MAX",
    "CHOICE_MIN",
    "END_REASONS",
    "FILTERS",
    "NOTE_MAX",
    "OPEN_ANSWERS",
    "ORDER_NUMBER_MAX",
    "OUTCOMES",
    "REMINDER_AFTER",
    "CandidateView",
    "Gap",
    "Member",
    "PairService",
    "PairView",
    "PersonRow",
    "Roster",
    "agreement_text",
    "contact_url",
    "parse_order",
]
