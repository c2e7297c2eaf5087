"""A young teacher says what they want help with, never picks a label about themself; the
category stays the curator's (set on the participant's card) and matching suggests a
mentor by the teacher's wishes. A teacher who chose a category before keeps it."""

from __future__ import annotations

from sqlalchemy import select

from bot.services.catalog import load_catalog
from bot.storage.models import Membership, User
from tests.harness import Running
from tests.pairs_world import add_participant, make_scene
from tests.seed import invite

CURATOR_TG, TEACHER_TG, METHODIST_TG, COACH_TG, EARLIER_TG = 7301, 7302, 7303, 7304, 7305
# Every label about a teacher mentee, in both languages: none may reach the teacher.
LABELS = [
    name
    for category in load_catalog().mentee_categories("teacher", include_hidden=True)
    for name in (category.name_ru, category.name_en, category.full_name_ru or "")
    if name
]


async def profile_of(tg: Running, telegram_id: int) -> dict:  # type: ignore[type-arg]
    async with tg.app.session_factory() as session:
        membership = await session.scalar(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(User.telegram_id == telegram_id)
        )
        assert membership is not None
        return dict(membership.profile or {})


async def test_a_young_teacher_chooses_wishes_and_the_curator_sets_the_category(
    tg: Running,
) -> None:
    async with tg.app.session_factory() as session:
        scene = await make_scene(session, "teacher_teacher")
        scene.curator.telegram_id = CURATOR_TG
        await add_participant(
            session,
            scene,
            "coach",
            "mentor",
            {"category": "mentor.teacher", "competences": "Футбол", "times": ["weekend"]},
            name="Игорь Спортов",
            telegram_id=COACH_TG,
        )
        await add_participant(
            session,
            scene,
            "methodist",
            "mentor",
            {
                "category": "mentor.teacher",
                "competences": "Методика преподавания, планирование уроков",
            },
            name="Анна Методистова",
            telegram_id=METHODIST_TG,
        )
        # Registered before help topics: she chose «Эмоциональное выгорание» herself.
        await add_participant(
            session,
            scene,
            "earlier",
            "mentee",
            {"subject": "Химия", "years": 4, "category": "teacher.burnout", "times": ["weekend"]},
            name="Прежняя Нина",
            telegram_id=EARLIER_TG,
        )
        school_id, programme_id = scene.school.id, scene.programme.id
        await session.commit()
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school_id,
        role="mentee",
        programme_id=programme_id,
    )

    maria = tg.fake.user(TEACHER_TG, "Мария")
    await maria.send(f"/start {payload}")
    await maria.press("Продолжить ▶️")
    await maria.press("✅ Даю согласие")
    await maria.send("Орлова Мария Андреевна")
    await maria.send("Физика")
    await maria.send("1")
    assert "С чем вам хотелось бы помощи" in maria.last.body
    offered = maria.last.buttons()
    for wish in ("Справляться с нагрузкой", "Чтобы ученики лучше успевали", "Методика урока"):
        assert wish in offered, offered
    assert "Учёба" not in offered  # a student's topic is not a teacher's
    await maria.press("Справляться с нагрузкой")
    await maria.press("Методика урока")
    await maria.press("Дальше ▶️")
    await maria.send("Хочу выстроить уроки")
    await maria.press("будни, вечер")
    await maria.press("Дальше ▶️")
    assert "С чем нужна помощь</b>: Справляться с нагрузкой, Методика урока" in maria.last.body
    await maria.press("✅ Сохранить")
    seen = " ".join(maria.texts()) + " ".join(b for m in maria.messages for b in m.buttons())
    assert not [label for label in LABELS if label in seen]
    assert "Категори" not in seen
    assert await profile_of(tg, TEACHER_TG) == {
        "subject": "Физика",
        "years": 1,
        "help_topics": ["teaching.workload", "teaching.lessons"],
        "wishes": "Хочу выстроить уроки",
        "times": ["weekday_evening"],
    }

    # The curator sets the category on the participant's card.
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/participants")
    await curator.press("Орлова Мария")
    await curator.press("🏷 Категория наставляемого")
    assert "Категория: не указана" in curator.last.body
    await curator.press("Молодой специалист")
    assert "Категория сохранена" in curator.callback_answers[-1]["text"]
    profile = await profile_of(tg, TEACHER_TG)
    assert profile["category"] == "teacher.young_specialist"
    assert profile["help_topics"] == ["teaching.workload", "teaching.lessons"]

    # The earlier teacher's own choice is the curator's category now, kept as it was.
    await curator.send("/participants")
    await curator.press("Прежняя Нина")
    await curator.press("🏷 Категория наставляемого")
    assert "В состоянии эмоционального выгорания" in curator.last.body
    assert (await profile_of(tg, EARLIER_TG))["category"] == "teacher.burnout"

    # Matching suggests by her wishes, and says so in the catalogue's words.
    await curator.send("/pairs")
    await curator.press("Орлова Мария")
    card = curator.last.body
    request = next(line for line in card.splitlines() if "совпадает запрос" in line)
    assert "Методика урока" in request and "Справляться с нагрузкой" in request, card
    assert card.index("Анна Методистова") < card.index("Игорь Спортов")
