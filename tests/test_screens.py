"""Staff screens that fit a phone and a school of any size: paged lists with a «‹ 2/5 ›»
pager, short labels, the coordinator's totals, the curator's participants by status,
time zones by city and key, paper consent confirmed and told once, and «Назад» from a
screen opened by a command."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.services.codes import hash_code, new_code
from bot.services.errors import AccessDenied, NotFound
from bot.storage.models import (
    AuditEntry,
    Consent,
    Invite,
    Membership,
    Organisation,
    User,
    utcnow,
)
from tests.databases import sqlite_url
from tests.fake_telegram import FakeTelegram, FakeUser, SentMessage
from tests.harness import ADMIN_ID, Running, running_bot
from tests.test_flow_staff import (
    add_membership,
    add_programme,
    add_school,
    add_user,
    callback_data,
    curator_of,
)
from tests.test_services_people import _participant, count, hub_of, make_world
from tests.test_services_people import actor_of as people_actor

LIMIT = 4096
LABEL_LIMIT = 30
PAGER_ARROWS = {"‹", "›"}


# --- helpers ------------------------------------------------------------------------


def pager_of(message: SentMessage) -> str | None:
    """The «n/N» of the pager, or None when the list fits one page."""
    for row in message.button_rows():
        if len(row) == 3 and row[0] == "‹" and row[2] == "›":
            return row[1]
    return None


def list_labels(message: SentMessage) -> list[str]:
    return [
        label
        for row in message.button_rows()
        if not (len(row) == 3 and row[0] == "‹")
        for label in row
    ]


def assert_fits(message: SentMessage) -> None:
    assert len(message.body) < LIMIT, f"{len(message.body)} characters"
    for label in message.buttons():
        assert len(label) <= LABEL_LIMIT, label


async def page_through(user: FakeUser, pages: int) -> list[str]:
    """Press › until the last page; every page fits. Returns every label seen."""
    seen = list_labels(user.last)
    assert pager_of(user.last) == f"1/{pages}"
    for page in range(2, pages + 1):
        await user.press("›")
        assert_fits(user.last)
        assert pager_of(user.last) == f"{page}/{pages}"
        seen += list_labels(user.last)
    return seen


async def bulk_schools(tg: Running, count: int, parent_id: int | None) -> list[str]:
    """`count` schools with long names that need escaping, in name order."""
    names = [
        f"Школа № {i:03d} <с углублённым изучением> предметов & искусств имени "
        f"выдающегося земляка, г. Длинноназванск"
        for i in range(1, count + 1)
    ]
    async with tg.app.session_factory() as session:
        await session.execute(
            insert(Organisation),
            [
                {"kind": "school", "name": n, "timezone": "Europe/Moscow", "parent_id": parent_id}
                for n in names
            ],
        )
        await session.commit()
    return names


async def bulk_people(
    tg: Running,
    school_id: int,
    programme_id: int | None,
    count: int,
    *,
    first_telegram_id: int,
    name: str = "Участник",
    status: str = "active",
    minor: bool = False,
    consent: tuple[str, ...] = ("self",),
) -> None:
    """`count` mentees of the school with the given consent rows, by direct inserts."""
    async with tg.app.session_factory() as session:
        await session.execute(
            insert(User),
            [
                {
                    "telegram_id": first_telegram_id + i,
                    "full_name": f"{name} {i:04d}",
                    "is_minor": minor,
                }
                for i in range(count)
            ],
        )
        user_ids = list(
            await session.scalars(
                select(User.id)
                .where(User.telegram_id.between(first_telegram_id, first_telegram_id + count - 1))
                .order_by(User.id)
            )
        )
        await session.execute(
            insert(Membership),
            [
                {
                    "user_id": uid,
                    "organisation_id": school_id,
                    "programme_id": programme_id,
                    "role": "mentee" if i % 2 else "mentor",
                    "status": status,
                }
                for i, uid in enumerate(user_ids)
            ],
        )
        if consent:
            await session.execute(
                insert(Consent),
                [
                    {
                        "subject_user_id": uid,
                        "organisation_id": school_id,
                        "given_by": given_by,
                        "marked_by_user_id": uid,
                        "text_version": "test",
                    }
                    for uid in user_ids
                    for given_by in consent
                ],
            )
        await session.commit()


async def add_personal_invites(tg: Running, school_id: int, programme_id: int, n: int) -> None:
    async with tg.app.session_factory() as session:
        for _ in range(n):
            session.add(
                Invite(
                    code_hash=hash_code(new_code()),
                    organisation_id=school_id,
                    programme_id=programme_id,
                    role="mentee",
                    max_uses=1,
                    uses_left=1,
                    expires_at=utcnow() + timedelta(days=30),
                )
            )
        await session.commit()


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


# --- the coordinator ------------------------------------------------------------------


async def test_coordinator_of_200_schools_reads_totals_and_pages_the_schools(
    tg: Running,
) -> None:
    municipality = await add_school(tg, "Городской округ")
    async with tg.app.session_factory() as session:
        org = await session.get(Organisation, municipality)
        assert org is not None
        org.kind = "municipality"
        await session.commit()
    names = await bulk_schools(tg, 200, municipality)
    async with tg.app.session_factory() as session:
        first_school = await session.scalar(
            select(Organisation.id).where(Organisation.name == names[0])
        )
        last_school = await session.scalar(
            select(Organisation.id).where(Organisation.name == names[-1])
        )
    assert first_school and last_school
    await bulk_people(tg, first_school, None, 300, first_telegram_id=10_000)
    await bulk_people(tg, last_school, None, 200, first_telegram_id=20_000)
    coordinator_id = await add_user(tg, 3001)
    await add_membership(tg, coordinator_id, municipality, "coordinator")
    coordinator = tg.fake.user(3001, "Координатор")

    await coordinator.send("/start")
    menu = coordinator.last
    assert_fits(menu)
    # Totals in the menu, no line per school.
    assert "Школ: 200 · наставников: 250 · наставляемых: 250" in menu.plain
    assert "Школа № 001" not in menu.plain

    await coordinator.press("🏫 Школы муниципалитета")
    assert_fits(coordinator.last)
    assert pager_of(coordinator.last) == "1/10"
    assert "Школа № 001 &lt;с углублённым" in coordinator.last.body  # escaped
    assert "наставников — 150, наставляемых — 150" in coordinator.last.plain
    for page in range(2, 11):
        await coordinator.press("›")
        assert_fits(coordinator.last)
        assert pager_of(coordinator.last) == f"{page}/10"
    assert "Школа № 200 <с углублённым" in coordinator.last.plain
    assert "наставников — 100, наставляемых — 100" in coordinator.last.plain
    # › on the last page goes round to the first.
    await coordinator.press("›")
    assert pager_of(coordinator.last) == "1/10"
    await coordinator.press("◀️ Назад")
    assert "Главное меню" in coordinator.last.plain


# --- the admin's organisations -----------------------------------------------------------


async def test_admin_pages_through_200_schools_with_short_labels(tg: Running) -> None:
    names = await bulk_schools(tg, 200, None)
    admin = tg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/organisations")
    assert_fits(admin.last)
    assert len(list_labels(admin.last)) <= 8 + 3  # a page of schools, the add row, back
    seen = await page_through(admin, 25)
    assert "🏫 Школа № 001 <с углублённым…" in seen
    assert any(label.startswith("🏫 Школа № 200") for label in seen)
    # The old numbered pager is gone.
    assert not {"<", ">", "[1]"} & set(admin.last.buttons())
    # ‹ on the first page reaches the last one at once.
    await admin.press("›")
    assert pager_of(admin.last) == "1/25"
    await admin.press("‹")
    assert pager_of(admin.last) == "25/25"
    assert any(label.startswith("🏫 Школа № 200") for label in list_labels(admin.last))
    assert names  # the names were inserted as typed


async def test_time_zones_cover_russia_two_a_row_and_default_first(tg: Running) -> None:
    admin = tg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/organisations")
    await admin.press("➕ Муниципалитет")
    await admin.send("Камчатский край")
    rows = admin.last.button_rows()
    zone_rows = rows[:-1]  # then «Назад»
    assert all(len(row) == 2 for row in zone_rows), rows
    labels = [label for row in zone_rows for label in row]
    assert labels[0] == "Москва (UTC+3)"  # DEFAULT_TIMEZONE of the test settings
    offsets = {label.rsplit("UTC", 1)[1].rstrip(")") for label in labels}
    assert offsets == {f"+{h}" for h in range(2, 13)}
    assert all(len(label) <= LABEL_LIMIT for label in labels)
    assert "Калининград (UTC+2)" in labels and "П.-Камчатский (UTC+12)" in labels

    # A zone is chosen by its name, and a forged one is refused.
    real = callback_data(admin.last, "П.-Камчатский (UTC+12)")
    assert real.endswith(":Asia/Kamchatka")
    prefix = real.rpartition(":")[0]
    await admin.press_data(f"{prefix}:Europe/London", message=admin.last)
    assert "Такого часового пояса нет" in admin.callback_answers[-1]["text"]
    async with tg.app.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Organisation)) == 0
    await admin.press("П.-Камчатский (UTC+12)")
    async with tg.app.session_factory() as session:
        org = await session.scalar(select(Organisation))
    assert org is not None and org.timezone == "Asia/Kamchatka"


@pytest.fixture
async def tg_yekaterinburg(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[Running]:
    async with running_bot(
        fake, sqlite_url(tmp_path), default_timezone="Asia/Yekaterinburg"
    ) as running:
        yield running


async def test_default_timezone_is_offered_first(tg_yekaterinburg: Running) -> None:
    admin = tg_yekaterinburg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/organisations")
    await admin.press("➕ Школа")
    await admin.press("Без муниципалитета")
    await admin.send("Школа № 1")
    labels = admin.last.buttons()
    assert labels[0] == "Екатеринбург (UTC+5)"
    assert labels.count("Екатеринбург (UTC+5)") == 1
    assert "Москва (UTC+3)" in labels


# --- programmes ------------------------------------------------------------------------


async def test_programme_form_is_chosen_by_key_and_a_forged_key_is_refused(tg: Running) -> None:
    school_id = await add_school(tg, "Школа № 1")
    curator = await curator_of(tg, 3201, school_id)
    await curator.send("/programmes")
    await curator.press("➕ Новая программа")
    await curator.send("Программа")
    real = callback_data(curator.last, "Учитель – учитель")
    assert real.endswith(":teacher_teacher")
    prefix = real.rpartition(":")[0]
    await curator.press_data(f"{prefix}:no_such_form", message=curator.last)
    assert "Такой формы наставничества нет" in curator.callback_answers[-1]["text"]
    assert "форму наставничества" in curator.last.body
    await curator.press("Учитель – учитель")
    assert "срок программы" in curator.last.body


# --- «Назад» from a screen opened by a command ---------------------------------------------


@pytest.mark.parametrize("command", ["/organisations", "/programmes", "/participants"])
async def test_back_from_a_command_opened_screen_returns_to_the_menu(
    tg: Running, command: str
) -> None:
    school_id = await add_school(tg, "Школа")
    if command == "/organisations":
        user = tg.fake.user(ADMIN_ID, "Админ")
    else:
        user = await curator_of(tg, 3301, school_id)
    await user.send(command)
    screen = user.last
    await user.press("◀️ Назад")
    assert user.last.message_id == screen.message_id  # the same message, now the menu
    assert "Главное меню" in user.last.plain
    assert "🌐 Язык" in user.last.buttons()


# --- the curator's participants ----------------------------------------------------------


async def test_participants_by_status_with_programme_filter_and_unused_invites(
    tg: Running,
) -> None:
    school_id = await add_school(tg, "Школа № 9")
    first = await add_programme(tg, school_id, "Ученик — ученик")
    second = await add_programme(tg, school_id, "Учитель — учитель")
    await bulk_people(
        tg, school_id, first, 1, first_telegram_id=40_000, name="Готова", consent=("self",)
    )
    await bulk_people(
        tg,
        school_id,
        first,
        1,
        first_telegram_id=40_100,
        name="Ждёт",
        minor=True,
        consent=("self",),
    )
    await bulk_people(
        tg,
        school_id,
        first,
        1,
        first_telegram_id=40_200,
        name="Маша <3",
        status="registering",
        consent=(),
    )
    await bulk_people(tg, school_id, second, 1, first_telegram_id=40_300, name="Учитель")
    await add_personal_invites(tg, school_id, first, 2)
    curator = await curator_of(tg, 3401, school_id)

    await curator.send("/participants")
    screen = curator.last
    assert_fits(screen)
    # Those needing attention first: waiting for a parent, registering, then ready.
    labels = list_labels(screen)
    assert labels[:4] == [
        "⏳ Ждёт 0000 — наставник",
        "✍️ Маша <3 0000 — наставник",
        "✅ Готова 0000 — наставник",
        "✅ Учитель 0000 — наставник",
    ]
    plain = screen.plain
    assert "⏳ ждёт согласия родителя: 1" in plain
    assert "✍️ регистрируется: 1" in plain
    assert "✅ готов к работе: 2" in plain
    assert "✉️ приглашён, ещё не присоединился: 2" in plain
    assert "«Ученик — ученик»: ⏳ 1 · ✍️ 1 · ✅ 1 · ✉️ 2" in plain
    assert "«Учитель — учитель»: ⏳ 0 · ✍️ 0 · ✅ 1 · ✉️ 0" in plain

    await curator.press("🔎 Программа: все программы")
    await curator.press("Учитель — учитель")
    assert list_labels(curator.last)[0] == "✅ Учитель 0000 — наставник"
    assert "Маша" not in " ".join(curator.last.buttons())
    assert "Участники · Учитель — учитель" in curator.last.plain
    assert "🔎 Программа: Учитель — учитель" in curator.last.buttons()

    await curator.press("🔎 Программа: Учитель — учитель")
    await curator.press("Все программы")
    await curator.press("✍️ Маша <3 0000 — наставник")
    view = curator.last
    assert "Маша &lt;3 0000" in view.body
    assert "Программа: Ученик — ученик" in view.plain
    assert "Статус: ✍️ регистрируется" in view.plain


async def test_500_participants_page_and_queries_do_not_grow(tg: Running) -> None:
    school_id = await add_school(tg, "Большая школа")
    programme = await add_programme(tg, school_id, "Программа")
    await bulk_people(tg, school_id, programme, 5, first_telegram_id=50_000, name="Ранний")
    curator = await curator_of(tg, 3501, school_id)
    await curator.send("/participants")  # the first update also saves the person
    with statements(tg.app.engine) as few:
        await curator.send("/participants")

    await bulk_people(
        tg, school_id, programme, 245, first_telegram_id=51_000, name="Ждёт", minor=True
    )
    await bulk_people(tg, school_id, programme, 250, first_telegram_id=52_000, name="Явь")
    with statements(tg.app.engine) as many:
        await curator.send("/participants")
    assert len(many) == len(few), "\n".join(many)

    screen = curator.last
    assert_fits(screen)
    assert pager_of(screen) == "1/63"
    assert list_labels(screen)[0] == "⏳ Ждёт 0000 — наставник"
    await curator.press("›")
    assert pager_of(curator.last) == "2/63"
    await curator.press("‹")
    await curator.press("‹")  # round to the last page
    assert pager_of(curator.last) == "63/63"
    assert_fits(curator.last)
    assert "✅ Явь 0249 — наставляемый" in list_labels(curator.last)


# --- paper consent ----------------------------------------------------------------------


async def test_paper_consent_is_confirmed_and_a_second_tap_tells_nobody_twice(
    tg: Running,
) -> None:
    school_id = await add_school(tg, "Школа № 5")
    pupil_id = await add_user(tg, 3602, full_name="Tom & Jerry")
    async with tg.app.session_factory() as session:
        pupil_row = await session.get(User, pupil_id)
        assert pupil_row is not None
        pupil_row.is_minor = True
        await session.commit()
    await add_membership(tg, pupil_id, school_id, "mentee", status="active")
    pupil = tg.fake.user(3602, "Tom")
    curator = await curator_of(tg, 3601, school_id)
    await curator.send("/participants")
    await curator.press("✍️ Tom & Jerry — наставляемый")
    await curator.press("📝 Отметить бумажное согласие")
    confirm = curator.last
    assert "Отметить бумажное согласие для Tom &amp; Jerry?" in confirm.body
    await curator.press("Нет")
    assert "📝 Отметить бумажное согласие" in curator.last.buttons()

    await curator.press("📝 Отметить бумажное согласие")
    yes = callback_data(curator.last, "Да, отметить")
    confirm = curator.last
    await curator.press("Да, отметить")
    assert "✅ получено" in curator.last.body
    # A double tap: the same button's callback arrives again.
    await curator.press_data(yes, message=confirm)
    assert len(pupil.texts()) == 1, pupil.transcript()
    async with tg.app.session_factory() as session:
        papers = await session.scalar(
            select(func.count()).select_from(Consent).where(Consent.given_by == "paper")
        )
        audits = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "consent.paper")
        )
    assert (papers, audits) == (1, 1)


# --- paper consent, in the service -----------------------------------------------------------


async def test_mark_paper_twice_records_once_and_says_so(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    curator = await people_actor(session, w.curator_a)
    minor, membership = await _participant(session, w, is_minor=True)

    first = await consent.mark_paper(curator, membership.id)
    second = await consent.mark_paper(curator, membership.id)
    assert (first.user_id, first.recorded) == (minor.id, True)
    assert (second.user_id, second.recorded) == (minor.id, False)
    assert await count(session, Consent, Consent.given_by == "paper") == 1
    assert await count(session, AuditEntry, AuditEntry.action == "consent.paper") == 1


async def test_mark_paper_when_consent_is_complete_changes_nothing(session: AsyncSession) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    adult, membership = await _participant(session, w, is_minor=False)
    await consent.give_self(adult, w.school_a.id)
    mark = await consent.mark_paper(await people_actor(session, w.curator_a), membership.id)
    assert not mark.recorded
    assert await count(session, Consent, Consent.given_by == "paper") == 0


@pytest.mark.parametrize("case", ["withdrawn", "ended", "curator", "anonymised"])
async def test_mark_paper_only_for_a_live_participant(session: AsyncSession, case: str) -> None:
    w = await make_world(session)
    consent = hub_of(session).consent
    person, membership = await _participant(session, w, is_minor=True)
    if case in ("withdrawn", "ended"):
        membership.status = case
    elif case == "curator":
        membership.role = "curator"
        membership.programme_id = None
    else:
        user = await session.get(User, person.id)
        assert user is not None
        user.anonymised_at = utcnow()
    await session.flush()

    with pytest.raises(NotFound):
        await consent.mark_paper(await people_actor(session, w.curator_a), membership.id)
    assert await count(session, Consent) == 0
    assert await count(session, AuditEntry, AuditEntry.action == "consent.paper") == 0


async def test_overview_counts_states_and_unused_personal_invites(session: AsyncSession) -> None:
    w = await make_world(session)
    hub = hub_of(session)
    curator = await people_actor(session, w.curator_a)
    waiting, _m1 = await _participant(session, w, is_minor=True, name="Б Ждёт")
    await hub.consent.give_self(waiting, w.school_a.id)
    await _participant(session, w, is_minor=False, name="А Регистрируется")
    for _ in range(3):
        await hub.invites.create(
            curator,
            organisation_id=w.school_a.id,
            role="mentee",
            programme_id=w.programme_a.id,
            max_uses=1,
        )
    await hub.invites.create(  # a group link is not a person waiting
        curator,
        organisation_id=w.school_a.id,
        role="mentee",
        programme_id=w.programme_a.id,
        max_uses=30,
    )

    overview = await hub.participants.overview(curator, w.school_a.id)
    assert [(p.full_name, p.state) for p in overview.participants] == [
        ("Б Ждёт", "guardian"),
        ("А Регистрируется", "registering"),
    ]
    [summary] = overview.programmes
    assert summary.programme_id == w.programme_a.id
    assert summary.counts == {"guardian": 1, "registering": 1, "ready": 0}
    assert summary.invited == 3
    with pytest.raises(AccessDenied):
        await hub.participants.overview(await people_actor(session, w.curator_b), w.school_a.id)
