"""The programme's meeting setting: after how many days without a held meeting a pair is
quiet (the first step of the quiet-pair ladder)."""

from __future__ import annotations

from bot.services.access import Actor
from bot.services.meetings.context import MeetingBase
from bot.services.meetings.rules import DEFAULT_QUIET_DAYS, QUIET_CHOICES
from bot.storage.models import Programme


class ProgrammeSettingMixin(MeetingBase):
    async def quiet_days(self, actor: Actor, programme_id: int) -> int:
        programme = await self.access.load_curated(
            actor, Programme, programme_id, "programme.quiet_days"
        )
        return programme.quiet_pair_days or DEFAULT_QUIET_DAYS

    async def next_quiet_days(self, actor: Actor, programme_id: int) -> int:
        """The curator steps the programme's quiet-pair days through QUIET_CHOICES."""
        programme = await self.access.load_curated(
            actor, Programme, programme_id, "programme.quiet_days"
        )
        current = programme.quiet_pair_days or DEFAULT_QUIET_DAYS
        later = [d for d in QUIET_CHOICES if d > current]
        programme.quiet_pair_days = later[0] if later else QUIET_CHOICES[0]
        await self.audit.record(
            actor.user_id,
            "programme.quiet_days",
            organisation_id=programme.organisation_id,
            object_type="programme",
            object_id=programme.id,
            days=programme.quiet_pair_days,
        )
        return programme.quiet_pair_days
