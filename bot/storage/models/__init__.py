"""Every table, imported here so that metadata and Alembic see them all."""

from bot.storage.models.audit import AuditEntry
from bot.storage.models.base import Base, utcnow
from bot.storage.models.consent import Consent, GuardianLink
from bot.storage.models.dialog_state import DialogState
from bot.storage.models.handled_update import HandledUpdate
from bot.storage.models.invite import Invite
from bot.storage.models.meeting import Meeting, MeetingAttendance, PairFit
from bot.storage.models.membership import Membership
from bot.storage.models.notification import Notification
from bot.storage.models.organisation import Organisation
from bot.storage.models.pair import Candidate, Pair, PairMentee, PairMentorTerm, PlanItem
from bot.storage.models.programme import Programme
from bot.storage.models.reporting import Headcount, Recognition
from bot.storage.models.survey import SurveyAnswer, SurveyPulse, SurveyResponse, SurveyWave
from bot.storage.models.user import User

__all__ = [
    "AuditEntry",
    "Base",
    "Candidate",
    "Consent",
    "DialogState",
    "GuardianLink",
    "HandledUpdate",
    "Headcount",
    "Invite",
    "Meeting",
    "MeetingAttendance",
    "Membership",
    "Notification",
    "Organisation",
    "Pair",
    "PairFit",
    "PairMentee",
    "PairMentorTerm",
    "PlanItem",
    "Programme",
    "Recognition",
    "SurveyAnswer",
    "SurveyPulse",
    "SurveyResponse",
    "SurveyWave",
    "User",
    "utcnow",
]
