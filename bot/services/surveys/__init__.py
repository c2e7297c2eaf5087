"""Questionnaire waves: the curator launches them, participants answer one item at a time.

Answers are saved item by item as the person goes (with the position), so leaving in the
middle or a restart of the bot loses nothing. After Submit a response is final. After the
deadline an unsubmitted response is *missing*: it never counts as a zero.

Messages to participants (the invitation, reminders) go through a notifier with the
outbox's `enqueue` signature; they are rendered at send time in the recipient's language.
Services layer: no aiogram here.

The modules: `base` (presets, values, the service's base), `curating` (the curator's
programmes, waves and pulse settings), `launching` (a wave and its invitations, reminders),
`sweep` (the scheduler's due steps and `run_step`), `results` (a programme's results),
`answering` (a respondent's answers); `service` composes `SurveyService`.
"""

from bot.services.surveys.answering import clean_answer, forget_survey_answers
from bot.services.surveys.base import (
    DEADLINE_DAYS,
    INVITE_KIND,
    LAUNCHES,
    PARTICIPANT_SETS,
    PULSE_ANSWER_DAYS,
    PULSE_EVERY,
    PULSE_EVERY_DAYS,
    PULSE_FIRST_DAY,
    PULSE_FIRST_DAYS,
    REMIND_BEFORE,
    REMINDER_KIND,
    Notifier,
    OpenResponse,
    PairView,
    PersonStatus,
    PulseView,
    Screen,
    SurveyStep,
    WaveView,
    answer_value,
    end_of_day,
)
from bot.services.surveys.service import SurveyService

__all__ = [
    "DEADLINE_DAYS",
    "INVITE_KIND",
    "LAUNCHES",
    "PARTICIPANT_SETS",
    "PULSE_ANSWER_DAYS",
    "PULSE_EVERY",
    "PULSE_EVERY_DAYS",
    "PULSE_FIRST_DAY",
    "PULSE_FIRST_DAYS",
    "REMINDER_KIND",
    "REMIND_BEFORE",
    "Notifier",
    "OpenResponse",
    "PairView",
    "PersonStatus",
    "PulseView",
    "Screen",
    "SurveyService",
    "SurveyStep",
    "WaveView",
    "answer_value",
    "clean_answer",
    "end_of_day",
    "forget_survey_answers",
]
