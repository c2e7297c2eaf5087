"""Dialog state groups, in one place so dialogs can start one another."""

from aiogram.fsm.state import State, StatesGroup


class MainMenu(StatesGroup):
    main = State()


class Language(StatesGroup):
    choose = State()
