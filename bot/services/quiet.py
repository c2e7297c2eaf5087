"""Quiet hours: local time in an organisation's own time zone (default 21:00–08:00).

A window whose start equals its end means "no quiet hours". A window may cross midnight
(21:00–08:00) or not (13:00–15:00).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(8, 0)


@dataclass(frozen=True, slots=True)
class QuietHours:
    timezone: str
    start: time = DEFAULT_QUIET_START
    end: time = DEFAULT_QUIET_END

    def is_quiet(self, moment: datetime) -> bool:
        if self.start == self.end:
            return False
        local = moment.astimezone(ZoneInfo(self.timezone)).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, moment: datetime) -> datetime:
        """The first moment after `moment` when the quiet hours end (UTC)."""
        zone = ZoneInfo(self.timezone)
        local = moment.astimezone(zone)
        candidate = datetime.combine(local.date(), self.end, tzinfo=zone)
        if candidate <= local:
            candidate = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=zone)
        return candidate.astimezone(UTC)
