"""Questionnaire waves: reminders by a controlled clock, missing is never zero, the pulse
schedule, the entry → exit comparison and the 0–100 index, and who may see what."""

from __future__ import annotations

import io
import struct
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.errors import AccessDenied, InvalidInput
from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.questionnaires import load_questionnaires
from bot.services.survey_results import build_results_xlsx, compare, satisfaction_index
from bot.services.surveys import SurveyService
from bot.storage.models import Membership, Organisation, Pair, PairMentee, SurveyResponse
from tests.harness import ADMIN_ID, Running
from tests.seed import admin_actor
from tests.survey_seed import Recorder, add_person, at, launch, school_with, survey_service


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current


async def answer_all(
    sessions: async_sessionmaker[AsyncSession],
    user_id: int,
    values: dict[str, str],
    now: Clock | None = None,
    *,
    default_scale: str = "5",
) -> None:
    """Answer the person's open questionnaire (values by key, defaults otherwise), submit."""
    async with sessions() as session:
        surveys = survey_service(session, now=now)
        [open_] = await surveys.open_for(user_id)
        for _ in range(60):
            screen = await surveys.screen(user_id, open_.response_id)
            item = screen.current
            if item is None:
                break
            value = values.get(item.key)
            if item.type == "multi":
                await surveys.toggle(user_id, open_.response_id, item.key, item.options[0].key)
                await surveys.next(user_id, open_.response_id, item.key)
                continue
            if value is None:
                value = {
                    "scale": default_scale,
                    "yes_no": "no",
                    "text": "текст",
                    "single": item.options[0].key if item.options else "",
                }[item.type]
            await surveys.answer(user_id, open_.response_id, item.key, value)
        assert await surveys.submit(user_id, open_.response_id)
        await session.commit()


async def scene(session_factory: async_sessionmaker[AsyncSession]) -> tuple[int, int, int, int]:
    school, programme_id = await school_with(session_factory, "teacher_teacher")
    mentor = await add_person(
        session_factory,
        4001,
        "Мария Наставник",
        school_id=school.school_id,
        role="mentor",
        programme_id=programme_id,
    )
    mentee = await add_person(
        session_factory,
        4002,
        "Иван Молодой",
        school_id=school.school_id,
        role="mentee",
        programme_id=programme_id,
    )
    return school.school_id, programme_id, mentor, mentee


async def test_reminders_three_days_before_and_on_the_day(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    _, programme_id, mentor, mentee = await scene(session_factory)
    clock = Clock(at(2026, 12, 1, 9))
    recorder = Recorder()
    await launch(
        session_factory, programme_id, "exit", date(2026, 12, 10), recorder=recorder, now=clock
    )
    assert sorted(q["recipient_user_id"] for q in recorder.queued) == sorted([mentor, mentee])
    assert {q["kind"] for q in recorder.queued} == {"survey-invite"}
    invite = recorder.queued[0]
    assert invite["args"]["deadline"] == "10.12.2026" and invite["args"]["wave"] == "exit"
    assert invite["expires_at"] is not None
    recorder.queued.clear()
    await answer_all(session_factory, mentor, {}, clock)

    async def tick() -> list[int]:
        async with session_factory() as session:
            await survey_service(session, recorder, clock).tick()
            await session.commit()
        reminded = [q["recipient_user_id"] for q in recorder.queued]
        recorder.queued.clear()
        return reminded

    clock.current = at(2026, 12, 5, 9)  # five days before: nothing yet
    assert await tick() == []
    clock.current = at(2026, 12, 7, 9)  # three days before (Moscow): the missing one
    assert await tick() == [mentee]
    assert await tick() == []  # once
    clock.current = at(2026, 12, 9, 9)
    assert await tick() == []
    clock.current = at(2026, 12, 10, 6)  # the day itself
    reminded = await tick()
    assert reminded == [mentee]
    assert await tick() == []
    clock.current = at(2026, 12, 11, 6)  # after the deadline: missing, not reminded
    assert await tick() == []
    async with session_factory() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        surveys = survey_service(session, recorder, clock)
        admin = await admin_actor(hub)
        [wave] = await surveys.waves(admin, programme_id)
        statuses = {s.user_id: s.status for s in await surveys.statuses(admin, wave.id)}
        assert statuses == {mentor: "submitted", mentee: "missing"}
        assert await surveys.open_for(mentee) == []  # closed for answering too
        results = await surveys.results(admin, programme_id, "ru")
        [completion] = results.completion
        assert (completion.invited, completion.submitted, completion.missing) == (2, 1, 1)
        # The missing mentee is not a zero: the mentor's 5s are the whole mean.
        item = next(c for c in results.items if c.key == "effectiveness" and c.role == "mentor")
        assert item.exit == (5,) and item.exit_mean == 5.0
        assert all(c.role != "mentee" for c in results.items)


async def test_pulse_day_30_then_every_60_days(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    _, programme_id, _mentor, _mentee = await scene(session_factory)  # starts 1 Sep 2026
    clock = Clock(at(2026, 9, 20))
    recorder = Recorder()
    async with session_factory() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        await survey_service(session, recorder, clock).set_pulse(
            await admin_actor(hub), programme_id, True
        )
        await session.commit()

    async def tick_at(when: datetime) -> int:
        clock.current = when
        async with session_factory() as session:
            await survey_service(session, recorder, clock).tick()
            await session.commit()
        invites = [q for q in recorder.queued if q["kind"] == "survey-invite"]
        recorder.queued.clear()
        return len(invites)

    assert await tick_at(at(2026, 9, 30)) == 0  # day 29
    assert await tick_at(at(2026, 10, 1)) == 2  # day 30: both participants
    assert await tick_at(at(2026, 10, 2)) == 0
    assert await tick_at(at(2026, 11, 29)) == 0  # day 89
    assert await tick_at(at(2026, 11, 30)) == 2  # day 90
    async with session_factory() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        waves = await survey_service(session, recorder, clock).waves(
            await admin_actor(hub), programme_id
        )
    assert [w.kind for w in waves] == ["pulse", "pulse"]
    assert {w.deadline_local for w in waves} == {date(2026, 10, 8), date(2026, 12, 7)}


def test_index_and_comparison_on_prepared_answers() -> None:
    catalog = load_questionnaires()
    exit_q = catalog.get("mentee_exit")
    assert exit_q is not None
    items = {i.key: i for i in exit_q.items}
    # effectiveness, comfort, satisfaction, expectations are the index items (1–10).
    one = {"effectiveness": 10, "comfort": 10, "satisfaction": 10, "expectations": 10}
    two = {"effectiveness": 1, "comfort": 1, "satisfaction": 1, "expectations": 1}
    three = {"effectiveness": 7, "task_clarity": 2}  # only one index item answered
    assert satisfaction_index([one], items) == 100
    assert satisfaction_index([two], items) == 0
    assert satisfaction_index([three], items) == round(6 / 9 * 100)  # 67
    assert satisfaction_index([one, two, three], items) == round((100 + 0 + 6 / 9 * 100) / 3)
    assert satisfaction_index([], items) is None
    assert satisfaction_index([{"task_clarity": 9}], items) is None  # not an index item

    entry = {(1, "mentee"): {"comfort": 4, "effectiveness": 6}, (2, "mentee"): {"comfort": 6}}
    exit_ = {(1, "mentee"): {"comfort": 8, "effectiveness": 9}}  # 2 is missing at exit
    comparisons, people = compare(
        entry, exit_, {"mentee": list(exit_q.items)}, {1: "А", 2: "Б"}, lambda i: i.key
    )
    comfort = next(c for c in comparisons if c.key == "comfort")
    assert comfort.entry == (4, 6) and comfort.exit == (8,)
    assert (comfort.entry_mean, comfort.exit_mean, comfort.change) == (5.0, 8.0, 3.0)
    assert comfort.distribution("entry")[4] == 1 and comfort.distribution("exit")[8] == 1
    assert sum(comfort.distribution("exit").values()) == 1  # the missing one is not a 0
    by_person = {(p.user_id, p.key): p for p in people}
    assert by_person[(1, "comfort")].change == 4
    assert by_person[(2, "comfort")].exit is None and by_person[(2, "comfort")].change is None
    assert (2, "effectiveness") not in by_person


async def test_entry_to_exit_results_and_files(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    _, programme_id, mentor, mentee = await scene(session_factory)
    clock = Clock(at(2026, 9, 10))
    await launch(session_factory, programme_id, "entry", date(2026, 9, 20), now=clock)
    await answer_all(
        session_factory, mentee, {"comfort": "4", "expect_text": "=HYPERLINK(1)"}, clock
    )
    await answer_all(session_factory, mentor, {}, clock, default_scale="6")
    clock.current = at(2027, 5, 1)
    await launch(session_factory, programme_id, "exit", date(2027, 5, 20), now=clock)
    await answer_all(session_factory, mentee, {"comfort": "9"}, clock, default_scale="8")
    clock.current = at(2027, 5, 25)  # the mentor never answered the exit one
    async with session_factory() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        surveys = survey_service(session, now=clock)
        results = await surveys.results(await admin_actor(hub), programme_id, "ru")
    comfort = next(c for c in results.items if c.key == "comfort" and c.role == "mentee")
    assert (comfort.entry_mean, comfort.exit_mean, comfort.change) == (4.0, 9.0, 5.0)
    mentor_comfort = next(c for c in results.items if c.key == "comfort" and c.role == "mentor")
    assert mentor_comfort.exit == () and mentor_comfort.change is None
    person = next(p for p in results.people if p.user_id == mentee and p.key == "comfort")
    assert (person.entry, person.exit, person.change) == (4, 9, 5)
    # The teacher–teacher extra is compared too.
    assert any(c.key == "settle_in" for c in results.items)
    assert [(w.kind, w.submitted, w.invited, w.missing) for w in results.completion] == [
        ("entry", 2, 2, 0),
        ("exit", 1, 2, 1),
    ]
    assert results.index_exit is not None and results.index_entry is not None
    assert results.index_exit > results.index_entry

    content = build_results_xlsx(results, lambda key: key)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "surveys-xlsx-sheet-items",
        "surveys-xlsx-sheet-people",
        "surveys-xlsx-sheet-completion",
        "surveys-xlsx-sheet-raw",
    ]
    raw = [row for row in book["surveys-xlsx-sheet-raw"].iter_rows(values_only=True)]
    assert any(row[5] == "'=HYPERLINK(1)" for row in raw)  # no formula from typed text
    items = list(book["surveys-xlsx-sheet-items"].iter_rows(values_only=True))
    comfort_row = next(
        r for r in items if r[1] == "Общение с наставником" and r[0] == "surveys-role-mentee"
    )
    assert comfort_row[4] == 4.0 and comfort_row[6] == 9.0 and comfort_row[7] == 5.0


async def test_mentor_cannot_see_results_or_statuses(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    _, programme_id, mentor, _mentee = await scene(session_factory)
    wave_id = await launch(session_factory, programme_id, "entry", date.today() + timedelta(days=5))
    async with session_factory() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        person = await hub.users.get(mentor)
        assert person is not None
        actor = await hub.access.actor(person)
        surveys: SurveyService = hub.surveys
        with pytest.raises(AccessDenied):
            await surveys.results(actor, programme_id, "ru")
        with pytest.raises(AccessDenied):
            await surveys.statuses(actor, wave_id)
        with pytest.raises(AccessDenied):
            await surveys.launch(actor, programme_id, "exit", date.today())
        assert await surveys.programmes(actor) == []


async def test_curator_runs_a_wave_in_the_bot(tg: Running) -> None:
    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "teacher_teacher")
    await add_person(sessions, 4101, "Ольга Куратор", school_id=school.school_id, role="curator")
    await add_person(
        sessions,
        4102,
        "Мария <Наставник>",
        school_id=school.school_id,
        role="mentor",
        programme_id=programme_id,
    )
    mentee = await add_person(
        sessions,
        4103,
        "Иван Молодой",
        school_id=school.school_id,
        role="mentee",
        programme_id=programme_id,
    )
    olga = tg.fake.user(4101, "Ольга")
    await olga.send("/surveys")
    await olga.press("Программа teacher_teacher")
    assert "Анкет пока не было" in olga.last.body
    await olga.press("➕ Запустить анкету")
    await olga.press("Входная (наставники и наставляемые)")
    assert "Срок ответа" in olga.last.body
    await olga.send("31.02.2026")
    assert "Напишите дату как" in olga.texts()[-2]
    await olga.press("14 дн.")
    assert any("приглашено 2" in t for t in olga.texts())
    body = olga.last.body
    assert "Ответили: 0 из 2" in body
    assert "Мария &lt;Наставник&gt;" in body  # escaped, shown as typed
    assert "⏳" in body
    assert "🔔 Напомнить не ответившим" in olga.last.buttons()
    await olga.press("🔔 Напомнить не ответившим")
    assert "Напоминание отправлено" in olga.callback_answers[-1]["text"]
    # Ivan answers; the curator sees it.
    await answer_all(sessions, mentee, {"comfort": "3"})
    await olga.press("← Назад")
    await olga.press("📊 Итоги: вход → выход")
    body = olga.last.body
    assert "Входная: ответили 1 из 2 (50%)" in body
    assert "Индекс удовлетворённости" in body
    await olga.press("📄 Файл XLSX")
    sent = [m for m in olga.messages if m.document is not None]
    assert sent and sent[-1].document is not None
    assert sent[-1].document[0] == "questionnaires.xlsx"
    book = load_workbook(io.BytesIO(sent[-1].document[1]))
    assert book.sheetnames == ["Сравнение", "Участники", "Заполнение", "Ответы"]
    await olga.press("📈 График")
    photos = [m for m in olga.messages if m.photo is not None]
    assert photos and photos[-1].photo is not None and photos[-1].photo[:4] == b"\x89PNG"
    # Pulse switch.
    await olga.press("← Назад")
    await olga.press("🔁 Включить пульс")
    assert "Пульс включён" in olga.callback_answers[-1]["text"]
    assert "⏹ Выключить пульс" in olga.last.buttons()
    # A mentor opening /surveys sees no programme, no answers.
    maria = tg.fake.user(4102, "Мария")
    await maria.send("/surveys")
    assert "/surveys — команда для роли: Администратор, Куратор" in maria.texts()[-2]
    assert "Главное меню" in maria.last.body  # her own menu, no staff screen
    assert all("Иван" not in t for t in maria.texts())


async def test_answers_are_final_own_and_current(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    from bot.services.errors import InvalidInput, NotFound

    _, programme_id, mentor, mentee = await scene(session_factory)
    clock = Clock(at(2026, 10, 1))
    await launch(session_factory, programme_id, "entry", date(2026, 10, 5), now=clock)
    async with session_factory() as session:
        surveys = survey_service(session, now=clock)
        [own] = await surveys.open_for(mentee)
        # Another person's questionnaire does not exist for her.
        with pytest.raises(NotFound):
            await surveys.screen(mentor, own.response_id)
        # A button of an earlier screen (another item) changes nothing.
        with pytest.raises(InvalidInput) as stale:
            await surveys.answer(mentee, own.response_id, "comfort", "5")
        assert stale.value.code == "survey-stale"
        # A required item cannot be skipped.
        with pytest.raises(InvalidInput) as required:
            await surveys.skip(mentee, own.response_id, "met_before")
        assert required.value.code == "survey-required"
        # Submit with something unanswered moves to it instead.
        assert not await surveys.submit(mentee, own.response_id)
        await session.commit()
    await answer_all(session_factory, mentee, {}, clock)
    async with session_factory() as session:
        surveys = survey_service(session, now=clock)
        with pytest.raises(InvalidInput) as final:
            await surveys.back(mentee, own.response_id)
        assert final.value.code == "survey-submitted"
        [mentor_open] = await surveys.open_for(mentor)
    clock.current = at(2026, 10, 6)  # after the deadline (Moscow): closed
    async with session_factory() as session:
        surveys = survey_service(session, now=clock)
        with pytest.raises(InvalidInput) as closed:
            await surveys.answer(mentor, mentor_open.response_id, "met_before", "yes")
        assert closed.value.code == "survey-closed"
        screen = await surveys.screen(mentor, mentor_open.response_id)
        assert screen.closed and not screen.submitted


async def test_curator_launches_for_chosen_pairs(tg: Running) -> None:
    from sqlalchemy import select

    from bot.storage.models import Membership, Pair, PairMentee, SurveyResponse

    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "teacher_teacher")
    await add_person(sessions, 4201, "Ольга Куратор", school_id=school.school_id, role="curator")
    people = {}
    for telegram_id, name, role in (
        (4202, "Анна Наставник", "mentor"),
        (4203, "Борис Молодой", "mentee"),
        (4204, "Вера Наставник", "mentor"),
        (4205, "Глеб Молодой", "mentee"),
    ):
        people[name] = await add_person(
            sessions,
            telegram_id,
            name,
            school_id=school.school_id,
            role=role,
            programme_id=programme_id,
        )
    async with sessions() as session:
        memberships = {m.user_id: m.id for m in await session.scalars(select(Membership))}
        for mentor, mentee in (
            ("Анна Наставник", "Борис Молодой"),
            ("Вера Наставник", "Глеб Молодой"),
        ):
            pair = Pair(
                organisation_id=school.school_id,
                programme_id=programme_id,
                mentor_membership_id=memberships[people[mentor]],
                status="active",
            )
            session.add(pair)
            await session.flush()
            session.add(
                PairMentee(pair_id=pair.id, mentee_membership_id=memberships[people[mentee]])
            )
        await session.commit()
    olga = tg.fake.user(4201, "Ольга")
    await olga.send("/surveys")
    await olga.press("Программа teacher_teacher")
    await olga.press("➕ Запустить анкету")
    await olga.press("Итоговая (участники)")
    assert "Кому отправить" in olga.last.body
    await olga.press("🔗 Выбрать пары")
    await olga.press("Готово →")
    assert "хотя бы одну пару" in olga.callback_answers[-1]["text"]
    await olga.press("Вера Наставник — Глеб Молодой")
    assert "✅ Вера Наставник — Глеб Молодой" in olga.last.buttons()
    await olga.press("Готово →")
    await olga.press("7 дн.")
    assert any("приглашено 2" in t for t in olga.texts())
    async with sessions() as session:
        invited = set(await session.scalars(select(SurveyResponse.user_id)))
    assert invited == {people["Вера Наставник"], people["Глеб Молодой"]}


async def test_invitations_and_reminders_reach_participants_in_their_language(
    tg: Running,
) -> None:
    from bot.jobs.surveys import survey_tick
    from bot.services.hub import ServiceSettings as Prepared
    from tests.clock import DAYTIME

    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "student_student")
    await add_person(sessions, 4301, "Ольга Куратор", school_id=school.school_id, role="curator")
    await add_person(
        sessions,
        4302,
        "Петя",
        school_id=school.school_id,
        role="mentee",
        programme_id=programme_id,
        minor=True,
    )
    await add_person(
        sessions,
        4303,
        "John",
        school_id=school.school_id,
        role="mentor",
        programme_id=programme_id,
        locale="en",
    )
    await add_person(
        sessions,
        4304,
        "Анна",
        school_id=school.school_id,
        role="mentor",
        programme_id=programme_id,
    )
    petya, john, anna = (
        tg.fake.user(i, n) for i, n in ((4302, "Петя"), (4303, "John"), (4304, "Анна"))
    )
    olga = tg.fake.user(4301, "Ольга")
    await olga.send("/surveys")
    await olga.press("Программа student_student")
    await olga.press("➕ Запустить анкету")
    await olga.press("Входная (наставники и наставляемые)")
    await olga.press("7 дн.")
    deadline = (DAYTIME.date() + timedelta(days=7)).strftime("%d.%m.%Y")
    assert f"Новая анкета: входная. Ответь до {deadline}" in petya.texts()[-1]
    assert "/survey" in petya.texts()[-1]
    assert f"A new questionnaire: at the start. Please answer by {deadline}" in john.texts()[-1]
    assert f"Ответить до {deadline}" in anna.texts()[-1]
    # Anna answers at once; four days later the others get a reminder, she does not.
    await anna.send("/survey")
    while "Вопрос" in anna.last.body:
        buttons = anna.last.buttons()
        if "7" in buttons:
            await anna.press("7")
        elif "Да" in buttons:
            await anna.press("Нет")
        else:
            await anna.send("Жду встреч")
    await anna.press("✅ Отправить")
    anna_seen = len(anna.texts())
    prepared = Prepared(admin_ids=frozenset({ADMIN_ID}), clock=tg.clock)
    tg.clock.advance(days=4)
    await survey_tick(sessions, prepared)
    await tg.deliver()
    assert "Напоминание" in petya.texts()[-1] and deadline in petya.texts()[-1]
    assert "Reminder" in john.texts()[-1]
    assert len(anna.texts()) == anna_seen


async def test_withdrawal_keeps_only_unnamed_numbers(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    from sqlalchemy import select

    from bot.storage.models import SurveyAnswer, SurveyResponse, User

    _, programme_id, mentor, mentee = await scene(session_factory)
    clock = Clock(at(2026, 10, 1))
    await launch(session_factory, programme_id, "entry", date(2026, 10, 20), now=clock)
    await answer_all(session_factory, mentee, {"expect_text": "Хочу освоиться"}, clock)
    await launch(session_factory, programme_id, "intermediate", date(2026, 10, 20), now=clock)
    async with session_factory() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        await hub.personal_data.withdraw(mentee, by_user_id=mentee)
        await session.commit()
    async with session_factory() as session:
        responses = list(
            await session.scalars(select(SurveyResponse).where(SurveyResponse.user_id == mentee))
        )
        assert (
            len(responses) == 1 and responses[0].submitted_at is not None
        )  # the unsubmitted one went
        answers = list(
            await session.scalars(
                select(SurveyAnswer).where(SurveyAnswer.response_id == responses[0].id)
            )
        )
        assert answers and all(a.number is not None and a.text is None for a in answers)
        user = await session.get(User, mentee)
        assert user is not None and user.full_name is None
        # The mentor's own questionnaire is untouched.
        assert await session.scalar(
            select(SurveyResponse.id).where(SurveyResponse.user_id == mentor)
        )


async def test_a_curator_who_mentors_does_not_read_their_mentees_words_about_them(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    school_id, programme_id, mentor, mentee = await scene(session_factory)
    async with session_factory() as session:
        memberships = {
            m.user_id: m
            for m in await session.scalars(
                select(Membership).where(Membership.programme_id == programme_id)
            )
        }
        pair = Pair(
            organisation_id=school_id,
            programme_id=programme_id,
            mentor_membership_id=memberships[mentor].id,
            status="active",
        )
        session.add(pair)
        await session.flush()
        session.add(PairMentee(pair_id=pair.id, mentee_membership_id=memberships[mentee].id))
        # The mentor is also the school's curator.
        session.add(
            Membership(user_id=mentor, organisation_id=school_id, role="curator", status="active")
        )
        await session.commit()
    clock = Clock(at(2027, 5, 1))
    await launch(session_factory, programme_id, "exit", date(2027, 5, 20), now=clock)
    await answer_all(session_factory, mentee, {"comfort": "3"}, clock, default_scale="8")

    async with session_factory() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        surveys = survey_service(session, now=clock)
        person = await hub.users.get(mentor)
        assert person is not None
        as_mentor = await surveys.results(await hub.access.actor(person), programme_id, "ru")
        as_admin = await surveys.results(await admin_actor(hub), programme_id, "ru")
    # Another curator (here the admin) reads the mentee's answer about the mentor...
    assert any(p.user_id == mentee and p.key == "comfort" for p in as_admin.people)
    assert any(r.item_key == "comfort" for r in as_admin.raw)
    # ...the mentor, as a curator, does not: neither by person nor in the raw answers.
    assert not any(p.user_id == mentee and p.key == "comfort" for p in as_mentor.people)
    assert not any(r.item_key == "comfort" for r in as_mentor.raw)
    # Nothing else the mentee said reaches him by name either; it still counts in the means.
    assert not any(r.name == "Иван Молодой" for r in as_mentor.raw)
    assert not any(p.user_id == mentee for p in as_mentor.people)
    effectiveness = next(c for c in as_mentor.items if c.key == "effectiveness")
    assert effectiveness.exit == (8,)


async def test_curator_sets_when_the_pulse_runs(tg: Running) -> None:
    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "teacher_teacher")
    await add_person(sessions, 4201, "Ольга Куратор", school_id=school.school_id, role="curator")
    olga = tg.fake.user(4201, "Ольга")
    await olga.send("/surveys")
    await olga.press("Программа teacher_teacher")
    assert "выключен (когда включите — 30-й день, затем каждые 60 дн.)" in olga.last.body
    await olga.press("🗓 Когда проводить пульс")
    assert "первый раз на 30-й день программы, затем каждые 60 дн." in olga.last.body
    assert olga.last.button_rows()[:2] == [
        ["14-й день", "✅ 30-й день", "45-й день"],
        ["каждые 30 дн.", "✅ каждые 60 дн.", "каждые 90 дн."],
    ]
    await olga.press("14-й день")
    assert "Пульс: 14-й день, затем каждые 60 дн." in olga.callback_answers[-1]["text"]
    await olga.press("каждые 90 дн.")
    assert "✅ каждые 90 дн." in olga.last.buttons()
    await olga.press("← Назад")
    await olga.press("🔁 Включить пульс")
    assert "включён (14-й день, затем каждые 90 дн.)" in olga.last.body
    # A forged preset is refused by the service.
    async with sessions() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        surveys = survey_service(session)
        with pytest.raises(InvalidInput):
            await surveys.set_pulse_timing(await admin_actor(hub), programme_id, 7, 60)
        with pytest.raises(InvalidInput):
            await surveys.set_pulse_timing(await admin_actor(hub), programme_id, 30, 1)
        timing = await surveys.pulse(await admin_actor(hub), programme_id)
    assert (timing.enabled, timing.first_day, timing.every_days) == (True, 14, 90)


async def test_pulse_runs_on_the_chosen_days(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    _, programme_id, _mentor, _mentee = await scene(session_factory)  # starts 1 Sep 2026
    clock = Clock(at(2026, 9, 2))
    recorder = Recorder()
    async with session_factory() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        surveys = survey_service(session, recorder, clock)
        await surveys.set_pulse_timing(await admin_actor(hub), programme_id, 14, 30)
        await surveys.set_pulse(await admin_actor(hub), programme_id, True)
        await session.commit()

    async def tick_at(when: datetime) -> int:
        clock.current = when
        async with session_factory() as session:
            await survey_service(session, recorder, clock).tick()
            await session.commit()
        invites = [q for q in recorder.queued if q["kind"] == "survey-invite"]
        recorder.queued.clear()
        return len(invites)

    assert await tick_at(at(2026, 9, 14)) == 0  # day 13
    assert await tick_at(at(2026, 9, 15)) == 2  # day 14
    assert await tick_at(at(2026, 10, 14)) == 0  # day 43
    assert await tick_at(at(2026, 10, 15)) == 2  # day 44 = 14 + 30
    # The curator changes the timing mid-programme (day 50): the next pulse counts from the
    # last one run (15 Oct), neither at once nor several skipped.
    clock.current = at(2026, 10, 21)
    async with session_factory() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        await survey_service(session, recorder, clock).set_pulse_timing(
            await admin_actor(hub), programme_id, 45, 60
        )
        await session.commit()
    assert await tick_at(at(2026, 10, 22)) == 0
    assert await tick_at(at(2026, 12, 13)) == 0  # 59 days after the last
    assert await tick_at(at(2026, 12, 14)) == 2  # 60 days after the last


async def test_an_admin_without_a_curator_role_runs_questionnaires(tg: Running) -> None:
    sessions = tg.app.session_factory
    await school_with(sessions, "teacher_teacher")
    admin = tg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/start")
    await admin.press("📋 Анкеты программы")
    assert "Анкеты: выберите программу." in admin.last.body
    await admin.press("Программа teacher_teacher")
    assert "Анкет пока не было" in admin.last.body
    assert "➕ Запустить анкету" in admin.last.buttons()


async def test_an_admin_is_told_what_to_do_when_there_is_no_programme(tg: Running) -> None:
    admin = tg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/surveys")
    assert "Создайте программу в /programmes" in admin.last.body
    assert "« В меню" in admin.last.buttons()


async def test_results_charts_and_workbook_speak_the_curators_language(tg: Running) -> None:
    """The results screen names each item by its short title (entry answers are not shown
    under the exit's wording), the chart comes as phone-sized pictures, and the workbook
    writes yes/no and choices as words and the time in the school's zone."""
    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "teacher_teacher")
    async with sessions() as session:
        org = await session.get(Organisation, school.school_id)
        assert org is not None
        org.timezone = "Asia/Novosibirsk"
        await session.commit()
    await add_person(sessions, 4301, "Ольга Куратор", school_id=school.school_id, role="curator")
    mentor = await add_person(
        sessions,
        4302,
        "Мария",
        school_id=school.school_id,
        role="mentor",
        programme_id=programme_id,
    )
    mentee = await add_person(
        sessions, 4303, "Иван", school_id=school.school_id, role="mentee", programme_id=programme_id
    )
    await launch(sessions, programme_id, "entry", date.today() + timedelta(days=10))
    await answer_all(sessions, mentee, {"comfort": "3", "met_before": "yes"})
    await answer_all(sessions, mentor, {})
    olga = tg.fake.user(4301, "Ольга")
    await olga.send("/surveys")
    await olga.press("Программа teacher_teacher")
    await olga.press("📊 Итоги: вход → выход")
    body = olga.last.body
    assert "• Общение с наставником (наставляемый): 3" in body
    assert "• Вхождение в коллектив (наставляемый)" in body
    assert "• Общение с наставляемым (наставник): 5" in body
    assert "Насколько" not in body  # no question's wording, neither entry's nor exit's
    assert "settle_in" not in body and "comfort" not in body

    await olga.press("📄 Файл XLSX")
    document = [m for m in olga.messages if m.document is not None][-1].document
    assert document is not None
    book = load_workbook(io.BytesIO(document[1]))
    compared = [list(r) for r in book["Сравнение"].iter_rows(values_only=True)]
    assert compared[0][:3] == ["Роль", "Пункт", "Вопрос итоговой анкеты"]
    assert ["наставляемый", "Вхождение в коллектив"] in [r[:2] for r in compared]
    raw_sheet = book["Ответы"]
    header, *rows = [list(r) for r in raw_sheet.iter_rows(values_only=True)]
    assert header[-1] == "Отправлено (время школы)"
    answers = {(r[1], r[3]): r for r in rows}
    assert answers[("Иван", "met_before")][5] == "да"
    assert answers[("Мария", "met_before")][5] == "нет"
    async with sessions() as session:
        sent_at = await session.scalar(
            select(SurveyResponse.submitted_at).where(SurveyResponse.user_id == mentee)
        )
    assert sent_at is not None
    local = (sent_at if sent_at.tzinfo else sent_at.replace(tzinfo=UTC)).astimezone(
        ZoneInfo("Asia/Novosibirsk")
    )
    assert answers[("Иван", "met_before")][6] == local.strftime("%Y-%m-%d %H:%M")

    before = len([m for m in olga.messages if m.photo is not None])
    await olga.press("📈 График")
    photos = [m for m in olga.messages if m.photo is not None][before:]
    # 9 mentee items of a teacher–teacher programme (5 + 4), 10 mentor items (5 + 5).
    assert len(photos) == 4
    assert photos[0].caption is not None and "Вход и выход" in photos[0].caption
    for photo in photos:
        assert photo.photo is not None and photo.photo[:4] == b"\x89PNG"
        width, _height = struct.unpack(">II", photo.photo[16:24])
        assert width == 800  # 4 in at 200 dpi: shown 360 px wide, 10 pt is 12.5 px
