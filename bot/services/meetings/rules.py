"""What a meeting may be: its kinds, formats and limits, the readers of what people type,
the kind suggested next, and when a reminder may go out (never in the quiet hours)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.errors import InvalidInput
from bot.services.numbers import calendar_day, clock_time, whole_number
from bot.services.registration import clean_text

# The methodology's order (Р-145): the kind suggested next follows the pair's history.
KINDS = ("organisational", "trial", "planning", "regular", "final")
FORMATS = ("offline", "online")
DURATIONS = (30, 45, 60, 90)
DURATION_MAX = 600
DEFAULT_DURATION = 45
TOPIC_MAX = 200
OUTCOME_MAX = 1000
COMMENT_MAX = 1000
EDIT_WINDOW = timedelta(hours=48)
LOG_DAYS_BACK = 366
PLAN_DAYS_AHEAD = 120
# A notification's argument with a meeting's start (ISO): the renderer adds `left`, the time
# really left when the message goes out.
STARTS_AT_ARG = "starts_at"
# No meeting with a minor is planned between these hours (local time).
MINOR_NIGHT_START = time(21, 0)
MINOR_NIGHT_END = time(7, 0)
FIT_ANSWERS = ("fits", "unsure", "no")
DEFAULT_QUIET_DAYS = 14
QUIET_CHOICES = (7, 10, 14, 21, 30)
# The quiet-pair ladder: days after the programme's N (14 → 14, 21, 30).
LADDER = (("nudge", 0), ("curator", 7), ("close", 16))
REMINDER_24H = timedelta(hours=24)
REMINDER_1H = timedelta(hours=1)
# A reminder whose moment passed longer ago than this is not queued (a meeting agreed less
# than a day ahead gets no «tomorrow» seconds later), and one not sent by the last moment it
# helps expires: the day-before one when the hour-before one is due, that one shortly before.
REMINDER_GRACE = timedelta(minutes=15)
REMINDER_LAST_MOMENT = {
    "meeting-reminder-24h": REMINDER_1H,
    "meeting-reminder-1h": timedelta(minutes=10),
}
# A 24-hour reminder that would fall in the night goes this long before the night starts.
EVENING_MARGIN = timedelta(minutes=30)

Clock = Callable[[], datetime]


def clean_duration(text: str) -> int:
    """A typed duration in minutes: «50», «50 мин», «1:30» (hours:minutes)."""
    value = text.strip().lower().rstrip(".")
    for suffix in ("минут", "мин", "min", "m"):
        if value.endswith(suffix):
            value = value[: -len(suffix)].strip()
            break
    code, limit = "meeting-duration", DURATION_MAX
    if ":" in value:
        hours, minutes = value.split(":", 1)
        length = clock_time(hours, minutes, code, limit=limit)
        total = length.hour * 60 + length.minute
    else:
        total = whole_number(value, code, low=0, high=DURATION_MAX, limit=limit)
    if not 5 <= total <= DURATION_MAX:
        raise InvalidInput(code, limit=limit)
    return total


def clean_day(text: str, today: date) -> date:
    """A typed date: «23.11», «23.11.2026», «2026-11-23»."""
    value = text.strip().rstrip(".")
    parts = value.split("-") if "-" in value else value.replace("/", ".").split(".")
    if "-" in value and len(parts) == 3:
        return calendar_day(parts[2], parts[1], parts[0], "meeting-date")
    if "-" not in value and len(parts) == 2:
        return calendar_day(parts[0], parts[1], today.year, "meeting-date")
    if "-" not in value and len(parts) == 3:
        return calendar_day(parts[0], parts[1], parts[2], "meeting-date")
    raise InvalidInput("meeting-date")


def clean_clock(text: str) -> time:
    """A typed time of day: «15:30», «15.30», «15»."""
    value = text.strip().replace(".", ":").replace("-", ":")
    hours, _, minutes = value.partition(":")
    return clock_time(hours, minutes if ":" in value else "0", "meeting-time")


def clean_topic(text: str) -> str:
    return clean_text(text, TOPIC_MAX)


def clean_outcome(text: str) -> str:
    return clean_text(text, OUTCOME_MAX)


def clean_comment(text: str) -> str:
    return clean_text(text, COMMENT_MAX)


def suggest_kind(held: Sequence[str]) -> str:
    """The next kind in the methodology's order: the first of организационная, пробная,
    планирование not held yet, then регулярная."""
    done = set(held)
    for kind in KINDS[:3]:
        if kind not in done:
            return kind
    return "regular"


def in_window(local: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def reminder_moment(
    starts_at: datetime, before: timedelta, timezone: str, quiet_start: time, quiet_end: time
) -> datetime | None:
    """When to remind about a meeting at `starts_at`, `before` ahead, never in the quiet
    hours: a 24-hour reminder that would fall in the night moves to the evening before the
    night (EVENING_MARGIN before it starts); a 1-hour one moves to the morning when the
    night ends, or is dropped when that is not before the meeting."""
    zone = ZoneInfo(timezone)
    moment = starts_at - before
    local = moment.astimezone(zone)
    if not in_window(local.time(), quiet_start, quiet_end):
        return moment
    if before >= REMINDER_24H:
        # The evening the night began: step back to the last moment before quiet_start.
        day = local.date()
        if quiet_start > quiet_end and local.time() < quiet_end:
            day -= timedelta(days=1)
        evening = datetime.combine(day, quiet_start, tzinfo=zone) - EVENING_MARGIN
        return evening.astimezone(UTC)
    day = local.date()
    if local.time() >= quiet_start > quiet_end:
        day += timedelta(days=1)
    morning = datetime.combine(day, quiet_end, tzinfo=zone).astimezone(UTC)
    return morning if morning < starts_at else None
