"""The services one update works with, all sharing the update's session."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services.access import AccessService
from bot.services.audit import AuditService
from bot.services.bulk_import import BulkImportService
from bot.services.catalog import Catalog, load_catalog
from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.consent import ConsentService
from bot.services.digests import DigestService
from bot.services.headcounts import HeadcountService
from bot.services.invites import InviteService
from bot.services.matching import MatchingRules, MatchingService, load_rules
from bot.services.meetings import MeetingService
from bot.services.memberships import MembershipService
from bot.services.municipality import MunicipalityService
from bot.services.organisations import OrganisationService
from bot.services.outbox import Outbox
from bot.services.pairs import PairService
from bot.services.participants import ParticipantService
from bot.services.personal_data import PersonalDataService
from bot.services.plan import PlanService
from bot.services.programmes import ProgrammeService
from bot.services.questionnaires import QuestionnaireCatalog, load_questionnaires
from bot.services.quiet import QuietHoursService
from bot.services.recognition import RecognitionService
from bot.services.registration import RegistrationService
from bot.services.reports import ReportService
from bot.services.status import StatusService
from bot.services.surveys import SurveyService
from bot.services.users import UserService


@dataclass(frozen=True)
class ServiceSettings:
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    default_timezone: str = "Europe/Moscow"
    default_locale: str = "ru"
    invite_ttl_days: int = 30
    catalog: Catalog = field(default_factory=load_catalog)
    questionnaires: QuestionnaireCatalog = field(default_factory=load_questionnaires)
    matching: MatchingRules = field(default_factory=load_rules)
    clock: Clock = SYSTEM_CLOCK

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = SYSTEM_CLOCK) -> ServiceSettings:
        """What the services need of the bot's settings, with the catalog, questionnaires and
        matching rules loaded from their files: the handlers and the jobs get the same."""
        return cls(
            admin_ids=settings.admin_ids,
            default_timezone=settings.default_timezone,
            default_locale=settings.default_locale,
            invite_ttl_days=settings.invite_ttl_days,
            catalog=load_catalog(settings.extra_forms_file),
            questionnaires=load_questionnaires(settings.questionnaires_dir),
            matching=load_rules(settings.matching_file),
            clock=clock,
        )


class ServiceHub:
    def __init__(self, session: AsyncSession, settings: ServiceSettings) -> None:
        self.session = session
        self.settings = settings

    @property
    def catalog(self) -> Catalog:
        return self.settings.catalog

    @cached_property
    def users(self) -> UserService:
        return UserService(self.session, self.settings.clock.now)

    @cached_property
    def audit(self) -> AuditService:
        return AuditService(self.session)

    @cached_property
    def access(self) -> AccessService:
        return AccessService(self.session, self.settings.admin_ids, self.audit)

    @cached_property
    def organisations(self) -> OrganisationService:
        return OrganisationService(
            self.session, self.access, self.audit, self.settings.default_timezone
        )

    @cached_property
    def programmes(self) -> ProgrammeService:
        return ProgrammeService(self.session, self.access, self.audit, self.catalog)

    @cached_property
    def invites(self) -> InviteService:
        return InviteService(self.session, self.access, self.audit, self.settings.invite_ttl_days)

    @cached_property
    def consent(self) -> ConsentService:
        return ConsentService(self.session, self.access, self.audit)

    @cached_property
    def participants(self) -> ParticipantService:
        return ParticipantService(self.session, self.access, self.consent)

    @cached_property
    def registration(self) -> RegistrationService:
        return RegistrationService(self.session, self.catalog, self.access, self.audit)

    @cached_property
    def personal_data(self) -> PersonalDataService:
        return PersonalDataService(self.session, self.audit)

    @cached_property
    def imports(self) -> BulkImportService:
        return BulkImportService(self.invites, self.access, self.session, self.catalog)

    @cached_property
    def memberships(self) -> MembershipService:
        return MembershipService(self.session, self.consent)

    @cached_property
    def surveys(self) -> SurveyService:
        return SurveyService(
            self.session,
            self.access,
            self.audit,
            self.catalog,
            self.settings.questionnaires,
            notifier=self.outbox,
            now=self.settings.clock.now,
        )

    @cached_property
    def outbox(self) -> Outbox:
        return Outbox(self.session, self.settings.clock)

    @cached_property
    def quiet_hours(self) -> QuietHoursService:
        return QuietHoursService(self.session, self.access, self.audit)

    @cached_property
    def matching(self) -> MatchingService:
        return MatchingService(self.session, self.access, self.catalog, self.settings.matching)

    @cached_property
    def pairs(self) -> PairService:
        return PairService(
            self.session,
            self.access,
            self.audit,
            self.consent,
            self.catalog,
            self.settings.matching,
            self.outbox,
        )

    @cached_property
    def plan(self) -> PlanService:
        return PlanService(self.session, self.access, self.audit, self.pairs)

    @cached_property
    def status(self) -> StatusService:
        return StatusService(self.session, self.pairs, self.surveys, self.settings.clock.now)

    @cached_property
    def meetings(self) -> MeetingService:
        return MeetingService(self.session, self.access, self.audit, self.settings.clock.now)

    @cached_property
    def digests(self) -> DigestService:
        return DigestService(self.session, self.outbox, self.access, self.audit)

    @cached_property
    def headcounts(self) -> HeadcountService:
        return HeadcountService(self.session, self.access, self.audit, self.settings.clock)

    @cached_property
    def municipality(self) -> MunicipalityService:
        return MunicipalityService(self.session, self.access, self.audit, self.settings.clock)

    @cached_property
    def recognition(self) -> RecognitionService:
        return RecognitionService(self.session, self.access, self.audit, self.settings.clock.now)

    @cached_property
    def reports(self) -> ReportService:
        return ReportService(self.session, self.access, self.outbox, self.settings.clock)
