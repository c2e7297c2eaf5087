"""`MeetingService`: each concern's mixin composed into the one service the dialogs,
handlers and jobs call."""

from __future__ import annotations

from bot.services.meetings.answers import AnswersMixin
from bot.services.meetings.planning import PlanningMixin
from bot.services.meetings.records import RecordsMixin
from bot.services.meetings.setting import ProgrammeSettingMixin


class MeetingService(RecordsMixin, PlanningMixin, AnswersMixin, ProgrammeSettingMixin):
    """Meetings of a pair: logged, planned and agreed, answered by the mentees; and the
    programme's quiet-pair setting."""
