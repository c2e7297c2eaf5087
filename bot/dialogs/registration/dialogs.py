"""The registration dialog: its windows, built in groups, in the order of the steps."""

from __future__ import annotations

from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.kbd import Button, Column, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.registration.getters import (
    category_getter,
    choices_getter,
    common_getter,
    confirm_getter,
)
from bot.dialogs.registration.handlers import (
    multi_done,
    on_age,
    on_capacity,
    on_category,
    on_continue,
    on_language,
    on_save,
    on_start,
)
from bot.dialogs.registration.steps import S
from bot.dialogs.registration.widgets import (
    back_button,
    consent_buttons,
    long_text,
    multiselect,
    short_text,
    tap_hint,
    text_step,
)
from bot.dialogs.widgets import Html, T
from bot.services.registration import clean_class, clean_full_name, clean_years


def _consent_windows() -> list[Window]:
    """Welcome, consent, and whether the person is under 18."""
    return [
        Window(
            T("registration-welcome"),
            T("registration-welcome-programme", when="has_programme"),
            Button(T("button-continue"), id="continue", on_click=on_continue),
            Row(
                Button(T("language-name-ru"), id="reg_lang_ru", on_click=on_language),
                Button(T("language-name-en"), id="reg_lang_en", on_click=on_language),
            ),
            tap_hint("hint-welcome"),
            state=S.welcome,
        ),
        Window(
            T("consent-summary-self", when="is_adult"),
            T("consent-summary-minor", when="is_young"),
            *consent_buttons(),
            SwitchTo(
                T("consent-full-text-button"), id="full", state=S.consent_full, when="is_adult"
            ),
            back_button(),
            tap_hint("hint-consent"),
            state=S.consent,
        ),
        Window(
            T("consent-text-self"),
            *consent_buttons(),
            SwitchTo(T("button-back"), id="back_summary", state=S.consent),
            tap_hint("hint-consent"),
            state=S.consent_full,
        ),
        Window(
            T("registration-ask-age"),
            Row(
                Button(T("answer-minor-yes"), id="minor_yes", on_click=on_age),
                Button(T("answer-minor-no"), id="minor_no", on_click=on_age),
            ),
            back_button(),
            tap_hint("hint-age"),
            state=S.age,
        ),
    ]


def _about_windows() -> list[Window]:
    """Name, class, subject, years, category."""
    return [
        Window(
            T("registration-ask-full-name"),
            text_step("full_name", clean_full_name),
            back_button(),
            state=S.full_name,
        ),
        Window(
            T("registration-ask-class"),
            text_step("school_class", clean_class),
            back_button(),
            state=S.school_class,
        ),
        Window(
            T("registration-ask-subject"),
            text_step("subject", short_text),
            back_button(),
            state=S.subject,
        ),
        Window(
            T("registration-ask-years"),
            text_step("years", clean_years),
            back_button(),
            state=S.years,
        ),
        Window(
            T("registration-ask-category"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="category",
                    item_id_getter=lambda item: item[0],
                    items="categories",
                    on_click=on_category,
                )
            ),
            back_button(),
            tap_hint("hint-choose-button"),
            state=S.category,
            getter=category_getter,
        ),
    ]


def _wish_windows() -> list[Window]:
    """What help is wanted, wishes, competences, interests."""
    return [
        Window(
            T("registration-ask-help-topics"),
            multiselect("help_topics", "help_topics"),
            Button(T("button-next"), id="help_topics_done", on_click=multi_done("help_topics")),
            back_button(),
            tap_hint("hint-tick-then-next"),
            state=S.help_topics,
            getter=choices_getter,
        ),
        Window(
            T("registration-ask-wishes"),
            text_step("wishes", long_text),
            back_button(),
            state=S.wishes,
        ),
        Window(
            T("registration-ask-competences"),
            text_step("competences", long_text),
            back_button(),
            state=S.competences,
        ),
        Window(
            T("registration-ask-interests"),
            text_step("interests", long_text),
            back_button(),
            state=S.interests,
        ),
    ]


def _mentor_windows() -> list[Window]:
    """A mentor's ages, times, capacity and workplace."""
    return [
        Window(
            T("registration-ask-ages"),
            multiselect("ages", "age_bands"),
            Button(T("button-next"), id="ages_done", on_click=multi_done("ages")),
            back_button(),
            tap_hint("hint-tick-then-next"),
            state=S.ages,
            getter=choices_getter,
        ),
        Window(
            T("registration-ask-times"),
            multiselect("times", "meeting_times"),
            Button(T("button-next"), id="times_done", on_click=multi_done("times")),
            back_button(),
            tap_hint("hint-tick-then-next"),
            state=S.times,
            getter=choices_getter,
        ),
        Window(
            T("registration-ask-capacity"),
            Row(
                Select(
                    Format("{item[1]}"),
                    id="capacity",
                    item_id_getter=lambda item: item[0],
                    items="capacities",
                    on_click=on_capacity,
                )
            ),
            back_button(),
            tap_hint("hint-choose-button"),
            state=S.capacity,
            getter=choices_getter,
        ),
        Window(
            T("registration-ask-workplace"),
            text_step("workplace", short_text),
            back_button(),
            state=S.workplace,
        ),
    ]


def _confirm_window() -> Window:
    """The summary to save."""
    return Window(
        T("registration-confirm"),
        Html("{summary}"),
        Button(T("button-save"), id="save", on_click=on_save),
        back_button(),
        tap_hint("hint-confirm"),
        state=S.confirm,
        getter=confirm_getter,
    )


def registration_dialog() -> Dialog:
    return Dialog(
        *_consent_windows(),
        *_about_windows(),
        *_wish_windows(),
        *_mentor_windows(),
        _confirm_window(),
        on_start=on_start,
        getter=common_getter,
    )
