"""Bulk import of participants: a spreadsheet in, one invite per good row out."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor, Role
from bot.services.audit import AuditService
from bot.services.bulk_import import (
    MAX_ROWS,
    BulkImportService,
    ImportedRow,
    ImportFileError,
    ImportResult,
    RowError,
    build_result_xlsx,
)
from bot.services.catalog import Catalog, load_catalog
from bot.services.codes import hash_code
from bot.services.errors import AccessDenied
from bot.services.invites import InviteService
from bot.services.users import Person
from bot.storage.models import AuditEntry, Invite, Membership, Organisation, Programme, User

CATALOG = load_catalog()
HEADER = ["№", "ФИО", "Роль", "Класс / предмет", "Категория", "Контакты"]


@dataclass
class World:
    session: AsyncSession
    school: Organisation
    programme: Programme
    curator: Actor
    service: BulkImportService
    catalog: Catalog


async def _curator(session: AsyncSession, school: Organisation, telegram_id: int) -> Actor:
    user = User(telegram_id=telegram_id, locale="ru")
    session.add(user)
    await session.flush()
    membership = Membership(
        user_id=user.id, organisation_id=school.id, role="curator", status="active"
    )
    session.add(membership)
    await session.flush()
    person = Person.of(user)
    return Actor(
        person=person,
        is_admin=False,
        roles=(Role(membership.id, school.id, None, "curator", "active"),),
    )


def _service(session: AsyncSession) -> BulkImportService:
    audit = AuditService(session)
    access = AccessService(session, frozenset(), audit)
    invites = InviteService(session, access, audit, ttl_days=30)
    return BulkImportService(invites, access, session, CATALOG)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    school = Organisation(kind="school", name="МБОУ СОШ № 7", timezone="Asia/Yekaterinburg")
    session.add(school)
    await session.flush()
    programme = Programme(
        organisation_id=school.id,
        form_key="teacher_student",
        name="Учитель – ученик",
        period_start=date(2025, 9, 1),
        period_end=date(2026, 5, 31),
    )
    session.add(programme)
    await session.flush()
    curator = await _curator(session, school, 1001)
    return World(session, school, programme, curator, _service(session), CATALOG)


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def _invite_hashes(session: AsyncSession, programme_id: int) -> dict[str, Invite]:
    invites = (
        await session.scalars(select(Invite).where(Invite.programme_id == programme_id))
    ).all()
    return {i.code_hash: i for i in invites}


def _codes(result: ImportResult) -> list[tuple[int, str]]:
    return [(e.row, e.code) for e in result.errors]


# --- the main case -------------------------------------------------------------------


async def test_xlsx_good_and_bad_rows(world: World) -> None:
    content = xlsx(
        [
            HEADER,  # row 1
            [
                1,
                "Иванова Мария Петровна",
                "Наставник",
                "Математика",
                "Педагог или специалист",
                "+7 900 123-45-67",
            ],  # 2: good mentor
            [2, "Петров Пётр", "наставляемый", "7Б", "student.low_results", 79001234567],  # 3
            [3, None, "Наставник", "", "", ""],  # 4: name missing
            [4, "Сидоров Олег", "ученик", "8А", "", ""],  # 5: role unknown
            [None, None, None, None, None, None],  # 6: empty, skipped silently
            [5, "Смирнова Анна", "Наставляемая", "9В", "Космонавт", ""],  # 7: unknown category
            [6, "Кузнецов Иван", "наставляемый", "5А", "Родитель", ""],  # 8: mentor category
            [7, "петров  пётр", "Наставляемый", "7Б", "", ""],  # 9: duplicate of row 3
            [8, "Орлова Вера", "Наставник", "x" * 101, "", ""],  # 10: class too long
            [9, "Волков Илья", "Наставник", "", "", "@" * 201],  # 11: contacts too long
            [10, "Иван", "Наставник", "", "", ""],  # 12: no surname
            [11, "Попов Сергей", "", "", "", ""],  # 13: role missing
            [],  # 14: empty
            [12, "Федорова Ольга", "MENTEE", 11.0, "Выдающиеся способности", "olga@example.ru"],
            [13, "Петров Пётр", "Наставник", "", "", ""],  # 16: same name, other role: fine
            [14, "Николаев Ник", "наставляемый", "", "Молодой специалист", ""],  # 17: form
        ]
    )
    result = await world.service.import_file(
        world.curator, programme_id=world.programme.id, filename="база.xlsx", content=content
    )
    assert [r.row for r in result.rows] == [2, 3, 15, 16]
    assert _codes(result) == [
        (4, "name-missing"),
        (5, "role-unknown"),
        (7, "category-unknown"),
        (8, "category-wrong-role"),
        (9, "duplicate"),
        (10, "text-too-long"),
        (11, "text-too-long"),
        (12, "name-invalid"),
        (13, "role-missing"),
        (17, "category-wrong-form"),
    ]
    errors = {e.row: e for e in result.errors}
    assert errors[4].value is None
    assert errors[5].value == "ученик"
    assert errors[7].value == "Космонавт"
    assert errors[9].value == "петров пётр"
    assert errors[10].value is not None and len(errors[10].value) <= 100

    first, second, third, fourth = result.rows
    assert first == ImportedRow(
        row=2,
        full_name="Иванова Мария Петровна",
        role="mentor",
        class_or_subject="Математика",
        category_key="mentor.teacher",
        contacts="+7 900 123-45-67",
        payload=first.payload,
        expires_at=first.expires_at,
    )
    assert second.role == "mentee"
    assert second.category_key == "student.low_results"
    assert second.contacts == "79001234567"  # a number cell, not 7.9e10
    assert third.role == "mentee" and third.class_or_subject == "11"
    assert third.category_key == "student.gifted"
    assert fourth.role == "mentor" and fourth.full_name == "Петров Пётр"

    invites = await _invite_hashes(world.session, world.programme.id)
    assert len(invites) == len(result.rows)
    for row in result.rows:
        assert row.payload.startswith("i-")
        invite = invites[hash_code(row.payload.removeprefix("i-"))]
        assert invite.role == row.role
        assert invite.organisation_id == world.school.id
        assert (invite.max_uses, invite.uses_left) == (1, 1)
        assert invite.created_by_user_id == world.curator.user_id
        assert invite.expires_at == row.expires_at

    # Nothing personal went into the database.
    users = (await world.session.scalars(select(User.full_name))).all()
    assert users == [None]
    details = (await world.session.scalars(select(AuditEntry.details))).all()
    assert "Иванова" not in repr(details)
    summary = await world.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "invite.import")
    )
    assert summary is not None
    assert summary.details == {"imported": 4, "rejected": 10}


async def test_several_problems_in_one_row_are_all_reported(world: World) -> None:
    content = xlsx([["ФИО", "Роль", "Категория"], ["X", "кто-то", "Марсианин"]])
    result = await world.service.import_file(
        world.curator, programme_id=world.programme.id, filename="a.xlsx", content=content
    )
    assert result.rows == ()
    assert _codes(result) == [(2, "name-invalid"), (2, "role-unknown"), (2, "category-unknown")]


# --- formats -------------------------------------------------------------------------


async def test_csv_cp1251_semicolon(world: World) -> None:
    text = (
        "ФИО;Роль;Класс;Категория;Телефон;E-mail\r\n"
        "Иванова Мария;Наставник;Физика;Педагог или специалист;+7 900 000-00-00;m@ex.ru\r\n"
        "Ёлкин Фёдор;наставляемый;6А;ОВЗ;;\r\n"
        ";;;;;\r\n"
        "Плохой;Наставник;;;;\r\n"
    )
    result = await world.service.import_file(
        world.curator,
        programme_id=world.programme.id,
        filename="список.csv",
        content=text.encode("cp1251"),
    )
    assert [(r.row, r.full_name, r.role) for r in result.rows] == [
        (2, "Иванова Мария", "mentor"),
        (3, "Ёлкин Фёдор", "mentee"),
    ]
    assert result.rows[0].contacts == "+7 900 000-00-00; m@ex.ru"  # both contact columns
    assert result.rows[1].category_key == "student.special_needs"
    assert _codes(result) == [(5, "name-invalid")]


async def test_csv_utf8_comma_with_quotes(world: World) -> None:
    text = (
        "Full name,Role,Class or subject,Category,Contacts\n"
        '"Smith John",Mentor,"Maths, physics",Teacher or specialist,"+44 1, ext. 2"\n'
        "Brown Alice,Mentee,7B,Outstanding abilities,\n"
    )
    result = await world.service.import_file(
        world.curator,
        programme_id=world.programme.id,
        filename="people.csv",
        content=b"\xef\xbb\xbf" + text.encode(),
    )
    assert result.errors == ()
    assert [(r.full_name, r.role, r.category_key) for r in result.rows] == [
        ("Smith John", "mentor", "mentor.teacher"),
        ("Brown Alice", "mentee", "student.gifted"),
    ]
    assert result.rows[0].class_or_subject == "Maths, physics"


async def test_header_in_row_3_after_a_title(world: World) -> None:
    content = xlsx(
        [
            ["База наставляемых МБОУ СОШ № 7"],
            [],
            ["Фамилия, имя, отчество", "Роль в программе", "Категория наставляемого"],
            ["Петров Пётр Петрович", "наставляемый", "трудная жизненная ситуация"],
            ["Сидоров", "наставляемый", ""],
        ]
    )
    result = await world.service.import_file(
        world.curator, programme_id=world.programme.id, filename="x.xlsx", content=content
    )
    assert [(r.row, r.category_key) for r in result.rows] == [(4, "student.hardship")]
    assert _codes(result) == [(5, "name-invalid")]


async def test_separate_name_columns_and_dates(world: World) -> None:
    content = xlsx(
        [
            ["Фамилия", "Имя", "Отчество", "Роль", "Контакты"],
            ["Иванов", "Иван", "Иванович", "Наставник", date(2025, 9, 1)],
        ]
    )
    result = await world.service.import_file(
        world.curator, programme_id=world.programme.id, filename="x.xlsx", content=content
    )
    assert [(r.full_name, r.contacts) for r in result.rows] == [
        ("Иванов Иван Иванович", "01.09.2025")
    ]


async def test_format_decided_by_content(world: World) -> None:
    """An XLSX named .csv is still read as XLSX."""
    content = xlsx([["ФИО", "Роль"], ["Иванов Иван", "наставник"]])
    result = await world.service.import_file(
        world.curator, programme_id=world.programme.id, filename="list.csv", content=content
    )
    assert len(result.rows) == 1


# --- whole-file problems ------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("photo.pdf", b"%PDF-1.4 something"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("broken.xlsx", b"PK\x03\x04 not really a zip"),
        ("binary.csv", b"\x00\x01\x02\x03" + "ФИО;Роль".encode()),
    ],
)
async def test_not_a_spreadsheet(world: World, filename: str, content: bytes) -> None:
    with pytest.raises(ImportFileError) as info:
        await world.service.import_file(
            world.curator, programme_id=world.programme.id, filename=filename, content=content
        )
    assert info.value.code == "import-format"


async def test_a_zip_that_is_not_a_workbook(world: World) -> None:
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ImportFileError) as info:
        await world.service.import_file(
            world.curator,
            programme_id=world.programme.id,
            filename="a.docx",
            content=out.getvalue(),
        )
    assert info.value.code == "import-format"


async def test_too_many_rows(world: World) -> None:
    rows = [["ФИО", "Роль"]] + [
        [f"Иванов Иван{'а' * (i % 5)}", "наставник"] for i in range(MAX_ROWS + 1)
    ]
    content = xlsx(rows)
    with pytest.raises(ImportFileError) as info:
        await world.service.import_file(
            world.curator, programme_id=world.programme.id, filename="a.xlsx", content=content
        )
    assert info.value.code == "import-too-many-rows"
    assert await world.session.scalar(select(func.count()).select_from(Invite)) == 0


async def test_exactly_the_limit_is_fine(world: World) -> None:
    lines = ["ФИО;Роль"] + [f"Иванов Иван{i:03d};наставник" for i in range(MAX_ROWS)]
    # digits are not letters: the names are bad, but the file is accepted
    result = await world.service.import_file(
        world.curator,
        programme_id=world.programme.id,
        filename="a.csv",
        content="\n".join(lines).encode(),
    )
    assert len(result.errors) == MAX_ROWS


async def test_too_large(world: World) -> None:
    with pytest.raises(ImportFileError) as info:
        await world.service.import_file(
            world.curator,
            programme_id=world.programme.id,
            filename="a.csv",
            content=b"a" * (2 * 1024 * 1024 + 1),
        )
    assert info.value.code == "import-too-large"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "import-empty"),
        (b"  \r\n ;;\r\n", "import-empty"),
        ("ФИО;Роль\n;\n".encode(), "import-empty"),
        ("ФИО;Класс\nИванов Иван;5А\n".encode(), "import-no-header"),
        ("Список\nИванов Иван;наставник\n".encode(), "import-no-header"),
        (("\n" * 10 + "ФИО;Роль\nИванов Иван;наставник\n").encode(), "import-no-header"),
    ],
)
async def test_empty_and_no_header(world: World, content: bytes, code: str) -> None:
    with pytest.raises(ImportFileError) as info:
        await world.service.import_file(
            world.curator, programme_id=world.programme.id, filename="a.csv", content=content
        )
    assert info.value.code == code


# --- who may import ----------------------------------------------------------------


async def test_curator_of_another_school_is_refused_and_audited(world: World) -> None:
    other = Organisation(kind="school", name="Гимназия № 1", timezone="Europe/Moscow")
    world.session.add(other)
    await world.session.flush()
    stranger = await _curator(world.session, other, 2002)
    content = xlsx([["ФИО", "Роль"], ["Иванов Иван", "наставник"]])
    with pytest.raises(AccessDenied):
        await world.service.import_file(
            stranger, programme_id=world.programme.id, filename="a.xlsx", content=content
        )
    denied = (
        await world.session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))
    ).all()
    assert len(denied) == 1
    assert denied[0].actor_user_id == stranger.user_id
    assert denied[0].details["attempted"] == "import"
    assert denied[0].details["target_organisation_id"] == world.school.id
    assert await world.session.scalar(select(func.count()).select_from(Invite)) == 0


async def test_authorisation_comes_before_reading_the_file(world: World) -> None:
    other = Organisation(kind="school", name="Гимназия № 1", timezone="Europe/Moscow")
    world.session.add(other)
    await world.session.flush()
    stranger = await _curator(world.session, other, 2003)
    with pytest.raises(AccessDenied):
        await world.service.import_file(
            stranger, programme_id=world.programme.id, filename="a.pdf", content=b"junk"
        )


async def test_unknown_programme(world: World) -> None:
    # A curator is told no more about a missing programme than about another school's.
    with pytest.raises(AccessDenied):
        await world.service.import_file(
            world.curator, programme_id=world.programme.id + 999, filename="a.csv", content=b""
        )


# --- the result file ------------------------------------------------------------------


def _translate(key: str) -> str:
    return f"<{key}>"


async def test_result_xlsx_round_trip(world: World) -> None:
    # CSV, so that the "=…" reaches the result as text (an XLSX formula has no value here).
    content = (
        "ФИО;Роль;Категория;Контакты\n"
        'Иванова Мария;наставник;mentor.parent;"=HYPERLINK(""http://evil"")"\n'
        "Петров;наставник;;\n"
        "Сидоров Олег;ученик;;\n"
    ).encode()
    result = await world.service.import_file(
        world.curator, programme_id=world.programme.id, filename="a.csv", content=content
    )
    data = build_result_xlsx(
        result,
        bot_username="nastavnik_bot",
        text=_translate,
        tz="Asia/Yekaterinburg",
        category_name=lambda key: CATALOG.category(key).name("ru"),  # type: ignore[union-attr]
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["<import-sheet-invites>", "<import-sheet-errors>"]
    invites, errors = wb.worksheets
    assert invites.freeze_panes == "A2"
    header = [c.value for c in invites[1]]
    assert header == [
        "<import-col-row>",
        "<import-col-name>",
        "<import-col-role>",
        "<import-col-class>",
        "<import-col-category>",
        "<import-col-contacts>",
        "<import-col-link>",
        "<import-col-expires>",
    ]
    assert invites["A1"].font.bold
    row = [c.value for c in invites[2]]
    (imported,) = result.rows
    link = f"https://t.me/nastavnik_bot?start={imported.payload}"
    assert row[:7] == [
        2,
        "Иванова Мария",
        "<role-mentor>",
        None,
        "Родитель",
        '=HYPERLINK("http://evil")',
        link,
    ]
    assert invites["F2"].data_type == "s"  # stays text, not a formula
    assert invites["G2"].hyperlink.target == link
    from zoneinfo import ZoneInfo

    local = imported.expires_at.astimezone(ZoneInfo("Asia/Yekaterinburg")).date()
    assert row[7].date() == local
    assert invites["H2"].number_format == "DD.MM.YYYY"
    assert invites.column_dimensions["G"].width >= 40

    assert [c.value for c in errors[1]] == [
        "<import-col-row>",
        "<import-col-value>",
        "<import-col-reason>",
    ]
    assert [[c.value for c in r] for r in errors.iter_rows(min_row=2)] == [
        [3, "Петров", "<import-error-name-invalid>"],
        [4, "ученик", "<import-error-role-unknown>"],
    ]


def test_result_xlsx_sorted_errors_and_empty_values() -> None:
    result = ImportResult(
        rows=(),
        errors=(RowError(9, "role-missing", None), RowError(3, "name-missing", None)),
    )
    data = build_result_xlsx(
        result, bot_username="b", text=_translate, tz="Europe/Moscow", category_name=str
    )
    wb = load_workbook(io.BytesIO(data))
    errors = wb.worksheets[1]
    assert [c.value for c in errors["A"]][1:] == [3, 9]
    assert wb.worksheets[0].max_row == 1


def test_sheet_titles_are_made_valid() -> None:
    data = build_result_xlsx(
        ImportResult((), ()),
        bot_username="b",
        text=lambda key: "Приглашения: список/2025 " * 3 if key.startswith("import-sheet") else key,
        tz="Europe/Moscow",
        category_name=str,
    )
    names = load_workbook(io.BytesIO(data)).sheetnames
    assert all(len(n) <= 31 and ":" not in n and "/" not in n for n in names)
