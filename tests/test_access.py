"""Ids from the client prove nothing: every service that takes one checks the acting
person's right first, so a forged id of an object that does not exist gets exactly the
answer a forged id of another school's object gets, and both are audited alike. Personal
data (names, consent) is told only to whom it concerns or to the school's curator.

No Telegram here: the services are called directly, as in test_services_people."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import Actor
from bot.services.errors import AccessDenied, DomainError, NotFound
from bot.services.hub import ServiceHub
from bot.storage.models import AuditEntry, Consent, GuardianLink
from tests.test_services_people import (
    World,
    actor_of,
    add_member,
    admin,
    denials,
    hub_of,
    make_user,
    make_world,
)

MISSING = 987_654


@dataclass(frozen=True)
class Forgery:
    """A service call with an id the client chose, and where to find another school's
    object of that kind in the world."""

    action: str
    call: Callable[[ServiceHub, Actor, World, int], Awaitable[Any]]
    foreign: Callable[[World, dict[str, int]], int]


async def _mentee_of_b(session: AsyncSession, w: World) -> int:
    pupil = await make_user(session, full_name="Чужой Ученик", is_minor=True)
    membership = await add_member(
        session, pupil, w.school_b.id, "mentee", programme_id=w.programme_b.id
    )
    return membership.id


FORGERIES = [
    Forgery(
        "organisation.view",
        lambda hub, actor, _w, id_: hub.organisations.get(actor, id_),
        lambda w, _: w.school_b.id,
    ),
    Forgery(
        "organisation.view",  # the name of an organisation goes through the same check
        lambda hub, actor, _w, id_: hub.organisations.name_of(actor, id_),
        lambda w, _: w.muni2.id,
    ),
    Forgery(
        "programme.list",
        lambda hub, actor, _w, id_: hub.programmes.list_for_school(actor, id_),
        lambda w, _: w.school_b.id,
    ),
    Forgery(
        "programme.create",
        lambda hub, actor, _w, id_: hub.programmes.create(
            actor,
            school_id=id_,
            name="Подмена",
            form_key="student_student",
            period_start=date(2026, 9, 1),
            period_end=date(2027, 5, 31),
        ),
        lambda w, _: w.school_b.id,
    ),
    Forgery(
        "programme.view",
        lambda hub, actor, _w, id_: hub.programmes.get(actor, id_),
        lambda w, _: w.programme_b.id,
    ),
    Forgery(
        "programme.stage",
        lambda hub, actor, _w, id_: hub.programmes.set_stage(actor, id_, "matching"),
        lambda w, _: w.programme_b.id,
    ),
    Forgery(
        "participant.list",
        lambda hub, actor, _w, id_: hub.participants.list_for_school(actor, id_),
        lambda w, _: w.school_b.id,
    ),
    Forgery(
        "participant.view",
        lambda hub, actor, _w, id_: hub.participants.get(actor, id_),
        lambda _, ids: ids["mentee_b"],
    ),
    Forgery(
        "consent.paper",
        lambda hub, actor, _w, id_: hub.consent.mark_paper(actor, id_),
        lambda _, ids: ids["mentee_b"],
    ),
    Forgery(
        "import",
        lambda hub, actor, _w, id_: hub.imports.import_file(
            actor, programme_id=id_, filename="list.csv", content="ФИО;Роль\n".encode()
        ),
        lambda w, _: w.programme_b.id,
    ),
    Forgery(
        "invite:mentee",  # own school, the programme forged
        lambda hub, actor, w, id_: hub.invites.create(
            actor,
            organisation_id=w.school_a.id,
            role="mentee",
            programme_id=id_,
        ),
        lambda w, _: w.programme_b.id,
    ),
    Forgery(
        "invite:mentor",  # the school forged
        lambda hub, actor, _w, id_: hub.invites.create(
            actor, organisation_id=id_, role="mentor", programme_id=None
        ),
        lambda w, _: w.school_b.id,
    ),
]


def shape(row: AuditEntry) -> tuple[Any, ...]:
    """What an audit row of a refusal looks like, without the ids that differ."""
    return (row.action, row.details["attempted"], tuple(sorted(row.details)), row.object_type)


@pytest.mark.parametrize("forgery", FORGERIES, ids=[f.action for f in FORGERIES])
async def test_forged_missing_id_is_refused_like_another_schools(
    session: AsyncSession, forgery: Forgery
) -> None:
    w = await make_world(session)
    ids = {"mentee_b": await _mentee_of_b(session, w)}
    hub = hub_of(session)
    curator = await actor_of(session, w.curator_a)
    foreign_id = forgery.foreign(w, ids)

    with pytest.raises(DomainError) as missing:
        await forgery.call(hub, curator, w, MISSING)
    with pytest.raises(DomainError) as foreign:
        await forgery.call(hub, curator, w, foreign_id)

    # The same answer: the person cannot tell which of the two exists.
    assert type(missing.value) is type(foreign.value) is AccessDenied
    assert missing.value.code == foreign.value.code == "access-denied"
    assert missing.value.details == foreign.value.details
    # Both audited, in the same shape.
    first, second = await denials(session, w.curator_a.id)
    assert shape(first) == shape(second)
    assert first.details["attempted"] == forgery.action
    if first.object_type is not None and forgery.action not in ("invite:mentor",):
        assert (first.object_id, second.object_id) == (MISSING, foreign_id)


GET_FORGERIES = [f for f in FORGERIES if not f.action.endswith((".list", "invite:mentor"))]


@pytest.mark.parametrize("forgery", GET_FORGERIES, ids=[f.action for f in GET_FORGERIES])
async def test_admin_is_told_a_missing_object_is_not_found(
    session: AsyncSession, forgery: Forgery
) -> None:
    """An admin may manage every school: for them a missing object is just missing."""
    w = await make_world(session)
    boss = await admin(session)
    with pytest.raises(NotFound):
        await forgery.call(hub_of(session), boss, w, MISSING)
    assert await denials(session, boss.user_id) == []


async def test_own_schools_objects_are_still_served(session: AsyncSession) -> None:
    w = await make_world(session)
    hub = hub_of(session)
    curator = await actor_of(session, w.curator_a)
    pupil = await make_user(session, full_name="Свой Ученик")
    membership = await add_member(
        session, pupil, w.school_a.id, "mentee", programme_id=w.programme_a.id
    )
    assert (await hub.organisations.get(curator, w.school_a.id)).name == "Школа № 1"
    assert (await hub.programmes.get(curator, w.programme_a.id)).name == "Программа А"
    assert (await hub.participants.get(curator, membership.id)).full_name == "Свой Ученик"
    assert await denials(session, w.curator_a.id) == []
    # The school's own curator membership is no participant: not found, not "forbidden".
    own_curator = next(r for r in curator.active("curator"))
    with pytest.raises(NotFound):
        await hub.participants.get(curator, own_curator.membership_id)


# --- personal data goes only to whom it concerns ---------------------------------------


async def test_consent_status_only_for_the_person_and_the_schools_curator(
    session: AsyncSession,
) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    pupil = await make_user(session, full_name="Петрова Алиса", is_minor=True)
    await add_member(session, pupil, w.school_a.id, "mentee", programme_id=w.programme_a.id)
    stranger = await make_user(session, full_name="Посторонний Человек")

    assert not (await consent.status(pupil, pupil.id, w.school_a.id)).complete
    curator = await actor_of(session, w.curator_a)
    assert (await consent.status(curator, pupil.id, w.school_a.id)).guardian_needed

    refused_by = [
        stranger,  # a Person
        await actor_of(session, stranger),
        await actor_of(session, w.curator_b),  # a neighbour's curator
        await actor_of(session, w.coordinator),  # coordinators see counts, not people
    ]
    for viewer in refused_by:
        with pytest.raises(AccessDenied):
            await consent.status(viewer, pupil.id, w.school_a.id)
    rows = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied")))
    assert len(rows) == len(refused_by)
    assert {r.details["attempted"] for r in rows} == {"consent.status"}
    assert {r.object_id for r in rows} == {pupil.id}


async def test_participants_are_not_shown_to_coordinators_or_mentors(
    session: AsyncSession,
) -> None:
    w = await make_world(session)
    participants = hub_of(session).participants
    mentor = await make_user(session, full_name="Наставник Школы")
    await add_member(session, mentor, w.school_a.id, "mentor", programme_id=w.programme_a.id)
    pupil = await make_user(session, full_name="Петрова Алиса")
    membership = await add_member(
        session, pupil, w.school_a.id, "mentee", programme_id=w.programme_a.id
    )
    for person in (mentor, w.coordinator):
        actor = await actor_of(session, person)
        with pytest.raises(AccessDenied):
            await participants.list_for_school(actor, w.school_a.id)
        with pytest.raises(AccessDenied):
            await participants.get(actor, membership.id)
        assert len(await denials(session, person.id)) == 2


async def test_guardian_link_is_described_only_to_its_guardian(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    child = await make_user(session, full_name="Петрова Алиса", is_minor=True)
    await add_member(session, child, w.school_a.id, "mentee", programme_id=w.programme_a.id)
    mother = await make_user(session, full_name="Петрова Ирина")
    stranger = await make_user(session, full_name="Посторонний Человек")
    request = await consent.request_guardian(child, w.school_a.id)
    opened = await consent.open_guardian_link(mother, request.payload.removeprefix("g-"))

    # The child cannot read or confirm their own link by its id.
    with pytest.raises(DomainError) as own:
        await consent.describe_link(child, opened.link_id)
    assert own.value.code == "guardian-link-unknown"
    with pytest.raises(DomainError) as self_confirm:
        await consent.confirm_guardian(child, opened.link_id)
    assert self_confirm.value.code == "guardian-self"
    assert list(await session.scalars(select(Consent))) == []

    await consent.confirm_guardian(mother, opened.link_id)
    assert (await consent.describe_link(mother, opened.link_id)).child_name == "Петрова Алиса"
    # Once confirmed, nobody else learns whose link it was; a missing link reads the same.
    for link_id in (opened.link_id, MISSING):
        with pytest.raises(DomainError) as other:
            await consent.describe_link(stranger, link_id)
        assert other.value.code == "guardian-link-unknown"
    assert await session.get(GuardianLink, opened.link_id) is not None


async def test_withdrawal_for_a_missing_or_someone_elses_person_is_refused_alike(
    session: AsyncSession,
) -> None:
    w = await make_world(session)
    personal_data = hub_of(session).personal_data
    pupil = await make_user(session, full_name="Петрова Алиса")
    stranger = await make_user(session, full_name="Посторонний Человек")
    answers = []
    for subject in (MISSING, pupil.id, w.curator_a.id):
        with pytest.raises(DomainError) as refused:
            await personal_data.withdraw(subject, by_user_id=stranger.id)
        answers.append((type(refused.value), refused.value.code))
    assert len(set(answers)) == 1 and answers[0][0] is AccessDenied
    rows = await denials(session, stranger.id)
    assert len(rows) == 3 and len({shape(r) for r in rows}) == 1


# --- every refusal has words in every language ---------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
RAISED = re.compile(
    r"\b(?:DomainError|InvalidInput|AccessDenied|NotFound|ImportFileError)\(\s*\"([a-z0-9-]+)\""
)
CLASS_CODE = re.compile(r"^\s+code = \"([a-z0-9-]+)\"", re.MULTILINE)
ERROR_KEY = re.compile(r"\"error-([a-z0-9-]+)\"")


def _codes() -> set[str]:
    codes = {"unexpected"}  # the answer to anything that is no rule's refusal
    for path in (ROOT / "bot").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        codes |= set(RAISED.findall(source)) | set(CLASS_CODE.findall(source))
        codes |= set(ERROR_KEY.findall(source))
    return codes


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_every_error_code_has_a_message(locale: str) -> None:
    text = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "locales" / locale).glob("*.ftl")
    )
    defined = set(re.findall(r"^error-([a-z0-9-]+)\s*=", text, re.MULTILINE))
    codes = _codes()
    assert {"access-denied", "not-found", "guardian-link-unknown"} <= codes  # the scan works
    assert codes - defined == set(), f"no error-<code> message in {locale}"
