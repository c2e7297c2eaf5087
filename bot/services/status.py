"""Where a mentor or a mentee is now, and the one next step: what `/start` and the main
menu say (issue #22). Per programme membership: waiting for a pair, choosing among offered
mentors, waiting for the chosen mentor's answer; per pair: proposed, the agreement to
accept, the next agreed meeting (or «agree on one»), finished; and the questionnaires
waiting for the person. No aiogram here.

This is the hot path (every menu): a fixed number of statements however many pairs and
programmes, the pairs read once with `PairService.mine` (the menu's own read), and the
result kept in the update's read cache, so the greeting and the menu after it share it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import Actor, Role
from bot.services.pairs import CandidateView, PairService, PairView
from bot.services.surveys import SurveyService
from bot.storage.database import read_cache
from bot.storage.models import Meeting, Organisation, Programme

# The states, each with its one next step (locales: status-<state>).
WAITING_PAIR = "waiting-pair"  # no pair yet: the curator forms pairs
CHOOSING = "choosing"  # a mentee chooses among offered mentors
CHOSEN = "chosen"  # the mentee waits for the chosen mentor's answer
TO_ANSWER = "to-answer"  # a mentor was chosen by mentees and answers them
PROPOSED = "proposed"  # the pair waits for the curator's approval
AGREEMENT = "agreement"  # the pair works: accept the agreement
FIRST_MEETING = "first-meeting"  # agree on the first (organisational) meeting
NEXT_MEETING = "next-meeting"  # they have met: agree on the next meeting
MEETING = "meeting"  # the next agreed meeting is on …
ENDED = "ended"  # the pair was ended early
FINISHED = "finished"  # pair completed, or the programme reached its completion stage
COMPLETING = "completing"  # a working pair in a programme at its completion stage
QUESTIONNAIRE = "questionnaire"  # questionnaires to answer


@dataclass(frozen=True, slots=True)
class Step:
    state: str
    role: str = ""  # mentor | mentee ("" for the person's questionnaires)
    programme_name: str = ""
    pair_id: int | None = None
    pair_status: str = ""
    partner: str = ""  # the other side's names
    meeting_at: datetime | None = None  # the next agreed meeting, in the school's zone
    count: int = 0  # questionnaires to answer


@dataclass(frozen=True, slots=True)
class Standing:
    steps: tuple[Step, ...]
    pairs: tuple[PairView, ...]
    choice: tuple[int, tuple[CandidateView, ...]] | None
    waiting: tuple[tuple[int, str], ...]  # (candidate id, mentee name) for a chosen mentor
    open_surveys: int


def partner_of(view: PairView, user_id: int) -> str:
    if view.side_of(user_id) == "mentor":
        return ", ".join(m.name for m in view.mentees)
    return view.mentor.name


# Programme id -> (name, stage, the school's time zone).
_Programmes = dict[int, tuple[str, str, str]]


class StatusService:
    def __init__(
        self,
        session: AsyncSession,
        pairs: PairService,
        surveys: SurveyService,
        now: Callable[[], datetime],
    ) -> None:
        self.session = session
        self.pairs = pairs
        self.surveys = surveys
        self.now = now

    async def standing(self, actor: Actor) -> Standing:
        """The person's steps as a mentor or a mentee (empty for anyone else)."""
        cache = read_cache(self.session)
        key = ("status.standing", actor.user_id)
        if cache is not None and key in cache:
            cached: Standing = cache[key]
            return cached
        result = await self._standing(actor)
        cache = read_cache(self.session)
        if cache is not None:
            cache[key] = result
        return result

    async def _standing(self, actor: Actor) -> Standing:
        roles = [r for r in actor.active() if r.role in ("mentor", "mentee") and r.programme_id]
        if not roles:
            return Standing((), (), None, (), 0)
        views = await self.pairs.mine(actor)
        choice = await self.pairs.my_choice(actor)
        waiting = await self.pairs.waiting(actor) if actor.active("mentor") else []
        open_surveys = await self.surveys.open_count(actor.user_id)
        programme_ids = {r.programme_id for r in roles} | {v.programme_id for v in views}
        programmes = await self._programmes(programme_ids)
        held, upcoming = await self._meetings([v.id for v in views if v.status == "active"])
        steps = _pair_steps(actor, views, programmes, held, upcoming)
        steps += _role_steps(actor, roles, views, programmes, choice, waiting)
        if waiting:
            steps.append(Step(TO_ANSWER, "mentor", partner=", ".join(n for _, n in waiting)))
        if open_surveys:
            steps.append(Step(QUESTIONNAIRE, count=open_surveys))
        return Standing(
            tuple(steps),
            tuple(views),
            (choice[0], tuple(choice[1])) if choice is not None else None,
            tuple(waiting),
            open_surveys,
        )

    async def _programmes(self, programme_ids: set[int | None]) -> _Programmes:
        """Each programme's name, stage and its school's time zone."""
        return {
            pid: (name, stage, zone)
            for pid, name, stage, zone in (
                await self.session.execute(
                    select(Programme.id, Programme.name, Programme.stage, Organisation.timezone)
                    .join(Organisation, Organisation.id == Programme.organisation_id)
                    .where(Programme.id.in_(programme_ids))
                )
            ).all()
        }

    async def _meetings(self, working: list[int]) -> tuple[set[int], dict[int, datetime]]:
        """The working pairs that have met, and the start of each one's next agreed meeting."""
        held: set[int] = set()
        upcoming: dict[int, datetime] = {}
        if working:
            now = self.now()
            for pair_id, status, first in (
                await self.session.execute(
                    select(Meeting.pair_id, Meeting.status, func.min(Meeting.starts_at))
                    .where(
                        Meeting.pair_id.in_(working),
                        or_(
                            Meeting.status == "held",
                            and_(
                                Meeting.status == "planned",
                                Meeting.agreed_at.is_not(None),
                                Meeting.starts_at > now,
                            ),
                        ),
                    )
                    .group_by(Meeting.pair_id, Meeting.status)
                )
            ).all():
                if status == "held":
                    held.add(pair_id)
                elif first is not None:
                    upcoming[pair_id] = first
        return held, upcoming


def _finishing(programmes: _Programmes, programme_id: int) -> bool:
    return programmes.get(programme_id, ("", "", ""))[1] == "completion"


def _pair_steps(
    actor: Actor,
    views: list[PairView],
    programmes: _Programmes,
    held: set[int],
    upcoming: dict[int, datetime],
) -> list[Step]:
    """One step per pair: where the pair is and what comes next."""
    steps: list[Step] = []
    for view in views:
        name, _, zone = programmes.get(view.programme_id, ("", "", "UTC"))

        def step(
            state: str, at: datetime | None = None, v: PairView = view, name: str = name
        ) -> Step:
            return Step(
                state,
                role=v.side_of(actor.user_id) or "",
                programme_name=name,
                pair_id=v.id,
                pair_status=v.status,
                partner=partner_of(v, actor.user_id),
                meeting_at=at,
            )

        if not view.live:
            done = view.status == "completed" or _finishing(programmes, view.programme_id)
            steps.append(step(FINISHED if done else ENDED))
        elif _finishing(programmes, view.programme_id):
            steps.append(step(COMPLETING if view.status == "active" else FINISHED))
        elif view.status == "proposed":
            steps.append(step(PROPOSED))
        elif not view.accepted_by(actor.user_id):
            steps.append(step(AGREEMENT))
        elif view.id in upcoming:
            steps.append(step(MEETING, _local(upcoming[view.id], zone)))
        elif view.id in held:
            steps.append(step(NEXT_MEETING))
        else:
            steps.append(step(FIRST_MEETING))
    return steps


def _role_steps(
    actor: Actor,
    roles: list[Role],
    views: list[PairView],
    programmes: _Programmes,
    choice: tuple[int, list[CandidateView]] | None,
    waiting: list[tuple[int, str]],
) -> list[Step]:
    """A step per role without a pair of its own: choosing, waiting for a pair, finished."""
    steps: list[Step] = []
    choosing = choice[0] if choice is not None else None
    for role in roles:
        name, _, _ = programmes.get(role.programme_id or 0, ("", "", ""))
        paired = [
            v
            for v in views
            if v.programme_id == role.programme_id and v.side_of(actor.user_id) == role.role
        ]
        if role.role == "mentee" and role.membership_id == choosing and choice is not None:
            chosen = next((c for c in choice[1] if c.answer == "chosen"), None)
            if chosen is not None:
                steps.append(Step(CHOSEN, "mentee", name, partner=chosen.name))
            else:
                steps.append(Step(CHOOSING, "mentee", name))
        elif paired:
            continue  # the pair's own step says it
        elif role.programme_id is not None and _finishing(programmes, role.programme_id):
            steps.append(Step(FINISHED, role.role, name))
        elif role.role == "mentor" and waiting:
            continue  # the answer to give is the step
        else:
            steps.append(Step(WAITING_PAIR, role.role, name))
    return steps


def _local(moment: datetime, zone: str) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo("UTC"))
    return aware.astimezone(ZoneInfo(zone or "UTC"))
