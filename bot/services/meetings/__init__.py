"""Meetings: logged by a pair's mentor (or the school's curator, from a paper diary),
planned by either side and agreed by the other, confirmed and rated by each mentee.

Every call is checked here from the ids the client sent: a pair's mentor and mentees see
its meetings, the school's curators see and fix everything; nobody else learns whether a
pair or meeting exists (the same refusal and audit row as another school's). A mentor
edits or deletes their own log for 48 hours, after that only the curator can.

What the bot says to others (a mentee asked to confirm, the curator told of a dispute, a
proposal to the other side) is queued through the outbox in the acting update's
transaction; reminders and the quiet-pair ladder are computed by `MeetingJobs.tick`, which
the scheduler calls. Time comes from an injectable clock. No aiogram here.

The parts, by what they do:
- `rules`: kinds, formats, limits, the readers of typed input, when a reminder may go out;
- `views`: the pair as the rules see it (`PairContext`) and what the screens are shown;
- `context`: what every part shares — loading a pair or meeting for the actor, the views;
- `records`: logging and editing a held meeting, and the held question after a planned one;
- `planning`: proposing, agreeing and moving a meeting;
- `answers`: the mentee's confirmation, rating and whether the pair fits;
- `setting`: the programme's quiet-pair days;
- `notices`: the messages the feature queues through the outbox;
- `sweep`: the scheduler's tick — reminders, the held question, the quiet-pair ladder;
- `service`: `MeetingService`, the mixins above composed.
"""

from bot.services.errors import AccessDenied
from bot.services.meetings.notices import MESSAGES, RESCHEDULE_DROPS, MeetingNotices
from bot.services.meetings.rules import (
    COMMENT_MAX,
    DEFAULT_DURATION,
    DEFAULT_QUIET_DAYS,
    DURATION_MAX,
    DURATIONS,
    EDIT_WINDOW,
    EVENING_MARGIN,
    FIT_ANSWERS,
    FORMATS,
    KINDS,
    LADDER,
    LOG_DAYS_BACK,
    MINOR_NIGHT_END,
    MINOR_NIGHT_START,
    OUTCOME_MAX,
    PLAN_DAYS_AHEAD,
    QUIET_CHOICES,
    REMINDER_1H,
    REMINDER_24H,
    REMINDER_GRACE,
    REMINDER_LAST_MOMENT,
    STARTS_AT_ARG,
    TOPIC_MAX,
    Clock,
    clean_clock,
    clean_comment,
    clean_day,
    clean_duration,
    clean_outcome,
    clean_topic,
    reminder_moment,
    suggest_kind,
)
from bot.services.meetings.service import MeetingService
from bot.services.meetings.sweep import DueMeeting, MeetingJobs, QuietPair, SweepWork, TickResult
from bot.services.meetings.views import (
    AttendanceView,
    MeetingView,
    PairChoice,
    PairContext,
    Pending,
    Person_,
    Usual,
)

__all__ = [
    "COMMENT_MAX",
    "DEFAULT_DURATION",
    "DEFAULT_QUIET_DAYS",
    "DURATIONS",
    "DURATION_MAX",
    "EDIT_WINDOW",
    "EVENING_MARGIN",
    "FIT_ANSWERS",
    "FORMATS",
    "KINDS",
    "LADDER",
    "LOG_DAYS_BACK",
    "MESSAGES",
    "MINOR_NIGHT_END",
    "MINOR_NIGHT_START",
    "OUTCOME_MAX",
    "PLAN_DAYS_AHEAD",
    "QUIET_CHOICES",
    "REMINDER_1H",
    "REMINDER_24H",
    "REMINDER_GRACE",
    "REMINDER_LAST_MOMENT",
    "RESCHEDULE_DROPS",
    "STARTS_AT_ARG",
    "TOPIC_MAX",
    "AccessDenied",
    "AttendanceView",
    "Clock",
    "DueMeeting",
    "MeetingJobs",
    "MeetingNotices",
    "MeetingService",
    "MeetingView",
    "PairChoice",
    "PairContext",
    "Pending",
    "Person_",
    "QuietPair",
    "SweepWork",
    "TickResult",
    "Usual",
    "clean_clock",
    "clean_comment",
    "clean_day",
    "clean_duration",
    "clean_outcome",
    "clean_topic",
    "reminder_moment",
    "suggest_kind",
]
