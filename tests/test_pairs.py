"""Pairs and groups, the mentee's choice and the plan, at the service level: the consent
gate, groups, the lifecycle, replacing a mentor keeps the history, one order for several
pairs, choice with decline and timeout, plan edits by both sides, and nobody outside the
pair (and its school's curators) can see or change it. Every change is queued in the
outbox for everyone concerned."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, DomainError, InvalidInput, NotFound
from bot.services.notify import notify_withdrawal
from bot.services.pairs import agreement_text
from bot.storage.models import (
    AuditEntry,
    Candidate,
    Membership,
    Notification,
    PairMentorTerm,
    PlanItem,
    Programme,
    utcnow,
)
from tests.pairs_world import (
    Scene,
    actor,
    add_participant,
    add_person,
    hub_of,
    make_scene,
)

MENTOR = {"category": "mentor.student", "competences": "Математика", "times": ["weekend"]}
MENTEE = {"help_topics": ["study"], "school_class": "7А"}


async def scene_with_people(session: AsyncSession) -> Scene:
    scene = await make_scene(session)
    await add_participant(session, scene, "anna", "mentor", MENTOR, name="Анна Учителева")
    await add_participant(session, scene, "boris", "mentor", MENTOR, name="Борис Помощников")
    await add_participant(session, scene, "vera", "mentor", MENTOR, name="Вера Третьякова")
    await add_participant(
        session, scene, "kolya", "mentee", MENTEE, name="Коля Петров", is_minor=True
    )
    await add_participant(
        session, scene, "masha", "mentee", MENTEE, name="Маша Сидорова", is_minor=True
    )
    await add_participant(
        session, scene, "petya", "mentee", MENTEE, name="Петя Иванов", is_minor=True
    )
    return scene


async def notices(
    session: AsyncSession, kind: str | None = None
) -> list[tuple[str, int, dict[str, Any]]]:
    query = select(Notification).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    rows = await session.scalars(query)
    return [(n.kind, n.recipient_user_id, n.args) for n in rows]


def ids(scene: Scene, *keys: str) -> list[int]:
    return [scene.members[k].id for k in keys]


async def test_nobody_without_complete_consent_is_paired(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    await add_participant(
        session, scene, "lena", "mentee", MENTEE, name="Лена Новикова", is_minor=True, consent=False
    )
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    with pytest.raises(DomainError) as error:
        await pairs.propose(curator, scene.members["anna"].id, ids(scene, "lena"))
    assert error.value.code == "pairs-consent-incomplete"
    # A minor with only their own consent (no guardian's) is refused as well.
    with pytest.raises(DomainError):
        await pairs.propose(curator, scene.members["anna"].id, ids(scene, "kolya", "lena"))
    assert await notices(session) == []


async def test_a_pair_is_proposed_activated_and_both_sides_are_told(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    view = await pairs.propose(curator, scene.members["anna"].id, ids(scene, "kolya"))
    assert view.status == "proposed" and not view.is_group
    assert [m.name for m in view.mentees] == ["Коля Петров"]
    told = await notices(session, "pair-proposed")
    assert {(r, a["side"], a["partner"]) for _, r, a in told} == {
        (scene.users["anna"].id, "mentor", "Коля Петров"),
        (scene.users["kolya"].id, "mentee", "Анна Учителева"),
    }
    assert {a["young"] for _, r, a in told if r == scene.users["kolya"].id} == {"yes"}
    programme = await session.get(Programme, scene.programme.id)
    assert programme is not None and programme.stage == "matching"

    # The same mentee cannot be in a second live pair.
    with pytest.raises(DomainError) as taken:
        await pairs.propose(curator, scene.members["boris"].id, ids(scene, "kolya"))
    assert taken.value.code == "pairs-mentee-taken"

    view = await pairs.activate(curator, view.id)
    assert view.status == "active" and view.activated_at is not None
    assert programme.stage == "working"  # the stage moved on with the work
    active = await notices(session, "pair-active")
    assert {r for _, r, _ in active} == {scene.users["anna"].id, scene.users["kolya"].id}
    with pytest.raises(DomainError):
        await pairs.activate(curator, view.id)  # only once


async def test_a_group_has_one_mentor_and_several_mentees(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    hub = hub_of(session)
    view = await hub.pairs.propose(
        curator, scene.members["anna"].id, ids(scene, "kolya", "masha", "petya")
    )
    assert view.is_group and len(view.mentees) == 3
    told = await notices(session, "pair-proposed")
    mentor_note = [a for _, r, a in told if r == scene.users["anna"].id]
    assert mentor_note[0]["count"] == 3
    assert mentor_note[0]["partner"] == "Коля Петров, Маша Сидорова, Петя Иванов"
    # The mentor sees the group among their pairs; each mentee sees it too.
    for key in ("anna", "masha"):
        mine = await hub.pairs.mine(await actor(session, scene.users[key]))
        assert [p.id for p in mine] == [view.id]
    roster = await hub.pairs.roster(curator, scene.programme.id)
    assert roster.counts["no_pair"] == 0
    assert roster.counts["full"] == 1  # Анна takes 3 by default and has 3 now


async def test_termination_needs_a_reason_from_the_list_or_typed(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    view = await pairs.propose(curator, scene.members["anna"].id, ids(scene, "kolya"))
    await pairs.activate(curator, view.id)
    with pytest.raises(InvalidInput):
        await pairs.end(curator, view.id, "terminated")
    with pytest.raises(InvalidInput):
        await pairs.end(curator, view.id, "terminated", "because")
    with pytest.raises(InvalidInput):
        await pairs.end(curator, view.id, "terminated", "other", "   ")
    ended = await pairs.end(curator, view.id, "terminated", "other", "Семья переехала")
    assert ended.status == "terminated" and ended.end_note == "Семья переехала"
    told = await notices(session, "pair-ended")
    assert {r for _, r, _ in told} == {scene.users["anna"].id, scene.users["kolya"].id}
    assert {a["outcome"] for _, _, a in told} == {"terminated"}
    with pytest.raises(DomainError):
        await pairs.end(curator, view.id, "completed")
    # The mentee is free again for a new pair.
    again = await pairs.propose(curator, scene.members["boris"].id, ids(scene, "kolya"))
    assert again.status == "proposed"


async def test_replacing_a_mentor_keeps_the_plan_and_history(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    hub = hub_of(session)
    view = await hub.pairs.propose(curator, scene.members["anna"].id, ids(scene, "kolya"))
    await hub.pairs.activate(curator, view.id)
    anna = await actor(session, scene.users["anna"])
    await hub.pairs.accept_agreement(anna, view.id)
    item = await hub.plan.add(
        anna, view.id, scene.members["kolya"].id, "goal", "Четвёрка по алгебре"
    )

    replaced = await hub.pairs.replace_mentor(
        curator, view.id, scene.members["boris"].id, "Анна ушла в декрет"
    )
    assert replaced.id == view.id and replaced.status == "active"
    assert replaced.mentor.name == "Борис Помощников"
    assert replaced.mentor.accepted_at is None  # the new mentor accepts afresh
    assert replaced.past_mentors == ("Анна Учителева",)
    terms = list(await session.scalars(select(PairMentorTerm).order_by(PairMentorTerm.id)))
    assert [t.mentor_membership_id for t in terms] == ids(scene, "anna", "boris")
    assert terms[0].ended_at is not None and terms[0].end_reason == "Анна ушла в декрет"
    boris = await actor(session, scene.users["boris"])
    plan = await hub.plan.items(boris, view.id, scene.members["kolya"].id)
    assert [p.id for p in plan] == [item.id]  # the plan stayed with the pair
    # The old mentor no longer sees or edits it.
    with pytest.raises(AccessDenied):
        await hub.plan.items(anna, view.id, scene.members["kolya"].id)
    kinds = {(k, r) for k, r, _ in await notices(session) if k.startswith("pair-mentor")}
    assert kinds == {
        ("pair-mentor-removed", scene.users["anna"].id),
        ("pair-mentor-new", scene.users["boris"].id),
        ("pair-mentor-replaced", scene.users["kolya"].id),
    }


async def test_one_order_is_recorded_for_several_pairs(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    first = await pairs.propose(curator, scene.members["anna"].id, ids(scene, "kolya"))
    second = await pairs.propose(curator, scene.members["boris"].id, ids(scene, "masha", "petya"))
    views = await pairs.record_order(curator, [first.id, second.id], "45-о", date(2026, 10, 1))
    assert [(v.order_number, v.order_date) for v in views] == [
        ("45-о", date(2026, 10, 1)),
        ("45-о", date(2026, 10, 1)),
    ]
    audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "pair.order"))
    assert audit is not None and audit.details["pairs"] == [first.id, second.id]
    stranger = await actor(session, scene.other_curator)
    with pytest.raises(AccessDenied):
        await pairs.record_order(stranger, [first.id], "1", date(2026, 10, 2))


async def test_the_mentee_chooses_and_the_mentor_accepts(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    with pytest.raises(InvalidInput):  # two or three, not one
        await pairs.offer(curator, scene.members["kolya"].id, ids(scene, "anna"))
    offered = await pairs.offer(curator, scene.members["kolya"].id, ids(scene, "anna", "boris"))
    assert [c.name for c in offered] == ["Анна Учителева", "Борис Помощников"]
    assert offered[0].helps_with == "Математика" and offered[0].times == ("weekend",)
    assert [r for _, r, _ in await notices(session, "choice-offered")] == [scene.users["kolya"].id]

    kolya = await actor(session, scene.users["kolya"])
    mine = await pairs.my_choice(kolya)
    assert mine is not None and [c.name for c in mine[1]] == ["Анна Учителева", "Борис Помощников"]
    chosen = await pairs.choose(kolya, offered[1].id)
    assert chosen.answer == "chosen"
    reminder = (
        await session.scalars(select(Notification).where(Notification.kind == "choice-reminder"))
    ).one()
    assert reminder.recipient_user_id == scene.users["boris"].id
    assert reminder.not_before - reminder.due_at == timedelta(days=2)
    assert reminder.expires_at is not None
    candidate = await session.get(Candidate, offered[1].id)
    assert candidate is not None and candidate.chosen_at is not None
    assert reminder.expires_at == candidate.chosen_at + timedelta(days=3)

    # Anna was not chosen: she cannot answer, and cannot answer for Boris.
    anna = await actor(session, scene.users["anna"])
    with pytest.raises(AccessDenied):
        await pairs.answer(anna, offered[1].id, True)
    with pytest.raises(DomainError):
        await pairs.answer(anna, offered[0].id, True)  # hers was withdrawn
    boris = await actor(session, scene.users["boris"])
    assert await pairs.waiting(boris) == [(offered[1].id, "Коля Петров")]
    view = await pairs.answer(boris, offered[1].id, True)
    assert view is not None and view.status == "proposed"
    assert view.mentor.name == "Борис Помощников"
    await session.refresh(reminder)
    assert reminder.status == "skipped"  # answered: no reminder
    accepted = await notices(session, "choice-accepted-curator")
    assert [r for _, r, _ in accepted] == [scene.curator.id]
    assert [r for _, r, _ in await notices(session, "choice-accepted")] == [scene.users["kolya"].id]


async def test_a_withdrawal_closes_the_choice_and_nothing_more_is_said_of_the_child(
    session: AsyncSession,
) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    hub = hub_of(session)
    offered = await hub.pairs.offer(curator, scene.members["kolya"].id, ids(scene, "anna", "boris"))
    kolya = await actor(session, scene.users["kolya"])
    await hub.pairs.choose(kolya, offered[1].id)
    withdrawal = await hub.personal_data.withdraw(
        scene.users["kolya"].id, by_user_id=scene.users["kolya"].id, clear_dialog_state=False
    )
    await notify_withdrawal(hub, withdrawal, "Коля Петров")
    await session.flush()
    # The delayed «Коля chose you» reminder to Boris is not sent, and keeps no name.
    reminder = (
        await session.scalars(select(Notification).where(Notification.kind == "choice-reminder"))
    ).one()
    await session.refresh(reminder)
    assert reminder.status == "skipped" and reminder.reason == "withdrew"
    assert reminder.args == {}
    candidate = await session.get(Candidate, offered[1].id)
    assert candidate is not None and candidate.answer == "withdrawn"
    boris = await actor(session, scene.users["boris"])
    assert await hub.pairs.waiting(boris) == []


async def test_a_decline_returns_the_mentee_to_the_curator_with_the_reason(
    session: AsyncSession,
) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    offered = await pairs.offer(curator, scene.members["kolya"].id, ids(scene, "anna", "boris"))
    kolya = await actor(session, scene.users["kolya"])
    await pairs.choose(kolya, offered[0].id)
    anna = await actor(session, scene.users["anna"])
    assert await pairs.answer(anna, offered[0].id, False, "Нет времени до весны") is None
    told = await notices(session, "choice-declined-curator")
    assert [(r, a["reason"], a["name"]) for _, r, a in told] == [
        (scene.curator.id, "Нет времени до весны", "Коля Петров")
    ]
    assert [r for _, r, _ in await notices(session, "choice-declined")] == [scene.users["kolya"].id]
    assert await pairs.my_choice(kolya) is None  # nothing open
    # The next candidates can be offered.
    again = await pairs.offer(curator, scene.members["kolya"].id, ids(scene, "boris", "vera"))
    assert len(again) == 2


async def test_silence_for_three_days_expires_the_choice(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    offered = await pairs.offer(curator, scene.members["kolya"].id, ids(scene, "anna", "boris"))
    kolya = await actor(session, scene.users["kolya"])
    await pairs.choose(kolya, offered[0].id)
    assert await pairs.expire_overdue(utcnow() + timedelta(days=2)) == 0
    assert await pairs.expire_overdue(utcnow() + timedelta(days=3, minutes=1)) == 1
    candidate = await session.get(Candidate, offered[0].id)
    assert candidate is not None and candidate.answer == "expired"
    assert [r for _, r, _ in await notices(session, "choice-expired-curator")] == [scene.curator.id]
    assert [r for _, r, _ in await notices(session, "choice-expired")] == [scene.users["kolya"].id]
    anna = await actor(session, scene.users["anna"])
    with pytest.raises(DomainError):
        await pairs.answer(anna, offered[0].id, True)


async def test_asking_for_others_tells_the_curator(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    await pairs.offer(curator, scene.members["kolya"].id, ids(scene, "anna", "boris"))
    masha = await actor(session, scene.users["masha"])
    with pytest.raises(AccessDenied):  # not her choice
        await pairs.ask_others(masha, scene.members["kolya"].id)
    kolya = await actor(session, scene.users["kolya"])
    await pairs.ask_others(kolya, scene.members["kolya"].id)
    assert [a["name"] for _, _, a in await notices(session, "choice-others-curator")] == [
        "Коля Петров"
    ]
    assert await pairs.my_choice(kolya) is None


async def test_plan_edits_by_both_sides_and_the_curator_sees_progress(
    session: AsyncSession,
) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    hub = hub_of(session)
    view = await hub.pairs.propose(curator, scene.members["anna"].id, ids(scene, "kolya", "masha"))
    kolya_id = scene.members["kolya"].id
    anna = await actor(session, scene.users["anna"])
    with pytest.raises(DomainError):  # not before the pair works
        await hub.plan.add(anna, view.id, kolya_id, "goal", "Цель")
    await hub.pairs.activate(curator, view.id)
    goal = await hub.plan.add(
        anna, view.id, kolya_id, "goal", "Четвёрка по алгебре", date(2026, 12, 25)
    )
    kolya = await actor(session, scene.users["kolya"])
    task = await hub.plan.add(kolya, view.id, kolya_id, "task", "Решать 5 задач в неделю")
    await hub.plan.set_status(kolya, goal.id, "in_progress")
    await hub.plan.set_status(anna, task.id, "done")
    await hub.plan.set_due(kolya, task.id, date(2026, 11, 30))
    items = await hub.plan.items(curator, view.id, kolya_id)
    assert [(i.kind, i.status) for i in items] == [("task", "done"), ("goal", "in_progress")] or [
        (i.kind, i.status) for i in items
    ] == [("goal", "in_progress"), ("task", "done")]
    progress = await hub.plan.progress(curator, scene.programme.id)
    assert [(p.mentee_membership_id, p.total, p.done, p.in_progress) for p in progress] == [
        (kolya_id, 2, 1, 1),
        (scene.members["masha"].id, 0, 0, 0),
    ]
    # Masha is in the same group but the plan is Kolya's: she neither sees nor edits it.
    masha = await actor(session, scene.users["masha"])
    with pytest.raises(AccessDenied):
        await hub.plan.items(masha, view.id, kolya_id)
    with pytest.raises(AccessDenied):
        await hub.plan.set_status(masha, task.id, "dropped")
    with pytest.raises(InvalidInput):
        await hub.plan.set_status(kolya, task.id, "lost")


async def test_nobody_outside_the_pair_sees_or_changes_it(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    hub = hub_of(session)
    view = await hub.pairs.propose(curator, scene.members["anna"].id, ids(scene, "kolya"))
    await hub.pairs.activate(curator, view.id)
    item = await hub.plan.add(
        await actor(session, scene.users["anna"]),
        view.id,
        scene.members["kolya"].id,
        "goal",
        "Цель",
    )
    outsiders = [
        await actor(session, scene.other_curator),
        await actor(session, scene.users["boris"]),  # a mentor of the same programme
        await actor(session, scene.users["masha"]),  # a mentee of the same programme
    ]
    for outsider in outsiders:
        with pytest.raises(AccessDenied):
            await hub.pairs.get(outsider, view.id)
        with pytest.raises(AccessDenied):
            await hub.pairs.accept_agreement(outsider, view.id)
        with pytest.raises(AccessDenied):
            await hub.plan.items(outsider, view.id, scene.members["kolya"].id)
        with pytest.raises(AccessDenied):
            await hub.plan.add(outsider, view.id, scene.members["kolya"].id, "task", "x")
        with pytest.raises(AccessDenied):
            await hub.plan.set_status(outsider, item.id, "done")
        with pytest.raises(AccessDenied):
            await hub.pairs.end(outsider, view.id, "completed")
        with pytest.raises(AccessDenied):
            await hub.pairs.replace_mentor(outsider, view.id, scene.members["boris"].id)
    # A forged id of a missing pair gets the same answer as another school's.
    for forged in (view.id + 1000,):
        with pytest.raises(AccessDenied):
            await hub.pairs.get(outsiders[0], forged)
        with pytest.raises(AccessDenied):
            await hub.pairs.activate(outsiders[0], forged)
        with pytest.raises(AccessDenied):
            await hub.plan.set_status(outsiders[1], item.id + 1000, "done")
    # Another school's curator cannot put our people in a pair.
    with pytest.raises(AccessDenied):
        await hub.pairs.propose(outsiders[0], scene.members["boris"].id, ids(scene, "masha"))
    denied = await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))
    assert len(list(denied)) >= 20
    assert (await session.scalars(select(PlanItem))).all()[0].status == "planned"


async def test_agreement_is_accepted_by_each_side_once(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    view = await pairs.propose(curator, scene.members["anna"].id, ids(scene, "kolya"))
    kolya = await actor(session, scene.users["kolya"])
    with pytest.raises(DomainError):  # not before the pair works
        await pairs.accept_agreement(kolya, view.id)
    await pairs.activate(curator, view.id)
    after = await pairs.accept_agreement(kolya, view.id)
    assert after.mentees[0].accepted_at is not None and after.mentor.accepted_at is None
    again = await pairs.accept_agreement(kolya, view.id)
    assert again.mentees[0].accepted_at == after.mentees[0].accepted_at
    anna = await actor(session, scene.users["anna"])
    assert (await pairs.accept_agreement(anna, view.id)).mentor.accepted_at is not None
    with pytest.raises(AccessDenied):
        await pairs.accept_agreement(curator, view.id)  # the curator is no side of it
    assert "добровольно" in agreement_text(hub_of(session).catalog, "student_student", "ru")
    assert "voluntarily" in agreement_text(
        hub_of(session).catalog, "teacher_teacher.novice_master", "en"
    )
    assert agreement_text(hub_of(session).catalog, "teacher_student", "ru").startswith("1. Мы")


async def test_stage_gaps_say_what_each_stage_lacks(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    gaps = {(g.stage, g.key): g.count for g in await pairs.gaps(curator, scene.programme.id)}
    assert gaps == {("matching", "no-pair"): 3}
    view = await pairs.propose(curator, scene.members["anna"].id, ids(scene, "kolya"))
    gaps = {(g.stage, g.key): g.count for g in await pairs.gaps(curator, scene.programme.id)}
    assert gaps == {
        ("matching", "no-pair"): 2,
        ("matching", "proposed"): 1,
        ("matching", "no-order"): 1,
    }
    await pairs.activate(curator, view.id)
    gaps = {(g.stage, g.key): g.count for g in await pairs.gaps(curator, scene.programme.id)}
    assert gaps[("working", "not-accepted")] == 1 and gaps[("completion", "still-active")] == 1


async def test_the_curator_sets_a_mentors_capacity(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    curator = await actor(session, scene.curator)
    hub = hub_of(session)
    await hub.pairs.set_capacity(curator, scene.members["anna"].id, 1)
    roster = await hub.pairs.roster(curator, scene.programme.id)
    anna = next(r for r in roster.rows if r.membership_id == scene.members["anna"].id)
    assert anna.capacity == 1
    with pytest.raises(InvalidInput):
        await hub.pairs.set_capacity(curator, scene.members["anna"].id, 0)
    with pytest.raises(AccessDenied):
        await hub.pairs.set_capacity(
            await actor(session, scene.other_curator), scene.members["anna"].id, 2
        )
    with pytest.raises(NotFound):
        await hub.pairs.set_capacity(curator, scene.members["kolya"].id, 2)  # not a mentor


async def test_other_curators_hear_of_the_end_and_of_a_new_mentor(session: AsyncSession) -> None:
    scene = await scene_with_people(session)
    second = await add_person(session, "Орлова Нина Петровна")
    session.add(
        Membership(
            user_id=second.id, organisation_id=scene.school.id, role="curator", status="active"
        )
    )
    await session.flush()
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    view = await pairs.propose(curator, scene.members["anna"].id, ids(scene, "kolya"))
    await pairs.activate(curator, view.id)
    await pairs.replace_mentor(curator, view.id, scene.members["boris"].id)
    await pairs.end(curator, view.id, "terminated", "mentee_left")
    told = await notices(session, "pair-changed-curator")
    # One message of the hour for the other curator; proposed-then-approved is one line.
    assert [r for _, r, _ in told] == [second.id]
    changes = told[0][2]["changes"]
    assert [c["event"] for c in changes] == ["active", "replaced", "terminated"]
    assert changes[1]["old"] == "Анна Учителева" and changes[1]["mentor"] == "Борис Помощников"
