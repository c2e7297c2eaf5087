"""A curator who also mentors never gets, by name, what the mentees of his own pairs said in
a questionnaire — on the results screen of /surveys, in its XLSX («Участники», «Ответы»)
and in the /report «Итоги анкет» — while another curator of the school reads it all. As
in the reports, his own mentees' answers about the mentor are left out of the means too;
what they said about anything else still counts in the means, unnamed."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import Membership, Pair, PairMentee
from tests.clock import DAYTIME
from tests.fake_telegram import FakeUser
from tests.harness import Running
from tests.survey_seed import add_person, launch, school_with
from tests.test_surveys import answer_all

SOON = DAYTIME.date() + timedelta(days=10)
MARIA_TG, OLGA_TG = 4501, 4502


async def pair(
    sessions: async_sessionmaker[AsyncSession], programme_id: int, mentor: int, mentee: int
) -> None:
    async with sessions() as session:
        members = {
            m.user_id: m
            for m in await session.scalars(
                select(Membership).where(
                    Membership.user_id.in_([mentor, mentee]),
                    Membership.programme_id == programme_id,
                )
            )
        }
        row = Pair(
            organisation_id=members[mentor].organisation_id,
            programme_id=programme_id,
            mentor_membership_id=members[mentor].id,
            status="active",
        )
        session.add(row)
        await session.flush()
        session.add(PairMentee(pair_id=row.id, mentee_membership_id=members[mentee].id))
        await session.commit()


async def scene(tg: Running) -> None:
    """Мария is a curator of the school and the mentor of Иван; Пётр mentors Анна. Both
    mentees answered the exit questionnaire, Иван with a free text."""
    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "teacher_teacher")
    sid = school.school_id
    maria = await add_person(
        sessions, MARIA_TG, "Мария Наставник", school_id=sid, role="mentor",
        programme_id=programme_id,
    )  # fmt: skip
    async with sessions() as session:
        session.add(Membership(user_id=maria, organisation_id=sid, role="curator", status="active"))
        await session.commit()
    await add_person(sessions, OLGA_TG, "Ольга Куратор", school_id=sid, role="curator")
    petr = await add_person(
        sessions, 4503, "Пётр Другой", school_id=sid, role="mentor", programme_id=programme_id
    )
    ivan = await add_person(
        sessions, 4504, "Иван Молодой", school_id=sid, role="mentee", programme_id=programme_id
    )
    anna = await add_person(
        sessions, 4505, "Анна Вторая", school_id=sid, role="mentee", programme_id=programme_id
    )
    await pair(sessions, programme_id, maria, ivan)
    await pair(sessions, programme_id, petr, anna)
    await launch(sessions, programme_id, "exit", SOON, now=lambda: DAYTIME)
    await answer_all(
        sessions,
        ivan,
        {
            "met_before": "yes",
            "met_before_where": "Секрет Ивана",
            "comfort": "2",
            "effectiveness": "4",
        },
        lambda: DAYTIME,  # type: ignore[arg-type]
    )
    await answer_all(
        sessions,
        anna,
        {"comfort": "9", "effectiveness": "8"},
        lambda: DAYTIME,  # type: ignore[arg-type]
    )


def workbook(user: FakeUser) -> dict[str, list[list[Any]]]:
    sent = [m for m in user.messages if m.document is not None]
    assert sent and sent[-1].document is not None
    book = load_workbook(io.BytesIO(sent[-1].document[1]))
    return {
        ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets
    }


def text_of(rows: list[list[Any]]) -> str:
    return "\n".join(" | ".join("" if v is None else str(v) for v in row) for row in rows)


def line_about(body: str, words: str) -> str:
    return next(line for line in body.splitlines() if words in line)


async def open_results(user: FakeUser) -> str:
    await user.send("/surveys")
    await user.press("Программа teacher_teacher")
    await user.press("📊 Итоги: вход → выход")
    return user.last.body


async def test_the_results_screen_counts_no_words_of_his_own_mentee_about_him(
    tg: Running,
) -> None:
    await scene(tg)
    olga = tg.fake.user(OLGA_TG, "Ольга")
    body = await open_results(olga)
    assert "5.5" in line_about(body, "Общение с наставником (")  # (2 + 9) / 2
    assert "6.0" in line_about(body, "Польза программы (наставляемый)")  # (4 + 8) / 2
    maria = tg.fake.user(MARIA_TG, "Мария")
    body = await open_results(maria)
    assert "Иван" not in body
    comfort = line_about(body, "Общение с наставником (")
    assert "9.0" in comfort and "5.5" not in comfort  # Анна's only
    assert "6.0" in line_about(body, "Польза программы (наставляемый)")  # not about him: counts


async def test_the_results_file_names_nothing_his_own_mentee_said(tg: Running) -> None:
    await scene(tg)
    olga = tg.fake.user(OLGA_TG, "Ольга")
    await open_results(olga)
    await olga.press("📄 Файл XLSX")
    book = workbook(olga)
    assert "Иван Молодой" in text_of(book["Участники"])
    assert "Секрет Ивана" in text_of(book["Ответы"])

    maria = tg.fake.user(MARIA_TG, "Мария")
    await open_results(maria)
    await maria.press("📄 Файл XLSX")
    book = workbook(maria)
    people, raw = text_of(book["Участники"]), text_of(book["Ответы"])
    assert "Иван" not in people and "Иван" not in raw
    assert "Секрет Ивана" not in text_of([r for rows in book.values() for r in rows])
    assert "Анна Вторая" in people and "Анна Вторая" in raw  # another mentor's mentee
    items = {(r[0], r[1]): r for r in book["Сравнение"][1:] if r and r[0]}
    assert items[("наставляемый", "Общение с наставником")][6] == 9  # exit mean: Анна's only
    assert items[("наставляемый", "Польза программы")][6] == 6  # not about him: both


async def test_the_report_names_nothing_his_own_mentee_said(tg: Running) -> None:
    await scene(tg)

    async def report(user: FakeUser) -> dict[str, list[list[Any]]]:
        await user.send("/report")
        await user.press("Итоги анкет")
        return workbook(user)

    olga = tg.fake.user(OLGA_TG, "Ольга")
    book = await report(olga)
    assert "Иван Молодой" in text_of([r for rows in book.values() for r in rows])
    assert "Секрет Ивана" in text_of([r for rows in book.values() for r in rows])

    maria = tg.fake.user(MARIA_TG, "Мария")
    book = await report(maria)
    everything = text_of([r for rows in book.values() for r in rows])
    assert "Иван" not in everything and "Секрет Ивана" not in everything
    assert "Анна Вторая" in everything
