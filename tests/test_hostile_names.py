"""Every name shows as typed: schools, programmes, people and typed answers with `<`, `&`
or what looks like HTML reach the person exactly as they were written — in message
bodies (HTML, escaped once), in button labels and alerts (plain text, never escaped).

The fake Telegram rejects a message whose HTML does not parse, so every screen below
also proves its HTML was valid; `SentMessage.plain` is what the person reads.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from markupsafe import Markup
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import create_core
from bot.services.hub import ServiceHub, ServiceSettings
from bot.storage.models import User
from tests.fake_telegram import FakeUser, SentMessage
from tests.harness import ADMIN_ID, Running
from tests.seed import admin_actor, invite

HOSTILE = ["Маша <3", "Tom & Jerry", "<b>x</b>", "a&amp;b"]
# A valid full name that HTML escaping touches (the apostrophe becomes &#39;).
PERSON = "Д'Артаньян Шарль"
CHILD = "О'Нил Мэри"
SETTINGS = ServiceSettings(admin_ids=frozenset({ADMIN_ID}))

pytestmark = pytest.mark.parametrize("name", HOSTILE)


@dataclass
class World:
    municipality: str
    school: str
    programme: str
    municipality_id: int
    school_id: int
    programme_id: int


async def make_world(
    sessions: async_sessionmaker[AsyncSession], name: str, form: str = "teacher_teacher"
) -> World:
    """A municipality, a school and a programme named by the admin and curator as typed."""
    world = World(f"Район {name}", f"Школа {name}", f"Программа {name}", 0, 0, 0)
    async with sessions() as session:
        hub = ServiceHub(session, SETTINGS)
        admin = await admin_actor(hub)
        municipality = await hub.organisations.create(
            admin, kind="municipality", name=world.municipality, timezone="Europe/Moscow"
        )
        school = await hub.organisations.create(
            admin,
            kind="school",
            name=world.school,
            timezone="Europe/Moscow",
            parent_id=municipality.id,
        )
        programme = await hub.programmes.create(
            admin,
            school_id=school.id,
            name=world.programme,
            form_key=form,
            period_start=date(2026, 9, 1),
            period_end=date(2027, 5, 31),
        )
        await session.commit()
    world.municipality_id, world.school_id, world.programme_id = (
        municipality.id,
        school.id,
        programme.id,
    )
    return world


async def join(
    sessions: async_sessionmaker[AsyncSession],
    telegram_id: int,
    payload: str,
    *,
    full_name: str,
    is_minor: bool = False,
    profile: dict[str, Any] | None = None,
) -> str | None:
    """Someone opens the invitation, agrees and registers, through the services.
    Returns the guardian link payload for a minor."""
    async with sessions() as session:
        hub = ServiceHub(session, SETTINGS)
        person = await hub.users.touch(telegram_id, "ru")
        joined = await hub.invites.redeem(person, payload.removeprefix("i-"))
        await hub.consent.give_self(person, joined.organisation_id)
        await hub.registration.complete(
            person,
            joined.membership_id,
            full_name=full_name,
            is_minor=is_minor,
            profile=profile or {},
        )
        guardian = (
            await hub.consent.request_guardian(person, joined.organisation_id) if is_minor else None
        )
        await session.commit()
    return guardian.payload if guardian else None


async def curator(tg: Running, world: World, telegram_id: int) -> FakeUser:
    payload = await invite(tg.app.session_factory, organisation_id=world.school_id, role="curator")
    await join(tg.app.session_factory, telegram_id, payload, full_name=PERSON)
    return tg.fake.user(telegram_id, "Куратор")


async def teacher_mentee(tg: Running, world: World, telegram_id: int, full_name: str) -> FakeUser:
    payload = await invite(
        tg.app.session_factory,
        organisation_id=world.school_id,
        role="mentee",
        programme_id=world.programme_id,
    )
    profile = {
        "subject": "Физика",
        "years": 2,
        "help_topics": ["teaching.lessons"],
        "wishes": "Уроки",
        "times": ["weekend"],
    }
    await join(tg.app.session_factory, telegram_id, payload, full_name=full_name, profile=profile)
    return tg.fake.user(telegram_id, "Учитель")


def shows(message: SentMessage, *values: str) -> None:
    """The person reads every value exactly as typed (the HTML parsed, or the fake would
    have refused the message)."""
    for value in values:
        assert value in message.plain, f"{value!r} not shown as typed in {message.describe()}"


# --- admin ------------------------------------------------------------------------------


async def test_admin_organisations_list_view_and_invite(tg: Running, name: str) -> None:
    world = await make_world(tg.app.session_factory, name)
    admin = tg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/start")
    await admin.press("🏫 Организации")
    # Button labels are plain text: shown as typed, never escaped.
    labels = admin.last.buttons()
    assert f"🏛 {world.municipality}" in labels, labels
    assert f"🏫 {world.school}" in labels, labels

    await admin.press(f"🏫 {world.school}")
    shows(admin.last, world.school, world.municipality)

    await admin.press("Пригласить куратора")
    window, forwardable = admin.last, admin.messages[-2]
    assert "?start=i-" in forwardable.plain
    shows(forwardable, world.school)
    shows(window, world.school)


# --- curator: programmes, invitations, upload ---------------------------------------------


async def test_curator_menu_programmes_and_invite(tg: Running, name: str) -> None:
    world = await make_world(tg.app.session_factory, name)
    olga = await curator(tg, world, 3001)
    await olga.send("/start")
    shows(olga.last, world.school)  # the role line of the main menu

    await olga.press("📋 Программы")
    shows(olga.last, world.school)
    assert world.programme in olga.last.buttons()
    await olga.press(world.programme)
    shows(olga.last, world.programme)

    await olga.press("Пригласить наставника")
    await olga.press("Личная ссылка (1 человек)")
    window, forwardable = olga.last, olga.messages[-2]
    assert "?start=i-" in forwardable.plain
    shows(forwardable, world.programme, world.school)
    shows(window, world.programme, world.school)


async def test_bulk_import_caption_with_hostile_rows(tg: Running, name: str) -> None:
    world = await make_world(tg.app.session_factory, name)
    olga = await curator(tg, world, 3101)
    await olga.send("/start")
    await olga.press("📋 Программы")
    await olga.press(world.programme)
    await olga.press("📥 Загрузить список")

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["ФИО", "Роль", "Класс или предмет", "Категория", "Контакты"])
    writer.writerow([name, "наставник", "", "", ""])  # not a name: a row error
    writer.writerow(["Иванова Мария", "наставник", name, "", name])
    writer.writerow(["Петров Пётр", name, "", "", ""])  # not a role
    await olga.send_document("list.csv", out.getvalue().encode("utf-8"))

    document = next(m for m in reversed(olga.messages) if m.document is not None)
    caption = document.plain
    assert "строка 2" in caption and "строка 4" in caption, caption
    assert "&" not in caption.replace(name, ""), caption  # nothing escaped twice
    shows(olga.last, world.programme)  # the programme's screen again, below the file


# --- registration -----------------------------------------------------------------------


async def test_registration_screens_and_menu(tg: Running, name: str) -> None:
    world = await make_world(tg.app.session_factory, name)
    payload = await invite(
        tg.app.session_factory,
        organisation_id=world.school_id,
        role="mentee",
        programme_id=world.programme_id,
    )
    ivan = tg.fake.user(3201, "Иван")
    await ivan.send(f"/start {payload}")
    shows(ivan.last, world.school, world.programme)  # the welcome
    await ivan.press("Продолжить ▶️")
    shows(ivan.last, world.school)  # the consent
    await ivan.press("✅ Даю согласие")
    await ivan.send(PERSON)
    await ivan.send(name)  # the subject: any text
    await ivan.send("2")
    await ivan.press("Методика урока")
    await ivan.press("Дальше ▶️")
    await ivan.send(f"Хочу {name}")
    await ivan.press("выходные")
    await ivan.press("Дальше ▶️")
    shows(ivan.last, PERSON, name, f"Хочу {name}")  # the summary
    await ivan.press("✅ Сохранить")
    await ivan.send("/start")
    shows(ivan.last, world.school, world.programme)  # the role line of the main menu


# --- participants -------------------------------------------------------------------------


async def test_participants_list_and_view(tg: Running, name: str) -> None:
    world = await make_world(tg.app.session_factory, name)
    await teacher_mentee(tg, world, 3301, PERSON)
    # A name that registration would not accept today (kept from before the rule, say):
    # it still shows as it is stored.
    odd = await teacher_mentee(tg, world, 3302, "Другой Учитель")
    async with tg.app.session_factory() as session:
        await session.execute(
            update(User).where(User.telegram_id == odd.id).values(full_name=f"Учитель {name}")
        )
        await session.commit()
    olga = await curator(tg, world, 3303)
    await olga.send("/start")
    await olga.press("👥 Участники")
    labels = olga.last.buttons()
    for shown in (PERSON, f"Учитель {name}"):
        assert any(shown in label for label in labels), labels
    assert not any("&#39;" in label or "&amp;" in label.replace(name, "") for label in labels)

    await olga.press(PERSON)
    shows(olga.last, PERSON, world.programme)
    await olga.press("◀️ Назад")
    await olga.press(f"Учитель {name}")
    shows(olga.last, f"Учитель {name}", world.programme)


async def test_withdrawal_notice_to_the_curator(tg: Running, name: str) -> None:
    world = await make_world(tg.app.session_factory, name)
    teacher = await teacher_mentee(tg, world, 3401, PERSON)
    olga = await curator(tg, world, 3402)
    await teacher.send("/mydata")
    await teacher.press("Отозвать согласие")
    await teacher.press("Да, отозвать согласие")
    [notice] = [m for m in olga.messages if PERSON in m.plain]
    shows(notice, PERSON, world.school)


# --- guardian -----------------------------------------------------------------------------


async def test_guardian_consent_screen_children_list_and_notices(tg: Running, name: str) -> None:
    world = await make_world(tg.app.session_factory, name, form="student_student")
    payload = await invite(
        tg.app.session_factory,
        organisation_id=world.school_id,
        role="mentee",
        programme_id=world.programme_id,
    )
    guardian_payload = await join(
        tg.app.session_factory,
        3501,
        payload,
        full_name=CHILD,
        is_minor=True,
        profile={
            "school_class": "7А",
            "help_topics": ["study"],
            "wishes": name,
            "times": ["weekend"],
        },
    )
    assert guardian_payload is not None
    child = tg.fake.user(3501, "Мэри")
    olga = await curator(tg, world, 3502)
    mother = tg.fake.user(3503, "Мама")

    await mother.send(f"/start {guardian_payload}")
    shows(mother.last, CHILD, world.school)  # the guardian's consent screen
    await mother.press("✅ Даю согласие")
    assert child.messages, "the child is told that the parent agreed"
    assert all(m.plain for m in child.messages)

    await mother.send("/start")
    await mother.press("👪 Согласие за ребёнка")
    label = f"{CHILD} — {world.school}"
    assert label in mother.last.buttons(), mother.last.buttons()
    await mother.press(label)
    await mother.press("Да, отозвать согласие")
    [notice] = [m for m in olga.messages if CHILD in m.plain]
    shows(notice, CHILD, world.school)  # the curator's withdrawal notice
    assert len(child.messages) >= 2  # and the child's own notice went out


# --- the i18n core ----------------------------------------------------------------------------


async def test_core_escapes_for_html_and_not_for_plain_text(name: str) -> None:
    core = create_core("ru")
    await core.startup()
    html = core.get("staff-part-item", "ru", icon="✅", name=name, role="наставник")
    plain = core.plain(
        "staff-part-item", "ru", icon="✅", name=name, role=core.get("staff-role-mentor", "ru")
    )
    assert isinstance(html, Markup) and str(Markup(name)) != html  # escaped once
    assert html.unescape() == plain == f"✅ {name} — наставник"
    assert not isinstance(plain, Markup)
