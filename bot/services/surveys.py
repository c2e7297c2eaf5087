"""Questionnaire waves: the curator launches them, participants answer one item at a time.

Answers are saved item by item as the person goes (with the position), so leaving in the
middle or a restart of the bot loses nothing. After Submit a response is final. After the
deadline an unsubmitted response is *missing*: it never counts as a zero.

Messages to participants (the invitation, reminders) go through a notifier with the
outbox's `enqueue` signature; they are rendered at send time in the recipient's language.
Services layer: no aiogram here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.access import PARTICIPANT_ROLES, AccessService, Actor
from bot.services.audit import AuditService
from bot.services.catalog import Catalog
from bot.services.consent import takes_part
from bot.services.errors import InvalidInput, NotFound
from bot.services.numbers import whole_number
from bot.services.open_surveys import open_count_of
from bot.services.outbox import Queued
from bot.services.questionnaires import (
    ANSWER_TEXT_MAX,
    NO,
    YES,
    Item,
    Questionnaire,
    QuestionnaireCatalog,
)
from bot.services.survey_results import (
    Completion,
    Key,
    ProgrammeResults,
    RawAnswer,
    compare,
    satisfaction_index,
    school_time,
)
from bot.storage.models import (
    Membership,
    Organisation,
    Pair,
    PairMentee,
    Programme,
    SurveyAnswer,
    SurveyPulse,
    SurveyResponse,
    SurveyWave,
    User,
    utcnow,
)

log = logging.getLogger(__name__)

#: What a curator can launch: (set, wave kind) and who answers it.
LAUNCHES: dict[str, tuple[str, str]] = {
    "entry": ("participant", "entry"),
    "intermediate": ("participant", "intermediate"),
    "exit": ("participant", "exit"),
    "pulse": ("pulse", "pulse"),
    "conditions": ("conditions", "exit"),
    "swot": ("swot", "exit"),
}
DEADLINE_DAYS = (7, 14, 30)
PULSE_FIRST_DAY = 30
PULSE_EVERY_DAYS = 60
#: What a curator may choose for the pulse: the first one on day N of the programme,
#: then one every N days.
PULSE_FIRST_DAYS = (14, 30, 45)
PULSE_EVERY = (30, 60, 90)
PULSE_ANSWER_DAYS = 7
REMIND_BEFORE = timedelta(days=3)
#: The sets a programme's mentors and mentees answer (the others are the curators').
PARTICIPANT_SETS = ("participant", "pulse")
INVITE_KIND = "survey-invite"
REMINDER_KIND = "survey-reminder"
INSERT_CHUNK = 1000  # responses per INSERT (6 parameters each; at most 32,767 in all)


@dataclass(frozen=True, slots=True)
class PulseView:
    enabled: bool
    first_day: int
    every_days: int


class Notifier(Protocol):
    async def enqueue(
        self,
        *,
        kind: str,
        subject: str,
        recipient_user_id: int,
        args: dict[str, Any] | None = None,
        period: str = "",
        expires_at: datetime | None = None,
    ) -> bool: ...

    async def enqueue_many(self, rows: Sequence[Queued]) -> list[Queued]: ...


@dataclass(frozen=True, slots=True)
class WaveView:
    id: int
    programme_id: int
    organisation_id: int
    set: str
    kind: str
    deadline: datetime
    deadline_local: date
    invited: int
    submitted: int
    closed: bool


@dataclass(frozen=True, slots=True)
class PairView:
    id: int
    mentor: str
    mentees: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PersonStatus:
    user_id: int
    name: str | None
    role: str
    status: str  # submitted | started | not_started | missing


@dataclass(frozen=True, slots=True)
class Screen:
    """What the answering dialog shows now."""

    response_id: int
    questionnaire: Questionnaire
    items: tuple[Item, ...]  # shown to this person, in order
    current: Item | None  # None: the summary
    number: int  # 1-based among `items`
    answers: dict[str, Any]
    minor: bool
    submitted: bool
    closed: bool
    deadline_local: date
    kind: str

    @property
    def total(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True)
class OpenResponse:
    response_id: int
    questionnaire: Questionnaire
    kind: str
    deadline_local: date
    started: bool


def end_of_day(day: date, timezone: str) -> datetime:
    """The last moment of `day` in the school's time zone, as UTC."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


def answer_value(answer: SurveyAnswer, item: Item | None) -> Any:
    if answer.number is not None:
        return answer.number
    if item is not None and item.type == "multi":
        return [k for k in (answer.text or "").split(",") if k]
    return answer.text


def _reachable(role: Any, user_id: Any, organisation_id: Any) -> Any:
    """Consent's rule (`takes_part`) for a mentor's or mentee's questionnaire; the school's
    curators answer theirs as staff."""
    return or_(role.not_in(PARTICIPANT_ROLES), takes_part(user_id, organisation_id))


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive UTC datetimes."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SurveyStep:
    """One thing the questionnaires' job does: remind a wave ("before" its deadline or on
    the "due" day; `id` is the wave's), run a "pulse" (`id` is the programme's), or give an
    open wave to those who could not be asked at its launch ("catch_up"; the wave's id)."""

    what: str
    id: int
    number: int | None = None
    deadline: datetime | None = None


class SurveyService:
    def __init__(
        self,
        session: AsyncSession,
        access: AccessService,
        audit: AuditService,
        catalog: Catalog,
        questionnaires: QuestionnaireCatalog,
        notifier: Notifier | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.session = session
        self.access = access
        self.audit = audit
        self.catalog = catalog
        self.questionnaires = questionnaires
        self.notifier = notifier
        self.now = now

    # --- the curator --------------------------------------------------------------

    async def programmes(self, actor: Actor) -> list[Programme]:
        """The programmes the person runs questionnaires in: their schools' as a curator;
        every school's for an admin (who manages every school, as `AccessService` says)."""
        return [p for p, _ in await self.programmes_with_schools(actor)]

    async def programmes_with_schools(self, actor: Actor) -> list[tuple[Programme, str]]:
        """`programmes` with each one's school name (an admin sees several schools)."""
        query = select(Programme, Organisation.name).join(
            Organisation, Organisation.id == Programme.organisation_id
        )
        if not actor.is_admin:
            schools = {r.organisation_id for r in actor.active("curator")}
            if not schools:
                return []
            query = query.where(Programme.organisation_id.in_(schools))
        rows = await self.session.execute(
            query.order_by(Organisation.name, Programme.name, Programme.id)
        )
        return [(p, str(name)) for p, name in rows.all()]

    async def programme(self, actor: Actor, programme_id: int, action: str) -> Programme:
        programme = await self.session.get(Programme, programme_id)
        await self.access.require_curator(
            actor,
            programme.organisation_id if programme else None,
            action,
            object_type="programme",
            object_id=programme_id,
        )
        assert programme is not None
        return programme

    async def _timezone(self, organisation_id: int) -> str:
        org = await self.session.get(Organisation, organisation_id)
        return org.timezone if org else "Europe/Moscow"

    async def launch(
        self,
        actor: Actor,
        programme_id: int,
        launch: str,
        deadline: date,
        pair_ids: list[int] | None = None,
    ) -> WaveView:
        """A wave for the programme's active participants — or the participants of the
        chosen pairs — (or its curators for the curator's questionnaires); each person gets
        the invitation."""
        programme = await self.programme(actor, programme_id, "survey.launch")
        if launch not in LAUNCHES:
            raise InvalidInput("survey-launch")
        set_key, kind = LAUNCHES[launch]
        if pair_ids is not None:
            if set_key in ("conditions", "swot"):
                raise InvalidInput("survey-launch")
            known = {p.id for p in await self.pairs(actor, programme_id)}
            if not pair_ids or not set(pair_ids) <= known:
                raise InvalidInput("survey-pairs")
        timezone = await self._timezone(programme.organisation_id)
        if deadline < self.now().astimezone(ZoneInfo(timezone)).date():
            raise InvalidInput("survey-deadline-past")
        wave = await self._create_wave(
            programme,
            set_key,
            kind,
            end_of_day(deadline, timezone),
            actor.user_id,
            pair_ids=pair_ids,
        )
        await self.audit.record(
            actor.user_id, "survey.launch", wave_id=wave.id, programme_id=programme.id, kind=kind
        )
        return await self._view(wave)

    async def _create_wave(
        self,
        programme: Programme,
        set_key: str,
        kind: str,
        deadline: datetime,
        user_id: int | None,
        pulse_number: int | None = None,
        pair_ids: list[int] | None = None,
    ) -> SurveyWave:
        wave = SurveyWave(
            organisation_id=programme.organisation_id,
            programme_id=programme.id,
            questionnaire_key=set_key,
            kind=kind,
            deadline=deadline,
            pulse_number=pulse_number,
            pairs_only=pair_ids is not None,
            created_by_user_id=user_id,
            created_at=self.now(),
        )
        self.session.add(wave)
        await self.session.flush()
        await self._add_responses(wave, await self._targets(programme, set_key, pair_ids))
        return wave

    async def _add_responses(self, wave: SurveyWave, targets: list[tuple[int, str]]) -> int:
        """A response and an invitation for each (user id, role) that has a questionnaire
        of the wave: a fixed number of statements however many people."""
        rows = []
        for member_user_id, role in targets:
            questionnaire = self.questionnaires.find(wave.questionnaire_key, role, wave.kind)
            if questionnaire is None:
                continue
            rows.append(
                {
                    "wave_id": wave.id,
                    "user_id": member_user_id,
                    "role": role,
                    "questionnaire": questionnaire.key,
                    "position": 0,
                    "created_at": self.now(),
                }
            )
        people: dict[int, int] = {}  # response id -> user id
        for start in range(0, len(rows), INSERT_CHUNK):
            inserted = await self.session.execute(
                insert(SurveyResponse)
                .values(rows[start : start + INSERT_CHUNK])
                .returning(SurveyResponse.id, SurveyResponse.user_id)
            )
            people.update({int(i): int(u) for i, u in inserted})
        return await self._notify_all(INVITE_KIND, wave, people, "")

    async def _targets(
        self, programme: Programme, set_key: str, pair_ids: list[int] | None = None
    ) -> list[tuple[int, str]]:
        if pair_ids is not None:
            members = (
                select(Pair.mentor_membership_id.label("mid"))
                .where(Pair.id.in_(pair_ids))
                .union(
                    select(PairMentee.mentee_membership_id.label("mid")).where(
                        PairMentee.pair_id.in_(pair_ids)
                    )
                )
            )
            query = select(Membership.user_id, Membership.role).where(
                Membership.id.in_(select(members.subquery().c.mid)),
                Membership.programme_id == programme.id,
            )
        elif set_key in ("conditions", "swot"):
            query = select(Membership.user_id, Membership.role).where(
                Membership.organisation_id == programme.organisation_id,
                Membership.role == "curator",
            )
        else:
            query = select(Membership.user_id, Membership.role).where(
                Membership.programme_id == programme.id,
                Membership.role.in_(("mentor", "mentee")),
            )
        # A mentor or mentee is asked only once they take part (a minor: after a parent's
        # consent); the tick gives them an open wave later (`_catch_up`).
        query = query.where(
            _reachable(Membership.role, Membership.user_id, Membership.organisation_id)
        )
        rows = await self.session.execute(
            query.where(Membership.status == "active").order_by(Membership.id)
        )
        seen: set[tuple[int, str]] = set()
        result = []
        for user_id, role in rows:
            if (user_id, role) not in seen:
                seen.add((user_id, role))
                result.append((user_id, role))
        return result

    async def _notify_all(
        self, kind: str, wave: SurveyWave, people: dict[int, int], period: str
    ) -> int:
        """The invitation or a reminder to the people of these responses (response id →
        user id) who can be messaged: two statements (who, then one insert) however many
        people."""
        if self.notifier is None or not people:
            return 0
        rows = await self.session.execute(
            select(SurveyResponse.id, User.is_minor)
            .join(User, User.id == SurveyResponse.user_id)
            .where(
                SurveyResponse.wave_id == wave.id,  # the wave's, not a list of ids that grows
                User.telegram_id.is_not(None),
            )
            .order_by(SurveyResponse.id)
        )
        timezone = await self._timezone(wave.organisation_id)
        local = wave.deadline.astimezone(ZoneInfo(timezone)).date()
        notices = [
            Queued(
                kind=kind,
                # The person's own key: a withdrawal forgets what is still pending for them.
                subject=f"user:{people[response_id]}",
                recipient_user_id=people[response_id],
                args={
                    "wave": wave.kind,
                    "set": wave.questionnaire_key,
                    "deadline": local.strftime("%d.%m.%Y"),
                    "young": "yes" if is_minor else "no",
                    # One tap starts it (bot/handlers/openers.py checks it is still open).
                    "_buttons": [
                        [{"label": "notice-btn-survey", "open": "survey", "id": response_id}]
                    ],
                },
                period=f"wave:{wave.id}:{period}" if period else f"wave:{wave.id}",
                expires_at=wave.deadline,
            )
            for response_id, is_minor in rows
            if response_id in people
        ]
        return len(await self.notifier.enqueue_many(notices)) if notices else 0

    async def _view(self, wave: SurveyWave) -> WaveView:
        counts = (
            await self.session.execute(
                select(
                    func.count(SurveyResponse.id),
                    func.count(SurveyResponse.submitted_at),
                ).where(SurveyResponse.wave_id == wave.id)
            )
        ).one()
        timezone = await self._timezone(wave.organisation_id)
        return WaveView(
            id=wave.id,
            programme_id=wave.programme_id,
            organisation_id=wave.organisation_id,
            set=wave.questionnaire_key,
            kind=wave.kind,
            deadline=wave.deadline,
            deadline_local=wave.deadline.astimezone(ZoneInfo(timezone)).date(),
            invited=int(counts[0]),
            submitted=int(counts[1]),
            closed=self.now() > wave.deadline,
        )

    async def pairs(self, actor: Actor, programme_id: int) -> list[PairView]:
        """The programme's open pairs and groups, to launch a wave for some of them."""
        await self.programme(actor, programme_id, "survey.pairs")
        mentor_user = aliased(User)
        rows = await self.session.execute(
            select(Pair.id, mentor_user.full_name)
            .join(Membership, Membership.id == Pair.mentor_membership_id)
            .join(mentor_user, mentor_user.id == Membership.user_id)
            .where(Pair.programme_id == programme_id, Pair.status.in_(("proposed", "active")))
            .order_by(Pair.id)
        )
        pairs = list(rows)
        mentees: dict[int, list[str]] = {}
        if pairs:
            mentee_rows = await self.session.execute(
                select(PairMentee.pair_id, User.full_name)
                .join(Membership, Membership.id == PairMentee.mentee_membership_id)
                .join(User, User.id == Membership.user_id)
                .where(PairMentee.pair_id.in_([p[0] for p in pairs]))
                .order_by(User.full_name)
            )
            for pair_id, name in mentee_rows:
                mentees.setdefault(pair_id, []).append(name or "—")
        return [
            PairView(pair_id, mentor or "—", tuple(mentees.get(pair_id, ())))
            for pair_id, mentor in pairs
        ]

    async def waves(self, actor: Actor, programme_id: int) -> list[WaveView]:
        await self.programme(actor, programme_id, "survey.list")
        rows = await self.session.scalars(
            select(SurveyWave)
            .where(SurveyWave.programme_id == programme_id)
            .order_by(SurveyWave.created_at.desc(), SurveyWave.id.desc())
        )
        return [await self._view(w) for w in rows]

    async def wave(self, actor: Actor, wave_id: int, action: str = "survey.view") -> SurveyWave:
        wave = await self.session.get(SurveyWave, wave_id)
        await self.access.require_curator(
            actor,
            wave.organisation_id if wave else None,
            action,
            object_type="survey_wave",
            object_id=wave_id,
        )
        assert wave is not None
        return wave

    async def wave_view(self, actor: Actor, wave_id: int) -> WaveView:
        return await self._view(await self.wave(actor, wave_id))

    async def statuses(self, actor: Actor, wave_id: int) -> list[PersonStatus]:
        """Who answered and who did not. After the deadline the rest are *missing*."""
        wave = await self.wave(actor, wave_id, "survey.status")
        closed = self.now() > wave.deadline
        rows = await self.session.execute(
            select(SurveyResponse, User.full_name)
            .join(User, User.id == SurveyResponse.user_id)
            .where(SurveyResponse.wave_id == wave.id)
            .order_by(User.full_name, SurveyResponse.id)
        )
        result = []
        for response, name in rows:
            if response.submitted_at is not None:
                status = "submitted"
            elif closed:
                status = "missing"
            elif response.started_at is not None:
                status = "started"
            else:
                status = "not_started"
            result.append(PersonStatus(response.user_id, name, response.role, status))
        return result

    async def remind_missing(self, actor: Actor, wave_id: int) -> int:
        """One tap: a reminder to everyone who has not submitted (once per day)."""
        wave = await self.wave(actor, wave_id, "survey.remind")
        if self.now() > wave.deadline:
            raise InvalidInput("survey-closed")
        period = f"manual:{self.now().date().isoformat()}"
        sent = await self._remind(wave, period)
        await self.audit.record(actor.user_id, "survey.remind", wave_id=wave.id, count=sent)
        return sent

    async def _remind(self, wave: SurveyWave, period: str) -> int:
        rows = await self.session.execute(
            select(SurveyResponse.id, SurveyResponse.user_id).where(
                SurveyResponse.wave_id == wave.id,
                SurveyResponse.submitted_at.is_(None),
                _reachable(SurveyResponse.role, SurveyResponse.user_id, wave.organisation_id),
            )
        )
        return await self._notify_all(REMINDER_KIND, wave, {i: u for i, u in rows}, period)

    async def pulse_enabled(self, actor: Actor, programme_id: int) -> bool:
        return (await self.pulse(actor, programme_id)).enabled

    async def pulse(self, actor: Actor, programme_id: int) -> PulseView:
        """Whether the pulse runs and when: day `first_day`, then every `every_days`."""
        await self.programme(actor, programme_id, "survey.pulse")
        row = await self.session.get(SurveyPulse, programme_id)
        if row is None:
            return PulseView(False, PULSE_FIRST_DAY, PULSE_EVERY_DAYS)
        return PulseView(bool(row.enabled), row.first_day, row.every_days)

    async def _pulse_row(self, actor: Actor, programme_id: int) -> SurveyPulse:
        await self.programme(actor, programme_id, "survey.pulse")
        row = await self.session.get(SurveyPulse, programme_id)
        if row is None:
            row = SurveyPulse(
                programme_id=programme_id,
                enabled=False,
                first_day=PULSE_FIRST_DAY,
                every_days=PULSE_EVERY_DAYS,
            )
            self.session.add(row)
        row.updated_by_user_id = actor.user_id
        row.updated_at = self.now()
        return row

    async def set_pulse(self, actor: Actor, programme_id: int, enabled: bool) -> None:
        row = await self._pulse_row(actor, programme_id)
        row.enabled = enabled
        await self.audit.record(
            actor.user_id, "survey.pulse", programme_id=programme_id, enabled=enabled
        )

    async def set_pulse_timing(
        self, actor: Actor, programme_id: int, first_day: int, every_days: int
    ) -> PulseView:
        """The pulse's timing from the presets (a value from a button is checked like
        typed text); the on/off switch stays as it was."""
        if first_day not in PULSE_FIRST_DAYS or every_days not in PULSE_EVERY:
            raise InvalidInput("survey-pulse-timing")
        row = await self._pulse_row(actor, programme_id)
        row.first_day = first_day
        row.every_days = every_days
        await self.audit.record(
            actor.user_id,
            "survey.pulse",
            programme_id=programme_id,
            first_day=first_day,
            every_days=every_days,
        )
        await self.session.flush()
        return PulseView(bool(row.enabled), first_day, every_days)

    async def results(self, actor: Actor, programme_id: int, locale: str) -> ProgrammeResults:
        """Entry → exit for the programme (the latest entry and exit waves of the
        participants' questionnaires), completion of every wave, the satisfaction index.
        Curators only: what a mentee says never reaches their own mentor by name."""
        programme = await self.programme(actor, programme_id, "survey.results")
        form = self.catalog.form(programme.form_key)
        form_keys = (programme.form_key, form.base_key) if form else (programme.form_key,)
        waves = list(
            await self.session.scalars(
                select(SurveyWave)
                .where(SurveyWave.programme_id == programme.id)
                .order_by(SurveyWave.created_at, SurveyWave.id)
            )
        )
        result = ProgrammeResults(programme=programme.name)
        now = self.now()
        timezone = await self._timezone(programme.organisation_id)
        # A curator who also mentors in this programme does not read, person by person,
        # anything their own mentees said (DESIGN.md: a recipient never gets by name what
        # the mentees of his own pairs said); their words about the mentor are left out of
        # the means as well, as in the reports (`load_surveys`).
        mentor_of_pair = aliased(Membership)
        own_mentees = set(
            await self.session.scalars(
                select(Membership.user_id)
                .join(PairMentee, PairMentee.mentee_membership_id == Membership.id)
                .join(Pair, Pair.id == PairMentee.pair_id)
                .join(mentor_of_pair, mentor_of_pair.id == Pair.mentor_membership_id)
                .where(Pair.programme_id == programme.id, mentor_of_pair.user_id == actor.user_id)
            )
        )
        # Every response of the programme and every answer of the submitted ones: two
        # queries however many people answered.
        responses_of: dict[int, list[tuple[SurveyResponse, str | None]]] = {}
        for response, name in await self.session.execute(
            select(SurveyResponse, User.full_name)
            .join(User, User.id == SurveyResponse.user_id)
            .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
            .where(SurveyWave.programme_id == programme.id)
            .order_by(SurveyResponse.id)
        ):
            responses_of.setdefault(response.wave_id, []).append((response, name))
        answers_of: dict[int, dict[str, SurveyAnswer]] = {}
        for answer in await self.session.scalars(
            select(SurveyAnswer)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
            .where(
                SurveyWave.programme_id == programme.id,
                SurveyResponse.submitted_at.is_not(None),
            )
            .order_by(SurveyAnswer.id)
        ):
            answers_of.setdefault(answer.response_id, {})[answer.item_key] = answer
        names: dict[int, str] = {}
        per_wave: dict[int, dict[Key, dict[str, int]]] = {}
        for wave in waves:
            responses = responses_of.get(wave.id, [])
            submitted = [(r, n) for r, n in responses if r.submitted_at is not None]
            result.completion.append(
                Completion(
                    wave.kind, wave.deadline, len(responses), len(submitted), now > wave.deadline
                )
            )
            scales: dict[Key, dict[str, int]] = {}
            for response, name in submitted:
                names[response.user_id] = name or "—"
                questionnaire = self.questionnaires.get(response.questionnaire)
                answers = answers_of.get(response.id, {})
                mine = response.user_id in own_mentees
                if mine and questionnaire is not None:
                    # Their words about the mentor stay out of the means too.
                    answers = {
                        k: a
                        for k, a in answers.items()
                        if not ((item := questionnaire.item(k)) and item.about_mentor)
                    }
                scales[(response.user_id, response.role)] = {
                    k: a.number for k, a in answers.items() if a.number is not None
                }
                if mine:
                    continue  # nothing they said, by name
                for key, answer in answers.items():
                    item = questionnaire.item(key) if questionnaire else None
                    result.raw.append(
                        RawAnswer(
                            wave.kind,
                            name or "—",
                            response.role,
                            key,
                            item.text(locale) if item else key,
                            self._raw_value(item, answer, locale),
                            school_time(response.submitted_at, timezone),
                            yes_no=item is not None and item.type == "yes_no",
                        )
                    )
            per_wave[wave.id] = scales
        entry = next(
            (
                w
                for w in reversed(waves)
                if w.kind == "entry" and w.questionnaire_key == "participant"
            ),
            None,
        )
        exit_ = next(
            (
                w
                for w in reversed(waves)
                if w.kind == "exit" and w.questionnaire_key == "participant"
            ),
            None,
        )
        items: dict[str, list[Item]] = {}
        for role in ("mentee", "mentor"):
            q = self.questionnaires.find("participant", role, "exit") or self.questionnaires.find(
                "participant", role, "entry"
            )
            if q is not None:
                items[role] = list(q.items_for(form_keys))
        entry_answers = per_wave.get(entry.id, {}) if entry else {}
        exit_answers = per_wave.get(exit_.id, {}) if exit_ else {}
        result.items, people = compare(
            entry_answers,
            exit_answers,
            items,
            names,
            lambda item: item.text(locale),
            lambda item: item.short(locale),
        )
        result.people = [p for p in people if p.user_id not in own_mentees]
        result.index_entry = self._index(entry_answers, "entry")
        result.index_exit = self._index(exit_answers, "exit")
        return result

    def _index(self, answers: dict[Key, dict[str, int]], kind: str) -> int | None:
        # Mentor and mentee questionnaires share the keys and scales of their index items.
        all_items: dict[str, Item] = {}
        for role in ("mentee", "mentor"):
            q = self.questionnaires.find("participant", role, kind)
            if q is not None:
                all_items.update({i.key: i for i in q.items})
        return satisfaction_index(answers.values(), all_items)

    @staticmethod
    def _raw_value(item: Item | None, answer: SurveyAnswer, locale: str) -> str:
        if answer.number is not None:
            return str(answer.number)
        if item is not None and item.type in ("single", "multi"):
            keys = (answer.text or "").split(",")
            return ", ".join(o.label(locale) for o in item.options if o.key in keys)
        return answer.text or ""

    # --- the scheduler ------------------------------------------------------------

    async def tick(self) -> int:
        """Called by the scheduler on each tick: reminders 3 days before the deadline and
        on the day, and the pulses that came due. Idempotent; returns messages queued."""
        queued = 0
        for step in await self.due_steps():
            queued += await self.run_step(step)
        return queued

    async def due_steps(self) -> list[SurveyStep]:
        """What is due now, found in three statements however many waves and programmes
        there are: the waves whose reminder came, the pulses whose day came. The scheduler's
        job runs each step in its own short transaction (`run_step`)."""
        now = self.now()
        steps: list[SurveyStep] = []
        waves = await self.session.execute(
            select(
                SurveyWave.id,
                SurveyWave.deadline,
                SurveyWave.reminded_before_at,
                Organisation.timezone,
            )
            .outerjoin(Organisation, Organisation.id == SurveyWave.organisation_id)
            .where(
                SurveyWave.deadline >= now,
                SurveyWave.reminded_due_at.is_(None),
            )
            .order_by(SurveyWave.id)
        )
        for wave_id, deadline, reminded_before_at, timezone in waves:
            zone = ZoneInfo(timezone or "Europe/Moscow")
            deadline_day = deadline.astimezone(zone).date()
            today = now.astimezone(zone).date()
            if today == deadline_day:
                steps.append(SurveyStep("due", wave_id))
            elif reminded_before_at is None and today >= deadline_day - REMIND_BEFORE:
                steps.append(SurveyStep("before", wave_id))
        steps += await self._due_pulses(now)
        late = self._catch_up_query(now).with_only_columns(SurveyWave.id).order_by(None)
        caught = await self.session.execute(late.distinct())
        steps += [SurveyStep("catch_up", wave_id) for (wave_id,) in caught]
        return steps

    def _catch_up_query(
        self, now: datetime, wave_id: int | None = None
    ) -> Select[SurveyWave, int, str]:
        """An open wave of a whole programme and the participants who were in the programme
        when it was launched but could not be asked then (a minor whose parent has consented
        since): (wave, user id, role) rows, one statement however many waves and people."""
        query = (
            select(SurveyWave, Membership.user_id, Membership.role)
            .join(
                Membership,
                and_(
                    Membership.programme_id == SurveyWave.programme_id,
                    Membership.role.in_(PARTICIPANT_ROLES),
                    Membership.status == "active",
                    Membership.created_at <= SurveyWave.created_at,
                ),
            )
            .outerjoin(
                SurveyResponse,
                and_(
                    SurveyResponse.wave_id == SurveyWave.id,
                    SurveyResponse.user_id == Membership.user_id,
                    SurveyResponse.role == Membership.role,
                ),
            )
            .where(
                SurveyWave.deadline >= now,
                SurveyWave.pairs_only.is_(False),
                SurveyWave.questionnaire_key.in_(PARTICIPANT_SETS),
                SurveyResponse.id.is_(None),
                takes_part(Membership.user_id, SurveyWave.organisation_id),
            )
            .order_by(SurveyWave.id, Membership.id)
        )
        return query if wave_id is None else query.where(SurveyWave.id == wave_id)

    async def _catch_up(self, now: datetime, wave_id: int) -> int:
        """Their response and invitation come now, before the deadline (`_catch_up_query`)."""
        wave: SurveyWave | None = None
        people: list[tuple[int, str]] = []
        for row_wave, user_id, role in await self.session.execute(
            self._catch_up_query(now, wave_id)
        ):
            wave = row_wave
            if (user_id, role) not in people:
                people.append((user_id, role))
        return await self._add_responses(wave, people) if wave is not None else 0

    async def _due_pulses(self, now: datetime) -> list[SurveyStep]:
        numbered = SurveyWave.pulse_number.is_not(None)
        last_number = (
            select(SurveyWave.programme_id, func.max(SurveyWave.pulse_number).label("number"))
            .where(numbered)
            .group_by(SurveyWave.programme_id)
            .subquery()
        )
        last = aliased(SurveyWave)
        rows = await self.session.execute(
            select(
                SurveyPulse, Programme, Organisation.timezone, last.pulse_number, last.created_at
            )
            .join(Programme, Programme.id == SurveyPulse.programme_id)
            .outerjoin(Organisation, Organisation.id == Programme.organisation_id)
            .outerjoin(last_number, last_number.c.programme_id == Programme.id)
            .outerjoin(
                last,
                (last.programme_id == Programme.id) & (last.pulse_number == last_number.c.number),
            )
            .where(SurveyPulse.enabled.is_(True))
            .order_by(Programme.id)
        )
        steps = []
        for pulse, programme, timezone, last_pulse, last_created in rows:
            timezone = timezone or "Europe/Moscow"
            today = now.astimezone(ZoneInfo(timezone)).date()
            if today > programme.period_end:
                continue
            # The next pulse counts from the last one actually run, so a change of timing
            # mid-programme neither sends one at once nor skips several.
            if last_pulse is None:
                if (today - programme.period_start).days < pulse.first_day:
                    continue
                number = 1
            else:
                last_day = _aware(last_created).astimezone(ZoneInfo(timezone)).date()
                if (today - last_day).days < pulse.every_days:
                    continue
                number = int(last_pulse) + 1
            deadline = end_of_day(today + timedelta(days=PULSE_ANSWER_DAYS), timezone)
            steps.append(SurveyStep("pulse", programme.id, number, deadline))
        return steps

    async def run_step(self, step: SurveyStep) -> int:
        """One step of `due_steps`, checked again (another process may have taken it):
        a wave's reminders (messages queued), or a pulse wave (1 when it was created)."""
        now = self.now()
        if step.what == "catch_up":
            return await self._catch_up(now, step.id)
        if step.what == "pulse":
            done = await self.session.scalar(
                select(func.max(SurveyWave.pulse_number)).where(
                    SurveyWave.programme_id == step.id, SurveyWave.pulse_number.is_not(None)
                )
            )
            programme = await self.session.get(Programme, step.id)
            if programme is None or int(done or 0) + 1 != step.number:
                return 0
            assert step.deadline is not None
            await self._create_wave(programme, "pulse", "pulse", step.deadline, None, step.number)
            return 1
        wave = await self.session.get(SurveyWave, step.id)
        if wave is None or wave.reminded_due_at is not None:
            return 0
        if step.what == "due":
            queued = await self._remind(wave, "due")
            wave.reminded_due_at = now
            wave.reminded_before_at = wave.reminded_before_at or now
            return queued
        if wave.reminded_before_at is not None:
            return 0
        queued = await self._remind(wave, "before")
        wave.reminded_before_at = now
        return queued

    # --- the participant ----------------------------------------------------------

    async def open_count(self, user_id: int) -> int:
        """How many questionnaires wait for the person (the main menu's): read with the
        person at the update's start (bot.services.open_surveys), else one statement."""
        return await open_count_of(self.session, user_id, self.now())

    async def open_for(self, user_id: int) -> list[OpenResponse]:
        """The person's questionnaires still to answer, oldest deadline first."""
        rows = await self.session.execute(
            select(SurveyResponse, SurveyWave)
            .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
            .where(
                SurveyResponse.user_id == user_id,
                SurveyResponse.submitted_at.is_(None),
                SurveyWave.deadline >= self.now(),
                _reachable(SurveyResponse.role, SurveyResponse.user_id, SurveyWave.organisation_id),
            )
            .order_by(SurveyWave.deadline, SurveyResponse.id)
        )
        result = []
        for response, wave in rows:
            questionnaire = self.questionnaires.get(response.questionnaire)
            if questionnaire is None:
                continue
            timezone = await self._timezone(wave.organisation_id)
            result.append(
                OpenResponse(
                    response.id,
                    questionnaire,
                    wave.kind,
                    wave.deadline.astimezone(ZoneInfo(timezone)).date(),
                    response.started_at is not None,
                )
            )
        return result

    async def _own(self, user_id: int, response_id: int) -> tuple[SurveyResponse, SurveyWave]:
        response = await self.session.get(SurveyResponse, response_id)
        if response is None or response.user_id != user_id:
            raise NotFound()
        wave = await self.session.get(SurveyWave, response.wave_id)
        assert wave is not None
        return response, wave

    async def _items(self, wave: SurveyWave, questionnaire: Questionnaire) -> tuple[Item, ...]:
        programme = await self.session.get(Programme, wave.programme_id)
        keys: tuple[str, ...] = ()
        if programme is not None:
            form = self.catalog.form(programme.form_key)
            keys = (programme.form_key, form.base_key) if form else (programme.form_key,)
        return questionnaire.items_for(keys)

    async def _answers(self, response_id: int) -> dict[str, SurveyAnswer]:
        rows = await self.session.scalars(
            select(SurveyAnswer).where(SurveyAnswer.response_id == response_id)
        )
        return {a.item_key: a for a in rows}

    async def screen(self, user_id: int, response_id: int) -> Screen:
        response, wave = await self._own(user_id, response_id)
        questionnaire = self.questionnaires.get(response.questionnaire)
        if questionnaire is None:
            raise NotFound()
        all_items = await self._items(wave, questionnaire)
        stored = await self._answers(response.id)
        answers = {k: answer_value(a, questionnaire.item(k)) for k, a in stored.items()}
        shown = tuple(i for i in all_items if i.is_shown(answers))
        current = self._current(all_items, answers, response.position)
        user = await self.session.get(User, user_id)
        timezone = await self._timezone(wave.organisation_id)
        return Screen(
            response_id=response.id,
            questionnaire=questionnaire,
            items=shown,
            current=current,
            number=shown.index(current) + 1 if current is not None else len(shown),
            answers={k: v for k, v in answers.items() if any(i.key == k for i in shown)},
            minor=bool(user and user.is_minor),
            submitted=response.submitted_at is not None,
            closed=self.now() > wave.deadline,
            deadline_local=wave.deadline.astimezone(ZoneInfo(timezone)).date(),
            kind=wave.kind,
        )

    @staticmethod
    def _current(items: tuple[Item, ...], answers: dict[str, Any], position: int) -> Item | None:
        for item in items[position:]:
            if item.is_shown(answers):
                return item
        return None

    async def _editable(
        self, user_id: int, response_id: int, item_key: str | None
    ) -> tuple[SurveyResponse, tuple[Item, ...], dict[str, Any], Item | None]:
        response, wave = await self._own(user_id, response_id)
        if response.submitted_at is not None:
            raise InvalidInput("survey-submitted")
        if self.now() > wave.deadline:
            raise InvalidInput("survey-closed")
        questionnaire = self.questionnaires.get(response.questionnaire)
        if questionnaire is None:
            raise NotFound()
        items = await self._items(wave, questionnaire)
        stored = await self._answers(response.id)
        answers = {k: answer_value(a, questionnaire.item(k)) for k, a in stored.items()}
        current = self._current(items, answers, response.position)
        if item_key is not None and (current is None or current.key != item_key):
            raise InvalidInput("survey-stale")  # a button of an earlier screen
        if response.started_at is None:
            response.started_at = self.now()
        return response, items, answers, current

    def _advance(
        self,
        response: SurveyResponse,
        items: tuple[Item, ...],
        answers: dict[str, Any],
        current: Item,
    ) -> None:
        index = items.index(current)
        position = index + 1
        while position < len(items) and not items[position].is_shown(answers):
            position += 1
        response.position = position

    async def _store(
        self, response: SurveyResponse, item: Item, number: int | None, text: str | None
    ) -> None:
        answer = await self.session.scalar(
            select(SurveyAnswer).where(
                SurveyAnswer.response_id == response.id, SurveyAnswer.item_key == item.key
            )
        )
        if answer is None:
            answer = SurveyAnswer(response_id=response.id, item_key=item.key)
            self.session.add(answer)
        answer.number = number
        answer.text = text
        answer.answered_at = self.now()
        await self.session.flush()

    async def answer(self, user_id: int, response_id: int, item_key: str, raw: str) -> None:
        """The answer to the current item (a tapped value or typed text); then the next."""
        response, items, answers, current = await self._editable(user_id, response_id, item_key)
        assert current is not None
        number, text = clean_answer(current, raw)
        await self._store(response, current, number, text)
        answers[current.key] = number if number is not None else text
        self._advance(response, items, answers, current)

    async def toggle(self, user_id: int, response_id: int, item_key: str, option: str) -> None:
        """A multiple-choice option on or off; the person stays on the item."""
        response, _items, answers, current = await self._editable(user_id, response_id, item_key)
        assert current is not None
        if current.type != "multi" or current.option(option) is None:
            raise InvalidInput("survey-use-buttons")
        chosen = list(answers.get(current.key) or [])
        chosen = [k for k in chosen if k != option] if option in chosen else [*chosen, option]
        ordered = [o.key for o in current.options if o.key in chosen]
        if ordered:
            await self._store(response, current, None, ",".join(ordered))
        else:
            await self.session.execute(
                delete(SurveyAnswer).where(
                    SurveyAnswer.response_id == response.id,
                    SurveyAnswer.item_key == current.key,
                )
            )

    async def next(self, user_id: int, response_id: int, item_key: str) -> None:
        """Done with a multiple choice."""
        response, items, answers, current = await self._editable(user_id, response_id, item_key)
        assert current is not None
        if current.required and not answers.get(current.key):
            raise InvalidInput("survey-choose-one")
        self._advance(response, items, answers, current)

    async def skip(self, user_id: int, response_id: int, item_key: str) -> None:
        response, items, answers, current = await self._editable(user_id, response_id, item_key)
        assert current is not None
        if current.required:
            raise InvalidInput("survey-required")
        await self.session.execute(
            delete(SurveyAnswer).where(
                SurveyAnswer.response_id == response.id, SurveyAnswer.item_key == current.key
            )
        )
        answers.pop(current.key, None)
        self._advance(response, items, answers, current)

    async def back(self, user_id: int, response_id: int) -> None:
        response, items, answers, current = await self._editable(user_id, response_id, None)
        index = items.index(current) if current is not None else len(items)
        position = index - 1
        while position > 0 and not items[position].is_shown(answers):
            position -= 1
        response.position = max(position, 0)

    async def restart(self, user_id: int, response_id: int) -> None:
        """From the summary back to the first item (answers are kept)."""
        response, _items, _answers, _current = await self._editable(user_id, response_id, None)
        response.position = 0

    async def submit(self, user_id: int, response_id: int) -> bool:
        """Final. False (and the position on the first unanswered required item) when
        something required is still open."""
        response, items, answers, _current = await self._editable(user_id, response_id, None)
        shown = [i for i in items if i.is_shown(answers)]
        missing = [i for i in shown if i.required and not answers.get(i.key)]
        if missing:
            response.position = items.index(missing[0])
            return False
        hidden = [i.key for i in items if i not in shown]
        if hidden:  # answers to items a later change made irrelevant
            await self.session.execute(
                delete(SurveyAnswer).where(
                    SurveyAnswer.response_id == response.id, SurveyAnswer.item_key.in_(hidden)
                )
            )
        response.submitted_at = self.now()
        response.position = len(items)
        return True


async def forget_survey_answers(session: AsyncSession, user_id: int) -> None:
    """The person withdrew consent: what they never submitted goes, and so does every
    answer that is not a number (typed text among them); submitted scale answers stay,
    unnamed, for the programme's aggregates."""
    responses = select(SurveyResponse.id).where(SurveyResponse.user_id == user_id)
    await session.execute(
        delete(SurveyAnswer).where(
            SurveyAnswer.response_id.in_(responses), SurveyAnswer.number.is_(None)
        )
    )
    unsubmitted = select(SurveyResponse.id).where(
        SurveyResponse.user_id == user_id, SurveyResponse.submitted_at.is_(None)
    )
    await session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(unsubmitted)))
    await session.execute(
        delete(SurveyResponse).where(
            SurveyResponse.user_id == user_id, SurveyResponse.submitted_at.is_(None)
        )
    )


def clean_answer(item: Item, raw: str) -> tuple[int | None, str | None]:
    """(number, text) for storage, or InvalidInput with a hint for this item's type."""
    value = raw.strip()
    if item.type == "scale":
        return whole_number(value, "survey-scale", low=1, high=item.max, max=item.max), None
    if item.type == "yes_no":
        if value in (YES, NO):
            return None, value
        raise InvalidInput("survey-use-buttons")
    if item.type == "single":
        if item.option(value) is not None:
            return None, value
        raise InvalidInput("survey-use-buttons")
    if item.type == "text":
        if not value:
            raise InvalidInput("survey-text-empty")
        if len(value) > ANSWER_TEXT_MAX:
            raise InvalidInput("survey-text-long", max=str(ANSWER_TEXT_MAX), length=str(len(value)))
        return None, value
    raise InvalidInput("survey-use-buttons")  # multi: toggled, not answered at once
