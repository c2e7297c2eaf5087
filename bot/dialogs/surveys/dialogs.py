"""The `/surveys` dialog: its windows, each built by a small function."""

from __future__ import annotations

from aiogram import F
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Multiselect, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.paging import back_to_menu, paged_select
from bot.dialogs.states import Surveys
from bot.dialogs.surveys.getters import (
    deadline_getter,
    launch_getter,
    pairs_getter,
    programme_getter,
    programmes_getter,
    pulse_getter,
    results_getter,
    wave_getter,
)
from bot.dialogs.surveys.handlers import (
    on_chart,
    on_days,
    on_every,
    on_first_day,
    on_launch_kind,
    on_pairs_chosen,
    on_programme,
    on_pulse,
    on_remind,
    on_typed_date,
    on_wave,
    on_whole_programme,
    on_xlsx,
)
from bot.dialogs.widgets import (
    Html,
    T,
    buttons_only,
)


def _programmes_window() -> Window:
    return Window(
        T("surveys-choose-programme", when="count"),
        T("surveys-no-programmes-admin", when=~F["count"] & F["is_admin"]),
        T("surveys-no-programmes", when=~F["count"] & ~F["is_admin"]),
        paged_select("{item[label]}", "p", "programmes", on_programme),
        back_to_menu(T("survey-btn-menu")),
        buttons_only(),
        state=Surveys.programmes,
        getter=programmes_getter,
    )


def _programme_window() -> Window:
    return Window(
        Html("{body}"),
        SwitchTo(T("surveys-btn-launch"), id="launch", state=Surveys.launch),
        Button(Format("{pulse_label}"), id="pulse", on_click=on_pulse),
        SwitchTo(T("surveys-btn-pulse-timing"), id="pulse_timing", state=Surveys.pulse),
        SwitchTo(T("surveys-btn-results"), id="results", state=Surveys.results),
        Column(
            Select(
                Format("{item[label]}"),
                id="w",
                item_id_getter=lambda item: item["id"],
                items="waves",
                type_factory=int,
                on_click=on_wave,
            )
        ),
        SwitchTo(T("survey-btn-back"), id="to_list", state=Surveys.programmes),
        buttons_only(),
        state=Surveys.programme,
        getter=programme_getter,
    )


def _launch_window() -> Window:
    return Window(
        T("surveys-launch-choose"),
        Column(
            Select(
                Format("{item[label]}"),
                id="k",
                item_id_getter=lambda item: item["id"],
                items="kinds",
                on_click=on_launch_kind,
            )
        ),
        SwitchTo(T("survey-btn-back"), id="to_prog", state=Surveys.programme),
        buttons_only(),
        state=Surveys.launch,
        getter=launch_getter,
    )


def _scope_window() -> Window:
    return Window(
        T("surveys-scope-choose"),
        Button(T("surveys-btn-whole"), id="whole", on_click=on_whole_programme),
        SwitchTo(T("surveys-btn-pairs"), id="choose_pairs", state=Surveys.pairs),
        SwitchTo(T("survey-btn-back"), id="scope_back", state=Surveys.launch),
        buttons_only(),
        state=Surveys.scope,
    )


def _pairs_window() -> Window:
    return Window(
        T("surveys-pairs-choose"),
        Column(
            Multiselect(
                Format("✅ {item[label]}"),
                Format("{item[label]}"),
                id="pair_pick",
                item_id_getter=lambda item: item["id"],
                items="pairs",
                type_factory=int,
            )
        ),
        Button(T("survey-btn-next"), id="pairs_done", on_click=on_pairs_chosen),
        SwitchTo(T("survey-btn-back"), id="pairs_back", state=Surveys.scope),
        buttons_only(),
        state=Surveys.pairs,
        getter=pairs_getter,
    )


def _deadline_window() -> Window:
    return Window(
        T("surveys-deadline-choose"),
        Column(
            Select(
                Format("{item[label]}"),
                id="d",
                item_id_getter=lambda item: item["id"],
                items="days",
                type_factory=int,
                on_click=on_days,
            )
        ),
        SwitchTo(T("survey-btn-back"), id="to_kinds", state=Surveys.launch),
        MessageInput(on_typed_date),
        state=Surveys.deadline,
        getter=deadline_getter,
    )


def _wave_window() -> Window:
    return Window(
        Html("{body}"),
        Button(T("surveys-btn-remind"), id="remind", on_click=on_remind, when="can_remind"),
        SwitchTo(T("survey-btn-back"), id="wave_back", state=Surveys.programme),
        buttons_only(),
        state=Surveys.wave,
        getter=wave_getter,
    )


def _results_window() -> Window:
    return Window(
        Html("{body}"),
        Button(T("surveys-btn-xlsx"), id="xlsx", on_click=on_xlsx),
        Button(T("surveys-btn-chart"), id="chart", on_click=on_chart, when="has_items"),
        SwitchTo(T("survey-btn-back"), id="res_back", state=Surveys.programme),
        buttons_only(),
        state=Surveys.results,
        getter=results_getter,
    )


def _pulse_window() -> Window:
    return Window(
        Html("{body}"),
        Row(
            Select(
                Format("{item[label]}"),
                id="pf",
                item_id_getter=lambda item: item["id"],
                items="firsts",
                type_factory=int,
                on_click=on_first_day,
            )
        ),
        Row(
            Select(
                Format("{item[label]}"),
                id="pe",
                item_id_getter=lambda item: item["id"],
                items="everys",
                type_factory=int,
                on_click=on_every,
            )
        ),
        SwitchTo(T("survey-btn-back"), id="pulse_back", state=Surveys.programme),
        buttons_only(),
        state=Surveys.pulse,
        getter=pulse_getter,
    )


def surveys_dialog() -> Dialog:
    return Dialog(
        _programmes_window(),
        _programme_window(),
        _launch_window(),
        _scope_window(),
        _pairs_window(),
        _deadline_window(),
        _wave_window(),
        _results_window(),
        _pulse_window(),
    )
