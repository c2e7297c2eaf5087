"""What a curator's weekly digest holds (plain, picklable dataclasses), its constants, and
the calendar of a school's digest week."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# What needs attention, in the order the digest lists it.
ATTENTION = (
    "quiet",  # no meeting for the programme's quiet_pair_days
    "low-rating",  # the mean of a mentee's last 3 ratings is 2 or less
    "falling-rating",  # the last 3 ratings' mean fell by 1 or more against the 3 before
    "disputed",  # a mentee said «не было»
    "unconfirmed",  # held more than 3 days ago and a mentee has not confirmed
    "misfit",  # a mentee answered «не подходит»
    "survey-missing",  # the current wave's deadline is within 3 days or past, not submitted
    "unreachable",  # blocked the bot (the outbox marked them)
    "unpaired",  # an active mentee without a proposed or active pair, nothing offered
    "choosing",  # an active mentee without a pair, choosing among offered candidates
    "guardian",  # a minor whose parent has not agreed yet
)
NAMES_SHOWN = 5
LOW_RATING = 2.0
FALL_BY = 1.0
UNCONFIRMED_AFTER = timedelta(days=3)
SURVEY_WARN_BEFORE = timedelta(days=3)
SURVEY_MISSING_SHOWN = timedelta(days=14)  # after the deadline: then it is the results' matter
PROGRAMME_KEPT_AFTER_END = timedelta(days=30)
CHART_WEEKS = 8
OPEN_PAIR = ("proposed", "active")
NO_NAME = "—"
DIGEST_HOURS = range(7, 21)  # the hours a school may choose (local)
KIND = "curator-digest"  # built at send time by bot/jobs/digest_render.py


@dataclass(frozen=True, slots=True)
class Attention:
    key: str  # one of ATTENTION
    count: int
    names: tuple[str, ...]  # the first NAMES_SHOWN (pairs: "mentor — mentees")


@dataclass(frozen=True, slots=True)
class WaveProgress:
    kind: str  # entry | intermediate | exit | pulse
    set: str  # participant | pulse | conditions | swot
    submitted: int
    expected: int
    deadline: date  # the school's local date


@dataclass(frozen=True, slots=True)
class ProgrammeDigest:
    programme_id: int
    name: str
    stage: str
    pairs_active: int
    meetings_week: int  # held this local Monday–Sunday
    meetings_last_week: int
    meetings_total: int
    plan_done: int
    plan_all: int  # items not dropped
    wave: WaveProgress | None  # the latest wave launched


@dataclass(frozen=True, slots=True)
class WeekActivity:
    monday: date
    held: int
    confirmed: int  # held meetings at least one mentee confirmed


@dataclass(frozen=True, slots=True)
class PairRow:
    pair_id: int
    programme: str
    mentor: str
    mentees: tuple[str, ...]
    status: str  # proposed | active | completed | terminated
    since: date | None  # activated (or created), local date
    meetings_held: int
    last_meeting: date | None
    rating: float | None  # the mentees' mean rating, 1 decimal: curators only
    plan_done: int
    plan_all: int
    fit: tuple[str, ...]  # the mentees' answers: fits | unsure | no
    flags: tuple[str, ...]  # attention keys that concern this pair
    mentor_user_id: int | None = None
    label: str = ""  # "mentor — mentees", as in the attention lines


@dataclass(frozen=True, slots=True)
class SchoolDigest:
    organisation_id: int
    name: str
    timezone: str
    today: date  # local
    week: str  # ISO week, e.g. "2026-W48"
    attention: tuple[Attention, ...]  # only the non-empty ones, in ATTENTION order
    programmes: tuple[ProgrammeDigest, ...]
    weeks: tuple[WeekActivity, ...]  # oldest first, the current week last
    pairs: tuple[PairRow, ...]

    @property
    def empty(self) -> bool:
        return not self.programmes


# What a pair's mentees said or did about their mentor: never shown to that mentor, even
# when the mentor is also a curator of the school (DESIGN.md: it goes to the curator only).
ABOUT_THE_MENTOR = ("low-rating", "falling-rating", "disputed", "misfit")


def for_recipient(digest: SchoolDigest, user_id: int) -> SchoolDigest:
    """The digest as this curator may read it: the pairs they mentor themselves lose their
    mentees' ratings, fit answers and disputes, in the attention lines and in the rows."""
    own = {p.pair_id for p in digest.pairs if p.mentor_user_id == user_id}
    if not own:
        return digest
    pairs = tuple(
        replace(
            p,
            rating=None,
            fit=(),
            flags=tuple(f for f in p.flags if f not in ABOUT_THE_MENTOR),
        )
        if p.pair_id in own
        else p
        for p in digest.pairs
    )
    attention: list[Attention] = []
    for item in digest.attention:
        if item.key in ABOUT_THE_MENTOR:
            flagged = [p for p in pairs if item.key in p.flags]
            if flagged:
                names = tuple(p.label for p in flagged[:NAMES_SHOWN])
                attention.append(Attention(item.key, len(flagged), names))
        else:
            attention.append(item)
    return replace(digest, pairs=pairs, attention=tuple(attention))


def subject_of(organisation_id: int) -> str:
    return f"school:{organisation_id}"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def due_moment(timezone: str, weekday: int, hour: int, now: datetime) -> datetime:
    """This local week's digest moment of a school (UTC)."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    day = monday_of(today) + timedelta(days=weekday)
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def end_of_week(timezone: str, now: datetime) -> datetime:
    zone = ZoneInfo(timezone)
    monday = monday_of(now.astimezone(zone).date())
    return datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    organisation_id: int
    name: str
    timezone: str
    weekday: int  # 0 = Monday
    hour: int


@dataclass(frozen=True, slots=True)
class DueSchool:
    organisation_id: int
    week: str  # the school's local ISO week
    expires_at: datetime  # the end of that week


@dataclass
class _Names:
    count: int = 0
    names: list[str] = field(default_factory=list)

    def add(self, name: str | None) -> None:
        self.count += 1
        if name and len(self.names) < NAMES_SHOWN:
            self.names.append(name)


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
