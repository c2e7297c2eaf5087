"""The services that decide who may do what, and how people join: access, organisations,
programmes, invitations, consent and registration. No Telegram here: the services are
called directly on a migrated database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.access import Actor
from bot.services.consent import GUARDIAN_PREFIX
from bot.services.errors import AccessDenied, DomainError, InvalidInput
from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.invites import INVITE_PREFIX
from bot.services.programmes import academic_year
from bot.services.registration import (
    SHORT_MAX,
    TEXT_MAX,
    clean_class,
    clean_full_name,
    clean_text,
    clean_years,
)
from bot.services.users import Person
from bot.storage.models import (
    AuditEntry,
    Consent,
    GuardianLink,
    Invite,
    Membership,
    Organisation,
    Programme,
    User,
    utcnow,
)

ADMIN_TG = 900
SETTINGS = ServiceSettings(admin_ids=frozenset({ADMIN_TG}))
FORM = "student_student"
TZ = "Europe/Moscow"

_next_tg = iter(range(5_000_000_001, 5_000_100_000))


# --- helpers ------------------------------------------------------------------------


def hub_of(session: AsyncSession) -> ServiceHub:
    return ServiceHub(session, SETTINGS)


async def make_user(
    session: AsyncSession,
    *,
    telegram_id: int | None = None,
    full_name: str | None = None,
    is_minor: bool | None = None,
) -> Person:
    user = User(
        telegram_id=telegram_id if telegram_id is not None else next(_next_tg),
        full_name=full_name,
        is_minor=is_minor,
    )
    session.add(user)
    await session.flush()
    return Person.of(user)


async def make_org(
    session: AsyncSession, kind: str, name: str, parent_id: int | None = None
) -> Organisation:
    org = Organisation(kind=kind, name=name, timezone=TZ, parent_id=parent_id)
    session.add(org)
    await session.flush()
    return org


async def make_programme(
    session: AsyncSession, school_id: int, name: str = "Ученик — ученику"
) -> Programme:
    programme = Programme(
        organisation_id=school_id,
        form_key=FORM,
        name=name,
        period_start=date(2026, 9, 1),
        period_end=date(2027, 5, 31),
    )
    session.add(programme)
    await session.flush()
    return programme


async def add_member(
    session: AsyncSession,
    person: Person,
    organisation_id: int,
    role: str,
    *,
    programme_id: int | None = None,
    status: str = "active",
) -> Membership:
    membership = Membership(
        user_id=person.id,
        organisation_id=organisation_id,
        programme_id=programme_id,
        role=role,
        status=status,
    )
    session.add(membership)
    await session.flush()
    return membership


async def actor_of(session: AsyncSession, person: Person) -> Actor:
    return await hub_of(session).access.actor(person)


async def admin(session: AsyncSession) -> Actor:
    return await actor_of(session, await make_user(session, telegram_id=ADMIN_TG))


async def denials(session: AsyncSession, user_id: int) -> list[AuditEntry]:
    rows = await session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "denied", AuditEntry.actor_user_id == user_id)
        .order_by(AuditEntry.id)
    )
    return list(rows)


async def count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def uses_left(session: AsyncSession, invite_id: int) -> int:
    invite = await session.scalar(
        select(Invite).where(Invite.id == invite_id).execution_options(populate_existing=True)
    )
    assert invite is not None
    return invite.uses_left


class World:
    """Two municipalities; M has schools A and B, M2 has school C. A curator for each of
    A and B, a coordinator of M, a programme in A and one in B."""

    muni: Organisation
    muni2: Organisation
    school_a: Organisation
    school_b: Organisation
    school_c: Organisation
    programme_a: Programme
    programme_b: Programme
    curator_a: Person
    curator_b: Person
    coordinator: Person


async def make_world(session: AsyncSession) -> World:
    w = World()
    w.muni = await make_org(session, "municipality", "Рыбновский район")
    w.muni2 = await make_org(session, "municipality", "Спасский район")
    w.school_a = await make_org(session, "school", "Школа № 1", w.muni.id)
    w.school_b = await make_org(session, "school", "Школа № 2", w.muni.id)
    w.school_c = await make_org(session, "school", "Школа № 3", w.muni2.id)
    w.programme_a = await make_programme(session, w.school_a.id, "Программа А")
    w.programme_b = await make_programme(session, w.school_b.id, "Программа Б")
    w.curator_a = await make_user(session, full_name="Кузнецова Вера")
    w.curator_b = await make_user(session, full_name="Смирнов Олег")
    w.coordinator = await make_user(session, full_name="Орлова Нина")
    await add_member(session, w.curator_a, w.school_a.id, "curator")
    await add_member(session, w.curator_b, w.school_b.id, "curator")
    await add_member(session, w.coordinator, w.muni.id, "coordinator")
    return w


# --- AccessService / Actor ------------------------------------------------------------


async def test_admin_is_decided_by_admin_ids(session: AsyncSession) -> None:
    the_admin = await make_user(session, telegram_id=ADMIN_TG)
    other = await make_user(session, telegram_id=ADMIN_TG + 1)
    school = await make_org(session, "school", "Школа № 5")

    admin_actor = await actor_of(session, the_admin)
    other_actor = await actor_of(session, other)
    assert admin_actor.is_admin
    assert "admin" in admin_actor.role_names()
    assert admin_actor.is_curator_of(school.id)  # admins manage every school
    assert not other_actor.is_admin
    assert "admin" not in other_actor.role_names()
    assert not other_actor.is_curator_of(school.id)

    # The same person is no admin for a bot configured with other ids.
    elsewhere = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_TG + 1})))
    assert not (await elsewhere.access.actor(the_admin)).is_admin
    assert (await elsewhere.access.actor(other)).is_admin


async def test_curator_of_one_school_is_not_curator_of_another(session: AsyncSession) -> None:
    w = await make_world(session)
    access = hub_of(session).access
    curator = await access.actor(w.curator_a)

    assert curator.is_curator_of(w.school_a.id)
    assert not curator.is_curator_of(w.school_b.id)
    assert curator.role_names() == {"curator"}
    await access.require_curator(curator, w.school_a.id, "test")
    with pytest.raises(AccessDenied):
        await access.require_curator(curator, w.school_b.id, "test")


async def test_only_active_curator_roles_count(session: AsyncSession) -> None:
    school = await make_org(session, "school", "Школа № 9")
    registering = await make_user(session)
    withdrawn = await make_user(session)
    await add_member(session, registering, school.id, "curator", status="registering")
    await add_member(session, withdrawn, school.id, "curator", status="withdrawn")
    assert not (await actor_of(session, registering)).is_curator_of(school.id)
    assert not (await actor_of(session, withdrawn)).is_curator_of(school.id)


async def test_coordinator_views_schools_of_own_municipality_only(session: AsyncSession) -> None:
    w = await make_world(session)
    access = hub_of(session).access
    coordinator = await access.actor(w.coordinator)

    await access.require_viewer(coordinator, w.school_a.id, "school.view")
    await access.require_viewer(coordinator, w.school_b.id, "school.view")
    await access.require_viewer(coordinator, w.muni.id, "school.view")
    with pytest.raises(AccessDenied):
        await access.require_viewer(coordinator, w.school_c.id, "school.view")
    with pytest.raises(AccessDenied):
        await access.require_viewer(coordinator, w.muni2.id, "school.view")
    # Seeing is not managing.
    assert not coordinator.is_curator_of(w.school_a.id)
    with pytest.raises(AccessDenied):
        await access.require_curator(coordinator, w.school_a.id, "programme.create")


async def test_curator_views_own_school_not_a_neighbour(session: AsyncSession) -> None:
    w = await make_world(session)
    access = hub_of(session).access
    curator = await access.actor(w.curator_a)
    await access.require_viewer(curator, w.school_a.id, "school.view")
    with pytest.raises(AccessDenied):
        await access.require_viewer(curator, w.school_b.id, "school.view")


async def test_deny_writes_an_audit_row_with_the_attempted_action(session: AsyncSession) -> None:
    w = await make_world(session)
    access = hub_of(session).access
    curator = await access.actor(w.curator_a)

    error = await access.deny(curator, "pair.delete", target_organisation_id=w.school_b.id)
    assert isinstance(error, AccessDenied)
    [row] = await denials(session, w.curator_a.id)
    assert row.details["attempted"] == "pair.delete"
    assert row.details["target_organisation_id"] == w.school_b.id

    with pytest.raises(AccessDenied):
        await access.require_viewer(curator, w.school_c.id, "school.view")
    rows = await denials(session, w.curator_a.id)
    assert [r.details["attempted"] for r in rows] == ["pair.delete", "school.view"]
    assert rows[1].details["target_organisation_id"] == w.school_c.id


# --- OrganisationService --------------------------------------------------------------


async def test_non_admin_cannot_create_organisation(session: AsyncSession) -> None:
    w = await make_world(session)
    organisations = hub_of(session).organisations
    curator = await actor_of(session, w.curator_a)
    before = await count(session, Organisation)

    with pytest.raises(AccessDenied):
        await organisations.create(curator, kind="school", name="Школа № 10", timezone=TZ)

    assert await count(session, Organisation) == before
    [row] = await denials(session, w.curator_a.id)
    assert row.details["attempted"] == "organisation.create:school"


async def test_admin_creates_school_with_cleaned_name(session: AsyncSession) -> None:
    organisations = hub_of(session).organisations
    the_admin = await admin(session)
    muni = await organisations.create(
        the_admin, kind="municipality", name="Рыбновский район", timezone=TZ
    )
    school = await organisations.create(
        the_admin,
        kind="school",
        name="  МБОУ   «Школа\t№ 7»\n ",
        timezone="Asia/Yekaterinburg",
        parent_id=muni.id,
    )
    assert school.name == "МБОУ «Школа № 7»"
    assert school.parent_id == muni.id
    assert school.timezone == "Asia/Yekaterinburg"
    stored = await session.get(Organisation, school.id)
    assert stored is not None and stored.name == "МБОУ «Школа № 7»"


@pytest.mark.parametrize("tz", ["Mars/Olympus", "", "MSK+3", "../../etc/passwd"])
async def test_bad_time_zone_is_refused(session: AsyncSession, tz: str) -> None:
    organisations = hub_of(session).organisations
    the_admin = await admin(session)
    with pytest.raises(InvalidInput) as exc:
        await organisations.create(the_admin, kind="municipality", name="Район", timezone=tz)
    assert exc.value.code == "timezone"
    assert await count(session, Organisation) == 0


async def test_time_zone_folder_name_is_refused_as_bad_input(session: AsyncSession) -> None:
    """'Europe' names a folder of the tz database, not a zone: still just bad input."""
    organisations = hub_of(session).organisations
    the_admin = await admin(session)
    with pytest.raises(InvalidInput) as exc:
        await organisations.create(the_admin, kind="municipality", name="Район", timezone="Europe")
    assert exc.value.code == "timezone"


@pytest.mark.parametrize("name", ["", "   ", "А", "  Б  ", "Ш" * 201])
async def test_organisation_name_length(session: AsyncSession, name: str) -> None:
    organisations = hub_of(session).organisations
    the_admin = await admin(session)
    with pytest.raises(InvalidInput) as exc:
        await organisations.create(the_admin, kind="municipality", name=name, timezone=TZ)
    assert exc.value.code == "name-length"


async def test_organisation_name_length_bounds_accepted(session: AsyncSession) -> None:
    organisations = hub_of(session).organisations
    the_admin = await admin(session)
    short = await organisations.create(the_admin, kind="municipality", name=" Ям ", timezone=TZ)
    long = await organisations.create(the_admin, kind="municipality", name="Ш" * 200, timezone=TZ)
    assert short.name == "Ям"
    assert len(long.name) == 200


async def test_school_cannot_be_placed_under_a_school(session: AsyncSession) -> None:
    w = await make_world(session)
    organisations = hub_of(session).organisations
    the_admin = await admin(session)
    before = await count(session, Organisation)
    with pytest.raises(InvalidInput) as exc:
        await organisations.create(
            the_admin, kind="school", name="Филиал", timezone=TZ, parent_id=w.school_a.id
        )
    assert exc.value.code == "organisation-parent"
    # Nor a municipality under a municipality, nor under a missing parent.
    with pytest.raises(InvalidInput) as exc:
        await organisations.create(
            the_admin, kind="municipality", name="Район", timezone=TZ, parent_id=w.muni.id
        )
    assert exc.value.code == "organisation-parent"
    with pytest.raises(InvalidInput) as exc:
        await organisations.create(
            the_admin, kind="school", name="Школа", timezone=TZ, parent_id=999_999
        )
    assert exc.value.code == "organisation-parent"
    assert await count(session, Organisation) == before


# --- ProgrammeService -----------------------------------------------------------------


async def test_curator_of_another_school_cannot_create_programme(session: AsyncSession) -> None:
    w = await make_world(session)
    programmes = hub_of(session).programmes
    curator_b = await actor_of(session, w.curator_b)
    before = await count(session, Programme)

    with pytest.raises(AccessDenied):
        await programmes.create(
            curator_b,
            school_id=w.school_a.id,
            name="Чужая программа",
            form_key=FORM,
            period_start=date(2026, 9, 1),
            period_end=date(2027, 5, 31),
        )
    assert await count(session, Programme) == before
    [row] = await denials(session, w.curator_b.id)
    assert row.details["attempted"] == "programme.create"
    assert row.details["target_organisation_id"] == w.school_a.id

    # Their own school is fine.
    own = await programmes.create(
        curator_b,
        school_id=w.school_b.id,
        name="  Своя   программа ",
        form_key=FORM,
        period_start=date(2026, 9, 1),
        period_end=date(2027, 5, 31),
    )
    assert own.organisation_id == w.school_b.id
    assert own.name == "Своя программа"
    assert own.stage == "preparation"


async def test_curator_of_another_school_cannot_get_programme(session: AsyncSession) -> None:
    w = await make_world(session)
    programmes = hub_of(session).programmes
    curator_a = await actor_of(session, w.curator_a)
    curator_b = await actor_of(session, w.curator_b)

    assert (await programmes.get(curator_a, w.programme_a.id)).name == "Программа А"
    with pytest.raises(AccessDenied):
        await programmes.get(curator_b, w.programme_a.id)
    [row] = await denials(session, w.curator_b.id)
    assert row.details["attempted"] == "programme.view"
    assert row.details["target_organisation_id"] == w.school_a.id
    # The coordinator of the municipality sees it.
    coordinator = await actor_of(session, w.coordinator)
    assert (await programmes.get(coordinator, w.programme_a.id)).id == w.programme_a.id


async def test_programme_unknown_form(session: AsyncSession) -> None:
    w = await make_world(session)
    programmes = hub_of(session).programmes
    curator = await actor_of(session, w.curator_a)
    with pytest.raises(InvalidInput) as exc:
        await programmes.create(
            curator,
            school_id=w.school_a.id,
            name="Программа",
            form_key="no_such_form",
            period_start=date(2026, 9, 1),
            period_end=date(2027, 5, 31),
        )
    assert exc.value.code == "programme-form"


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2027, 5, 31), date(2026, 9, 1)), (date(2026, 9, 1), date(2026, 9, 1))],
    ids=["end-before-start", "same-day"],
)
async def test_programme_period_must_move_forward(
    session: AsyncSession, start: date, end: date
) -> None:
    w = await make_world(session)
    programmes = hub_of(session).programmes
    curator = await actor_of(session, w.curator_a)
    before = await count(session, Programme)
    with pytest.raises(InvalidInput) as exc:
        await programmes.create(
            curator,
            school_id=w.school_a.id,
            name="Программа",
            form_key=FORM,
            period_start=start,
            period_end=end,
        )
    assert exc.value.code == "programme-period"
    assert await count(session, Programme) == before


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 5, 31), (date(2026, 9, 1), date(2027, 5, 31))),
        (date(2027, 6, 1), (date(2027, 9, 1), date(2028, 5, 31))),
        (date(2026, 9, 1), (date(2026, 9, 1), date(2027, 5, 31))),
        (date(2026, 12, 31), (date(2026, 9, 1), date(2027, 5, 31))),
        (date(2027, 1, 1), (date(2026, 9, 1), date(2027, 5, 31))),
    ],
    ids=["31-may", "1-june", "1-sept", "31-dec", "1-jan"],
)
def test_academic_year(today: date, expected: tuple[date, date]) -> None:
    assert academic_year(today) == expected


# --- InviteService: creating ------------------------------------------------------------


async def test_admin_invites_coordinators_and_curators(session: AsyncSession) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    the_admin = await admin(session)

    coordinator = await invites.create(the_admin, organisation_id=w.muni.id, role="coordinator")
    curator = await invites.create(the_admin, organisation_id=w.school_a.id, role="curator")
    assert coordinator.role == "coordinator" and coordinator.programme_id is None
    assert curator.role == "curator" and curator.organisation_id == w.school_a.id
    assert coordinator.payload == INVITE_PREFIX + coordinator.code


@pytest.mark.parametrize("role", ["coordinator", "curator"])
async def test_staff_invites_are_admin_only(session: AsyncSession, role: str) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    org_id = w.muni.id if role == "coordinator" else w.school_a.id
    for person in (w.curator_a, w.coordinator):
        actor = await actor_of(session, person)
        with pytest.raises(AccessDenied):
            await invites.create(actor, organisation_id=org_id, role=role)
        [row] = await denials(session, person.id)
        assert row.details["attempted"] == f"invite:{role}"
    assert await count(session, Invite) == 0


@pytest.mark.parametrize(
    ("role", "where"),
    [("coordinator", "school_a"), ("curator", "muni")],
)
async def test_staff_invite_role_must_fit_organisation_kind(
    session: AsyncSession, role: str, where: str
) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    the_admin = await admin(session)
    with pytest.raises(InvalidInput) as exc:
        await invites.create(the_admin, organisation_id=getattr(w, where).id, role=role)
    assert exc.value.code == "invite-wrong-organisation"
    assert await count(session, Invite) == 0


async def test_unknown_invite_role(session: AsyncSession) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    the_admin = await admin(session)
    with pytest.raises(InvalidInput) as exc:
        await invites.create(the_admin, organisation_id=w.school_a.id, role="admin")
    assert exc.value.code == "invite-role"


@pytest.mark.parametrize("role", ["mentor", "mentee"])
async def test_curator_invites_participants_into_own_programme(
    session: AsyncSession, role: str
) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    curator = await actor_of(session, w.curator_a)
    created = await invites.create(
        curator,
        organisation_id=w.school_a.id,
        role=role,
        programme_id=w.programme_a.id,
        max_uses=30,
    )
    row = await session.get(Invite, created.id)
    assert row is not None
    assert (row.role, row.organisation_id, row.programme_id) == (
        role,
        w.school_a.id,
        w.programme_a.id,
    )
    assert row.max_uses == row.uses_left == 30
    assert row.created_by_user_id == w.curator_a.id


async def test_curator_cannot_invite_into_programme_of_another_school(
    session: AsyncSession,
) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    curator = await actor_of(session, w.curator_a)

    # Own school in organisation_id, a neighbour's programme in programme_id.
    with pytest.raises(AccessDenied):
        await invites.create(
            curator, organisation_id=w.school_a.id, role="mentee", programme_id=w.programme_b.id
        )
    [row] = await denials(session, w.curator_a.id)
    assert row.details["attempted"] == "invite:mentee"
    assert (row.object_type, row.object_id) == ("programme", w.programme_b.id)

    # The neighbour's school outright.
    with pytest.raises(AccessDenied):
        await invites.create(
            curator, organisation_id=w.school_b.id, role="mentor", programme_id=w.programme_b.id
        )
    rows = await denials(session, w.curator_a.id)
    assert len(rows) == 2
    assert rows[1].details["attempted"] == "invite:mentor"

    # A participant invite needs a programme at all.
    with pytest.raises(AccessDenied):
        await invites.create(curator, organisation_id=w.school_a.id, role="mentor")
    assert await count(session, Invite) == 0


async def test_invite_code_is_stored_only_as_its_hash(session: AsyncSession) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    curator = await actor_of(session, w.curator_a)
    created = await invites.create(
        curator, organisation_id=w.school_a.id, role="mentee", programme_id=w.programme_a.id
    )
    row = await session.get(Invite, created.id)
    assert row is not None
    assert len(created.code) >= 20
    assert row.code_hash != created.code
    assert row.code_hash == hashlib.sha256(created.code.encode()).hexdigest()
    stored = [str(getattr(row, c.key)) for c in Invite.__table__.columns]
    assert not any(created.code in value for value in stored)

    other = await invites.create(
        curator, organisation_id=w.school_a.id, role="mentee", programme_id=w.programme_a.id
    )
    assert other.code != created.code


# --- InviteService: redeeming -----------------------------------------------------------


async def _participant_invite(
    session: AsyncSession, w: World, *, max_uses: int = 1, role: str = "mentee"
) -> tuple[int, str]:
    curator = await actor_of(session, w.curator_a)
    created = await hub_of(session).invites.create(
        curator,
        organisation_id=w.school_a.id,
        role=role,
        programme_id=w.programme_a.id,
        max_uses=max_uses,
    )
    return created.id, created.code


async def test_redeem_creates_registering_membership(session: AsyncSession) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    invite_id, code = await _participant_invite(session, w, max_uses=3)
    pupil = await make_user(session)

    joined = await invites.redeem(pupil, code)

    assert not joined.already_member
    assert joined.role == "mentee"
    assert joined.organisation_id == w.school_a.id
    assert joined.organisation_name == "Школа № 1"
    assert joined.programme_id == w.programme_a.id
    assert joined.programme_name == "Программа А"
    membership = await session.get(Membership, joined.membership_id)
    assert membership is not None
    assert membership.user_id == pupil.id
    assert (membership.organisation_id, membership.programme_id, membership.role) == (
        w.school_a.id,
        w.programme_a.id,
        "mentee",
    )
    assert membership.status == "registering"
    assert await uses_left(session, invite_id) == 2


async def test_staff_invite_redeem_gives_staff_role(session: AsyncSession) -> None:
    w = await make_world(session)
    h = hub_of(session)
    created = await h.invites.create(
        await admin(session), organisation_id=w.school_c.id, role="curator"
    )
    teacher = await make_user(session)
    joined = await h.invites.redeem(teacher, created.code)
    assert (joined.role, joined.organisation_id, joined.programme_id) == (
        "curator",
        w.school_c.id,
        None,
    )
    # Registering is not yet active: no curator rights until registration completes.
    assert not (await h.access.actor(teacher)).is_curator_of(w.school_c.id)


async def test_redeem_unknown_code(session: AsyncSession) -> None:
    await make_world(session)
    pupil = await make_user(session)
    with pytest.raises(DomainError) as exc:
        await hub_of(session).invites.redeem(pupil, "A" * 24)
    assert exc.value.code == "invite-unknown"
    assert await count(session, Membership, Membership.user_id == pupil.id) == 0


@pytest.mark.parametrize(
    "payload",
    ["abc def", " ", "", "x" * 200, "код-приглашения", "abc\ndef", "a/b"],
    ids=["space", "blank", "empty", "200-chars", "cyrillic", "newline", "slash"],
)
async def test_redeem_malformed_payload(session: AsyncSession, payload: str) -> None:
    w = await make_world(session)
    invite_id, _code = await _participant_invite(session, w)
    pupil = await make_user(session)
    with pytest.raises(DomainError) as exc:
        await hub_of(session).invites.redeem(pupil, payload)
    assert exc.value.code == "invite-unknown"
    assert await uses_left(session, invite_id) == 1


async def test_redeem_code_with_spaces_around_is_unknown(session: AsyncSession) -> None:
    w = await make_world(session)
    invite_id, code = await _participant_invite(session, w)
    pupil = await make_user(session)
    with pytest.raises(DomainError) as exc:
        await hub_of(session).invites.redeem(pupil, f" {code} ")
    assert exc.value.code == "invite-unknown"
    assert await uses_left(session, invite_id) == 1


async def test_redeem_expired_invite(session: AsyncSession) -> None:
    w = await make_world(session)
    invite_id, code = await _participant_invite(session, w, max_uses=5)
    row = await session.get(Invite, invite_id)
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    await session.flush()
    pupil = await make_user(session)

    with pytest.raises(DomainError) as exc:
        await hub_of(session).invites.redeem(pupil, code)
    assert exc.value.code == "invite-expired"
    assert await count(session, Membership, Membership.user_id == pupil.id) == 0
    assert await uses_left(session, invite_id) == 5


async def test_redeem_revoked_invite_is_unknown(session: AsyncSession) -> None:
    w = await make_world(session)
    invite_id, code = await _participant_invite(session, w)
    row = await session.get(Invite, invite_id)
    assert row is not None
    row.revoked_at = utcnow()
    await session.flush()
    with pytest.raises(DomainError) as exc:
        await hub_of(session).invites.redeem(await make_user(session), code)
    assert exc.value.code == "invite-unknown"


async def test_redeem_used_up_invite(session: AsyncSession) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    invite_id, code = await _participant_invite(session, w)
    first, second = await make_user(session), await make_user(session)

    await invites.redeem(first, code)
    with pytest.raises(DomainError) as exc:
        await invites.redeem(second, code)
    assert exc.value.code == "invite-used"
    assert await count(session, Membership, Membership.user_id == second.id) == 0
    assert await uses_left(session, invite_id) == 0


async def test_redeeming_twice_uses_no_second_place(session: AsyncSession) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    invite_id, code = await _participant_invite(session, w, max_uses=2)
    pupil = await make_user(session)

    first = await invites.redeem(pupil, code)
    again = await invites.redeem(pupil, code)

    assert not first.already_member
    assert again.already_member
    assert again.membership_id == first.membership_id
    assert await uses_left(session, invite_id) == 1
    assert await count(session, Membership, Membership.user_id == pupil.id) == 1
    # The place the repeat did not take is still there for someone else.
    other = await invites.redeem(await make_user(session), code)
    assert not other.already_member
    assert await uses_left(session, invite_id) == 0


async def test_single_use_invite_reopened_by_its_user_after_use(session: AsyncSession) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    _invite_id, code = await _participant_invite(session, w, max_uses=1)
    pupil = await make_user(session)
    first = await invites.redeem(pupil, code)
    again = await invites.redeem(pupil, code)  # not invite-used: it is their own place
    assert again.already_member and again.membership_id == first.membership_id


async def test_two_use_invite_serves_two_people_then_refuses(session: AsyncSession) -> None:
    w = await make_world(session)
    invites = hub_of(session).invites
    invite_id, code = await _participant_invite(session, w, max_uses=2, role="mentor")
    a = await make_user(session)
    b = await make_user(session)
    c = await make_user(session)

    joined_a = await invites.redeem(a, code)
    joined_b = await invites.redeem(b, code)
    assert joined_a.membership_id != joined_b.membership_id
    with pytest.raises(DomainError) as exc:
        await invites.redeem(c, code)
    assert exc.value.code == "invite-used"

    members = await session.scalars(
        select(Membership.user_id).where(
            Membership.programme_id == w.programme_a.id, Membership.role == "mentor"
        )
    )
    assert sorted(members) == sorted([a.id, b.id])
    assert await uses_left(session, invite_id) == 0


async def test_concurrent_redeems_of_single_use_invite(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        w = await make_world(session)
        invite_id, code = await _participant_invite(session, w, max_uses=1)
        first = await make_user(session)
        second = await make_user(session)
        await session.commit()

    async def redeem(person: Person) -> bool:
        async with session_factory() as s:
            try:
                await hub_of(s).invites.redeem(person, code)
                await s.commit()
            except Exception:
                await s.rollback()
                raise
        return True

    results = await asyncio.gather(redeem(first), redeem(second), return_exceptions=True)

    winners = [r for r in results if r is True]
    losers = [r for r in results if r is not True]
    assert len(winners) == 1, results
    [error] = losers
    # On SQLite too: the second waits for the first, then finds the invite used up.
    assert isinstance(error, DomainError) and error.code == "invite-used", repr(error)

    async with session_factory() as session:
        joined = await session.scalars(
            select(Membership.user_id).where(Membership.programme_id == w.programme_a.id)
        )
        assert len(list(joined)) == 1
        assert await uses_left(session, invite_id) == 0


# --- ConsentService ---------------------------------------------------------------------


async def _participant(
    session: AsyncSession, w: World, *, is_minor: bool | None, name: str | None = "Петрова Алиса"
) -> tuple[Person, Membership]:
    person = await make_user(session, full_name=name, is_minor=is_minor)
    membership = await add_member(
        session,
        person,
        w.school_a.id,
        "mentee",
        programme_id=w.programme_a.id,
        status="registering",
    )
    return person, membership


async def test_adult_consent_complete_after_give_self(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    adult, _m = await _participant(session, w, is_minor=False)

    before = await consent.status(adult, adult.id, w.school_a.id)
    assert not before.self_given and not before.complete
    await consent.give_self(adult, w.school_a.id)
    after = await consent.status(adult, adult.id, w.school_a.id)
    assert after.self_given and not after.guardian_needed and after.complete
    # Consent is per school: another school still has none.
    assert not (await consent.status(adult, adult.id, w.school_b.id)).complete


async def test_give_self_twice_stores_one_row(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    adult, _m = await _participant(session, w, is_minor=False)
    await consent.give_self(adult, w.school_a.id)
    await consent.give_self(adult, w.school_a.id)
    rows = list(await session.scalars(select(Consent).where(Consent.subject_user_id == adult.id)))
    assert len(rows) == 1
    assert rows[0].given_by == "self"
    assert rows[0].organisation_id == w.school_a.id
    assert rows[0].text_version


async def test_minor_needs_guardian_confirmation(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    minor, _m = await _participant(session, w, is_minor=True)
    parent = await make_user(session, full_name="Петров Глеб")

    await consent.give_self(minor, w.school_a.id)
    status = await consent.status(minor, minor.id, w.school_a.id)
    assert status.self_given and status.guardian_needed
    assert not status.guardian_given and not status.complete

    request = await consent.request_guardian(minor, w.school_a.id)
    assert request.payload.startswith(GUARDIAN_PREFIX)
    code = request.payload.removeprefix(GUARDIAN_PREFIX)
    # A link is no consent.
    assert not (await consent.status(minor, minor.id, w.school_a.id)).complete

    invitation = await consent.open_guardian_link(parent, code)
    assert invitation.child_name == "Петрова Алиса"
    assert invitation.school_name == "Школа № 1"
    assert invitation.child_user_id == minor.id
    assert invitation.organisation_id == w.school_a.id
    assert not invitation.already_confirmed
    # Opening it is no consent either.
    assert not (await consent.status(minor, minor.id, w.school_a.id)).complete

    confirmed = await consent.confirm_guardian(parent, invitation.link_id)
    assert confirmed.already_confirmed
    final = await consent.status(minor, minor.id, w.school_a.id)
    assert final.guardian_given and final.complete
    row = await session.scalar(
        select(Consent).where(Consent.subject_user_id == minor.id, Consent.given_by == "guardian")
    )
    assert row is not None and row.marked_by_user_id == parent.id
    assert [c.child_user_id for c in await consent.guarded_children(parent)] == [minor.id]


async def test_guardian_link_code_is_stored_only_as_hash(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    minor, _m = await _participant(session, w, is_minor=True)
    code = (await consent.request_guardian(minor, w.school_a.id)).payload.removeprefix(
        GUARDIAN_PREFIX
    )
    link = await session.scalar(select(GuardianLink).where(GuardianLink.minor_user_id == minor.id))
    assert link is not None
    assert link.code_hash == hashlib.sha256(code.encode()).hexdigest() != code


async def test_minor_complete_after_paper_marked_by_own_curator(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    minor, membership = await _participant(session, w, is_minor=True)
    await consent.give_self(minor, w.school_a.id)
    assert not (await consent.status(minor, minor.id, w.school_a.id)).complete

    curator = await actor_of(session, w.curator_a)
    assert (await consent.mark_paper(curator, membership.id)).user_id == minor.id
    status = await consent.status(minor, minor.id, w.school_a.id)
    assert status.guardian_given and status.complete
    # Marking twice stores one paper.
    await consent.mark_paper(curator, membership.id)
    assert await count(session, Consent, Consent.given_by == "paper") == 1


async def test_paper_alone_completes_minor_consent(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    minor, membership = await _participant(session, w, is_minor=True)
    await consent.mark_paper(await actor_of(session, w.curator_a), membership.id)
    assert (await consent.status(minor, minor.id, w.school_a.id)).complete


async def test_mark_paper_by_curator_of_another_school(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    minor, membership = await _participant(session, w, is_minor=True)
    stranger = await actor_of(session, w.curator_b)

    with pytest.raises(AccessDenied):
        await consent.mark_paper(stranger, membership.id)
    assert await count(session, Consent) == 0
    assert not (await consent.status(minor, minor.id, w.school_a.id)).guardian_given
    [row] = await denials(session, w.curator_b.id)
    assert row.details["attempted"] == "consent.paper"
    assert row.details["target_organisation_id"] == w.school_a.id


async def test_minor_cannot_open_own_guardian_link(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    minor, _m = await _participant(session, w, is_minor=True)
    code = (await consent.request_guardian(minor, w.school_a.id)).payload.removeprefix(
        GUARDIAN_PREFIX
    )
    with pytest.raises(DomainError) as exc:
        await consent.open_guardian_link(minor, code)
    assert exc.value.code == "guardian-self"


async def test_expired_guardian_link(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    minor, _m = await _participant(session, w, is_minor=True)
    parent = await make_user(session)
    code = (await consent.request_guardian(minor, w.school_a.id)).payload.removeprefix(
        GUARDIAN_PREFIX
    )
    link = await session.scalar(select(GuardianLink).where(GuardianLink.minor_user_id == minor.id))
    assert link is not None
    link.expires_at = utcnow() - timedelta(minutes=1)
    await session.flush()

    with pytest.raises(DomainError) as exc:
        await consent.open_guardian_link(parent, code)
    assert exc.value.code == "guardian-link-expired"
    with pytest.raises(DomainError) as exc:
        await consent.confirm_guardian(parent, link.id)
    assert exc.value.code == "guardian-link-expired"
    assert await count(session, Consent) == 0


async def test_unknown_and_malformed_guardian_codes(session: AsyncSession) -> None:
    await make_world(session)
    consent = hub_of(session).consent
    parent = await make_user(session)
    for code in ("B" * 24, "with space", "x" * 200, ""):
        with pytest.raises(DomainError) as exc:
            await consent.open_guardian_link(parent, code)
        assert exc.value.code == "guardian-link-unknown"


async def test_confirming_twice_by_same_guardian_is_harmless(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    minor, _m = await _participant(session, w, is_minor=True)
    parent = await make_user(session)
    code = (await consent.request_guardian(minor, w.school_a.id)).payload.removeprefix(
        GUARDIAN_PREFIX
    )
    link_id = (await consent.open_guardian_link(parent, code)).link_id

    await consent.confirm_guardian(parent, link_id)
    again = await consent.confirm_guardian(parent, link_id)
    assert again.already_confirmed and again.child_user_id == minor.id
    reopened = await consent.open_guardian_link(parent, code)
    assert reopened.already_confirmed

    assert await count(session, Consent, Consent.given_by == "guardian") == 1
    assert await count(session, AuditEntry, AuditEntry.action == "consent.guardian") == 1
    assert (await consent.status(minor, minor.id, w.school_a.id)).guardian_given


async def test_confirmed_link_is_unknown_to_anyone_else(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    minor, _m = await _participant(session, w, is_minor=True)
    parent = await make_user(session)
    intruder = await make_user(session)
    code = (await consent.request_guardian(minor, w.school_a.id)).payload.removeprefix(
        GUARDIAN_PREFIX
    )
    link_id = (await consent.open_guardian_link(parent, code)).link_id
    await consent.confirm_guardian(parent, link_id)

    with pytest.raises(DomainError) as exc:
        await consent.open_guardian_link(intruder, code)
    assert exc.value.code == "guardian-link-unknown"
    with pytest.raises(DomainError) as exc:
        await consent.confirm_guardian(intruder, link_id)
    assert exc.value.code == "guardian-link-unknown"
    link = await session.get(GuardianLink, link_id)
    assert link is not None and link.guardian_user_id == parent.id
    assert await consent.guarded_children(intruder) == []


async def test_new_guardian_request_retires_the_old_code(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    minor, _m = await _participant(session, w, is_minor=True)
    parent = await make_user(session)
    old = (await consent.request_guardian(minor, w.school_a.id)).payload.removeprefix(
        GUARDIAN_PREFIX
    )
    new = (await consent.request_guardian(minor, w.school_a.id)).payload.removeprefix(
        GUARDIAN_PREFIX
    )
    assert old != new

    with pytest.raises(DomainError) as exc:
        await consent.open_guardian_link(parent, old)
    assert exc.value.code == "guardian-link-unknown"
    invitation = await consent.open_guardian_link(parent, new)
    assert invitation.child_user_id == minor.id
    assert await count(session, GuardianLink, GuardianLink.minor_user_id == minor.id) == 1


# --- RegistrationService ----------------------------------------------------------------


async def test_complete_without_consent_is_refused(session: AsyncSession) -> None:
    w = await make_world(session)
    registration = hub_of(session).registration
    person, membership = await _participant(session, w, is_minor=None, name=None)
    # Consent in a different school does not count.
    await hub_of(session).consent.give_self(person, w.school_b.id)

    with pytest.raises(DomainError) as exc:
        await registration.complete(
            person,
            membership.id,
            full_name="Петрова Алиса",
            is_minor=False,
            profile={"school_class": "7Б"},
        )
    assert exc.value.code == "consent-required"
    user = await session.get(User, person.id)
    assert user is not None and user.full_name is None and user.is_minor is None
    await session.refresh(membership)
    assert membership.status == "registering"
    assert membership.profile == {}


async def test_complete_with_consent_saves_name_and_profile(session: AsyncSession) -> None:
    w = await make_world(session)
    h = hub_of(session)
    person, membership = await _participant(session, w, is_minor=None, name=None)
    pending = await h.registration.pending(person)
    assert pending is not None and pending.membership_id == membership.id
    assert pending.programme_name == "Программа А" and pending.form_key == FORM

    await h.consent.give_self(person, w.school_a.id)
    # A student–student mentee's questions, each answer valid for the form.
    profile = {
        "school_class": "7Б",
        "help_topics": ["study"],
        "wishes": "Шахматы",
        "times": ["weekend"],
    }
    await h.registration.complete(
        person, membership.id, full_name="  Ёлкина   Алёна ", is_minor=True, profile=profile
    )

    user = await session.get(User, person.id)
    assert user is not None
    assert user.full_name == "Ёлкина Алёна"
    assert user.is_minor is True
    await session.refresh(membership)
    assert membership.status == "active"
    assert membership.profile == profile
    assert await h.registration.pending(person) is None


async def test_complete_someone_elses_membership_is_not_found(session: AsyncSession) -> None:
    w = await make_world(session)
    h = hub_of(session)
    _owner, membership = await _participant(session, w, is_minor=False)
    other = await make_user(session)
    await h.consent.give_self(other, w.school_a.id)
    with pytest.raises(DomainError) as exc:
        await h.registration.complete(
            other, membership.id, full_name="Иванов Иван", is_minor=False, profile={}
        )
    assert exc.value.code == "not-found"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ёлкина Алёна", "Ёлкина Алёна"),
        ("  Салтыков-Щедрин   Михаил  Евграфович ", "Салтыков-Щедрин Михаил Евграфович"),
        ("Римский-Корсаков Николай", "Римский-Корсаков Николай"),
        ("Петров Пётр", "Петров Пётр"),
        ("O'Brien John", "O'Brien John"),
    ],
)
def test_clean_full_name_accepts(text: str, expected: str) -> None:
    assert clean_full_name(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Иванов", "  Иванов  ", "Иванов1 Иван", "Иван 2", "12345 678", "-Иванов Иван", "", "Я Я" * 50],
)
def test_clean_full_name_rejects(text: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        clean_full_name(text)
    assert exc.value.code == "full-name"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7б", "7Б"),
        ("11 А", "11А"),
        ("1", "1"),
        ("10", "10"),
        (" 9в ", "9В"),
        ("5-а", "5-А"),
    ],
)
def test_clean_class_accepts(text: str, expected: str) -> None:
    assert clean_class(text) == expected


@pytest.mark.parametrize("text", ["12", "0", "", "7бб", "А7", "20Б", "-1"])
def test_clean_class_rejects(text: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        clean_class(text)
    assert exc.value.code == "school-class"


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("60", 60), (" 15 ", 15)])
def test_clean_years_accepts(text: str, expected: int) -> None:
    assert clean_years(text) == expected


@pytest.mark.parametrize("text", ["61", "-1", "два", "", "1.5", "100", "²"])
def test_clean_years_rejects(text: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        clean_years(text)
    assert exc.value.code == "years"


def test_clean_text() -> None:
    assert clean_text("  Люблю шахматы  ") == "Люблю шахматы"
    assert clean_text("я" * TEXT_MAX) == "я" * TEXT_MAX
    assert clean_text("я" * SHORT_MAX, SHORT_MAX) == "я" * SHORT_MAX
    for empty in ("", "   ", "\n\t"):
        with pytest.raises(InvalidInput) as exc:
            clean_text(empty)
        assert exc.value.code == "text-empty"
    with pytest.raises(InvalidInput) as exc:
        clean_text("я" * (TEXT_MAX + 1))
    assert exc.value.code == "text-too-long"
    assert exc.value.details == {"limit": TEXT_MAX}
    with pytest.raises(InvalidInput) as exc:
        clean_text("я" * (SHORT_MAX + 1), SHORT_MAX)
    assert exc.value.code == "text-too-long"
    assert exc.value.details == {"limit": SHORT_MAX}
