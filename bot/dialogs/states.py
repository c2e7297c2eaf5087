"""Dialog state groups, in one place so dialogs can start one another."""

from aiogram.fsm.state import State, StatesGroup


class MainMenu(StatesGroup):
    main = State()
    schools = State()  # a coordinator's schools, paged


class Language(StatesGroup):
    choose = State()


class Registration(StatesGroup):
    welcome = State()
    consent = State()
    age = State()
    full_name = State()
    school_class = State()
    subject = State()
    years = State()
    category = State()
    wishes = State()
    competences = State()
    interests = State()
    ages = State()
    times = State()
    workplace = State()
    confirm = State()
    consent_full = State()
    help_topics = State()
    capacity = State()


class Organisations(StatesGroup):
    """Admin: municipalities and schools."""

    list = State()
    new_kind = State()
    new_parent = State()
    new_name = State()
    new_timezone = State()
    view = State()
    invite = State()


class Programmes(StatesGroup):
    """Curator: the school's programmes, invitations and list import."""

    school = State()
    list = State()
    new_name = State()
    new_form = State()
    new_period = State()
    view = State()
    invite_uses = State()
    invite = State()
    import_file = State()


class Participants(StatesGroup):
    """Curator: who joined, and whose consent is complete."""

    list = State()
    view = State()
    filter = State()  # which programme's participants
    confirm_paper = State()  # «Mark paper consent for …?»


class MyData(StatesGroup):
    main = State()
    confirm_withdraw = State()


class Guardian(StatesGroup):
    confirm = State()
    children = State()
    confirm_withdraw = State()
    confirm_full = State()


class Questionnaire(StatesGroup):
    """A participant answers a questionnaire."""

    choose = State()
    answer = State()
    done = State()


class Surveys(StatesGroup):
    """Curator: questionnaire waves of a programme, who answered, results."""

    programmes = State()
    programme = State()
    launch = State()
    scope = State()  # the whole programme or chosen pairs
    pairs = State()
    deadline = State()
    wave = State()
    results = State()
    pulse = State()  # when the pulse runs: the first day, then every N days


class ParticipantCategory(StatesGroup):
    """Curator: set a mentee's category (students never label themselves)."""

    choose = State()


class Pairs(StatesGroup):
    """Curator: the programme's people, suggestions, pairs and groups, the order, the stage."""

    programme = State()
    people = State()
    categories = State()
    person = State()
    pick_mentor = State()
    pick_mentees = State()
    offer = State()
    confirm = State()
    pairs = State()
    pair = State()
    end_reason = State()
    end_note = State()
    replace = State()
    order_pick = State()
    order_input = State()
    stage = State()
    suggestions = State()
    proposed_all = State()


class MyPair(StatesGroup):
    """A participant: their pairs, the agreement, contacts, the choice of a mentor."""

    main = State()
    pair = State()
    choice = State()
    answer = State()
    decline_reason = State()


class Plan(StatesGroup):
    """The individual development plan."""

    choose = State()
    main = State()
    item = State()
    title = State()
    due = State()


class MeetingLog(StatesGroup):
    """/meeting: log a meeting in three taps, its history, planning, the mentee's answers."""

    pair = State()
    held = State()  # «Встреча состоялась?» about an agreed meeting whose time has passed
    day = State()
    calendar = State()
    confirm = State()  # the one-tap save, and a button per field to change it
    kind = State()
    duration = State()
    format = State()
    topic = State()
    outcome = State()
    attendance = State()
    saved = State()
    history = State()
    view = State()
    delete = State()
    planned = State()
    plan_day = State()
    plan_calendar = State()
    plan_time = State()
    ask = State()  # mentee: did it happen?
    rate = State()
    comment = State()
    share = State()
    fit = State()
    thanks = State()
    nothing = State()


class Reports(StatesGroup):
    """/report: the school or municipality (when several), the report, «Готовлю файл…»."""

    target = State()
    pick = State()
    queued = State()
