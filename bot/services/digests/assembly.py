"""The digest put together per school from the loaded figures (no statements here): the
attention lines, each programme's progress, the weeks' activity and a row per pair."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bot.services.digests.model import (
    ATTENTION,
    CHART_WEEKS,
    FALL_BY,
    LOW_RATING,
    NO_NAME,
    OPEN_PAIR,
    Attention,
    PairRow,
    ProgrammeDigest,
    SchoolDigest,
    WaveProgress,
    WeekActivity,
    _as_utc,
    _Names,
    iso_week,
    monday_of,
)
from bot.services.meetings import DEFAULT_QUIET_DAYS

if TYPE_CHECKING:
    from bot.services.digests.computation import _Computation


def assemble(loaded: _Computation) -> list[SchoolDigest]:
    return _Assembly(loaded).result()


class _Assembly:
    def __init__(self, loaded: _Computation) -> None:
        self.c = loaded
        zones = loaded.zones
        self.attention: dict[int, dict[str, _Names]] = {
            org: {key: _Names() for key in ATTENTION} for org in zones
        }
        self.paired_mentees: set[int] = set()
        self.pair_rows: dict[int, list[PairRow]] = defaultdict(list)
        self.programme_pairs: dict[int, int] = defaultdict(int)
        self.programme_plan: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        self.programme_total: dict[int, int] = defaultdict(int)
        self.programme_week: dict[int, int] = defaultdict(int)
        self.programme_last_week: dict[int, int] = defaultdict(int)
        self.weeks: dict[int, dict[date, list[int]]] = {
            org: {
                loaded.week_of[org] - timedelta(weeks=k): [0, 0]
                for k in range(CHART_WEEKS - 1, -1, -1)
            }
            for org in zones
        }
        self.wave_of: dict[int, WaveProgress] = {}

    def result(self) -> list[SchoolDigest]:
        self._count_weeks()
        for pair in self.c.pairs:
            self._add_pair(pair)
        self._add_waves()
        self._add_people()
        return [
            self._school(org_id, org_name, timezone) for org_id, org_name, timezone in self.c.orgs
        ]

    def _count_weeks(self) -> None:
        """The chart's weeks per school, this week's and last week's meetings per programme."""
        c = self.c
        for org, programme_id, day, n, confirmed in c.by_day:
            if org not in c.zones:
                continue
            monday = monday_of(day)
            if monday in self.weeks[org]:
                self.weeks[org][monday][0] += int(n)
                self.weeks[org][monday][1] += int(confirmed or 0)
            if monday == c.week_of[org]:
                self.programme_week[programme_id] += int(n)
            elif monday == c.week_of[org] - timedelta(weeks=1):
                self.programme_last_week[programme_id] += int(n)

    def _add_pair(self, pair: Any) -> None:
        """The pair's row, its flags in the attention lines, its share of the programme's."""
        c = self.c
        org = pair.organisation_id
        if org not in c.zones or pair.programme_id not in c.programme_name:
            return
        zone = c.zones[org]
        label = f"{pair.full_name or NO_NAME} — " + ", ".join(
            name for _m, name in c.mentees[pair.id]
        )
        count, last, avg, disputed, unconfirmed = c.per_pair.get(pair.id, (0, None, None, 0, 0))
        self.programme_total[pair.programme_id] += count
        done, total = c.plans.get(pair.id, (0, 0))
        is_open = pair.status in OPEN_PAIR
        if is_open:
            self.paired_mentees.update(m for m, _n in c.mentees[pair.id])
        flags: list[str] = []
        if pair.status == "active":
            self.programme_pairs[pair.programme_id] += 1
            self.programme_plan[pair.programme_id][0] += done
            self.programme_plan[pair.programme_id][1] += total
            flags.extend(self._active_flags(pair, last))
        if is_open and disputed:
            flags.append("disputed")
        if is_open and unconfirmed:
            flags.append("unconfirmed")
        answers = c.fits.get(pair.id, [])
        if is_open and any(answer == "no" for _m, answer in answers):
            flags.append("misfit")
        for flag in flags:
            self.attention[org][flag].add(label)
        start_at = pair.activated_at or pair.created_at
        self.pair_rows[org].append(
            PairRow(
                pair_id=pair.id,
                programme=c.programme_name.get(pair.programme_id, ""),
                mentor=pair.full_name or NO_NAME,
                mentees=tuple(name for _m, name in c.mentees[pair.id]),
                status=pair.status,
                since=_as_utc(start_at).astimezone(zone).date() if start_at else None,
                meetings_held=count,
                last_meeting=last,
                rating=round(float(avg), 1) if avg is not None else None,
                plan_done=done,
                plan_all=total,
                fit=tuple(answer for _m, answer in answers),
                flags=tuple(flags),
                mentor_user_id=pair.mentor_user_id,
                label=label,
            )
        )

    def _active_flags(self, pair: Any, last: date | None) -> list[str]:
        """An active pair's: quiet for too long, low or falling ratings."""
        c = self.c
        org = pair.organisation_id
        flags: list[str] = []
        since_day: date | None = last
        if since_day is None:
            start = _as_utc(pair.activated_at or pair.created_at)
            since_day = start.astimezone(c.zones[org]).date()
        if (c.today[org] - since_day).days >= c.quiet_days.get(
            pair.programme_id, DEFAULT_QUIET_DAYS
        ):
            flags.append("quiet")
        low = falling = False
        for membership_id, _name in c.mentees[pair.id]:
            ratings = c.recent.get((pair.id, membership_id), [])
            last3, before = ratings[:3], ratings[3:6]
            if len(last3) == 3 and sum(last3) / 3 <= LOW_RATING:
                low = True
            elif len(before) == 3 and sum(before) / 3 - sum(last3) / 3 >= FALL_BY:
                falling = True
        if low:
            flags.append("low-rating")
        if falling:
            flags.append("falling-rating")
        return flags

    def _add_waves(self) -> None:
        c = self.c
        for _id, programme_id, org, kind, set_key, deadline, expected, submitted in c.waves:
            if org not in c.zones:
                continue
            self.wave_of[programme_id] = WaveProgress(
                kind=kind,
                set=set_key,
                submitted=int(submitted),
                expected=int(expected),
                deadline=_as_utc(deadline).astimezone(c.zones[org]).date(),
            )
        for org, name in c.missing_rows:
            if org in c.zones:
                self.attention[org]["survey-missing"].add(name or NO_NAME)

    def _add_people(self) -> None:
        seen: dict[str, set[tuple[int, int]]] = defaultdict(set)
        attention = self.attention
        for row in self.c.people:
            org, membership_id, role, status, user_id, name, reachable, has_chat = row[:8]
            waiting, choosing = row[8:]
            if org not in self.c.zones:
                continue
            # One person with two memberships (two programmes) counts once per school.
            if not reachable and has_chat and (org, user_id) not in seen["unreachable"]:
                seen["unreachable"].add((org, user_id))
                attention[org]["unreachable"].add(name or NO_NAME)
            if waiting and (org, user_id) not in seen["guardian"]:
                seen["guardian"].add((org, user_id))
                attention[org]["guardian"].add(name or NO_NAME)
            if role == "mentee" and status == "active" and membership_id not in self.paired_mentees:
                # Choosing among offered mentors is a step of pairing, not "without a pair".
                attention[org]["choosing" if choosing else "unpaired"].add(name or NO_NAME)

    def _school(self, org_id: int, org_name: str, timezone: str) -> SchoolDigest:
        today = self.c.today[org_id]
        org_programmes = tuple(
            ProgrammeDigest(
                programme_id=p.id,
                name=p.name,
                stage=p.stage,
                pairs_active=self.programme_pairs[p.id],
                meetings_week=self.programme_week[p.id],
                meetings_last_week=self.programme_last_week[p.id],
                meetings_total=self.programme_total[p.id],
                plan_done=self.programme_plan[p.id][0],
                plan_all=self.programme_plan[p.id][1],
                wave=self.wave_of.get(p.id),
            )
            for p in self.c.programmes
            if p.organisation_id == org_id
        )
        return SchoolDigest(
            organisation_id=org_id,
            name=org_name,
            timezone=timezone,
            today=today,
            week=iso_week(today),
            attention=tuple(
                Attention(key, found.count, tuple(found.names))
                for key, found in self.attention[org_id].items()
                if found.count
            ),
            programmes=org_programmes,
            weeks=tuple(
                WeekActivity(monday, held_n, confirmed_n)
                for monday, (held_n, confirmed_n) in self.weeks[org_id].items()
            ),
            pairs=tuple(self.pair_rows[org_id]),
        )
