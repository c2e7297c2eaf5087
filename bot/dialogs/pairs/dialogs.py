"""Curator: `/pairs` — the programme's people with filters and counts, suggested mentors
with a score and the reasons, a pair or a group proposed (or 2–3 candidates offered for
the mentee to choose), pairs activated, ended, their mentor replaced, the school's order
recorded for several pairs at once, and the programme's stage with what it still lacks.
«✨ Предложения» (suggestions.py) lists the best mentor for every mentee without a pair
and proposes them all, or one line, then approves them all.

The windows, a function each, and the Dialog. Every id in a callback is checked by the
services (bot/services/pairs/)."""

from __future__ import annotations

from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.kbd import Button, Column, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.paging import back_to_menu, paged_select
from bot.dialogs.pairs.common import S
from bot.dialogs.pairs.getters import (
    categories_getter,
    confirm_getter,
    mentees_getter,
    mentors_getter,
    offer_getter,
    order_getter,
    pair_getter,
    pairs_getter,
    people_getter,
    person_getter,
    programmes_getter,
    reasons_getter,
    stage_getter,
)
from bot.dialogs.pairs.handlers import (
    on_activate,
    on_capacity,
    on_category,
    on_complete,
    on_contacts,
    on_end_note,
    on_group_done,
    on_hand_pick,
    on_minor_contacts,
    on_offer_done,
    on_open_plan,
    on_order_picked,
    on_order_text,
    on_pair,
    on_person,
    on_programme,
    on_propose,
    on_reason,
    on_replace,
    on_stage,
    on_start,
    on_suggested,
    on_terminate,
)
from bot.dialogs.pairs.suggestions import proposed_all_window, suggestions_window
from bot.dialogs.pairs.widgets import back, filter_button, multiselect
from bot.dialogs.widgets import Html, T, buttons_only, validated_text
from bot.services.pairs import NOTE_MAX, parse_order
from bot.services.registration import clean_text


def programme_window() -> Window:
    """The curator's programmes (skipped when there is one)."""
    return Window(
        T("pairs-choose-programme", when="has_programmes"),
        T("pairs-no-programmes", when="no_programmes"),
        paged_select("{item[label]}", "programme_pick", "programmes", on_programme),
        back_to_menu(T("button-back")),
        buttons_only(),
        state=S.programme,
        getter=programmes_getter,
    )


def people_window() -> Window:
    """The programme's people with filters and counts, and the ways on."""
    return Window(
        Html("{body}"),
        Row(filter_button("no_pair"), filter_button("no_consent")),
        Row(filter_button("mentors"), filter_button("free")),
        Row(filter_button("mentees"), filter_button("all")),
        SwitchTo(T("pairs-filter-categories"), id="to_categories", state=S.categories),
        SwitchTo(
            T("pairs-button-suggest-all"),
            id="to_suggestions",
            state=S.suggestions,
            when="has_free",
        ),
        paged_select("{item[label]}", "people", "people", on_person),
        SwitchTo(Format("{pairs_label}"), id="to_pairs", state=S.pairs),
        Button(Format("{contacts_label}"), id="contacts", on_click=on_contacts),
        Button(
            Format("{minor_contact_label}"),
            id="minor_contacts",
            on_click=on_minor_contacts,
            when="has_minors",
        ),
        Row(
            SwitchTo(T("pairs-button-order"), id="to_order", state=S.order_pick),
            SwitchTo(T("pairs-button-stage"), id="to_stage", state=S.stage),
        ),
        SwitchTo(T("button-back"), id="to_programmes", state=S.programme),
        buttons_only(),
        state=S.people,
        getter=people_getter,
    )


def categories_window() -> Window:
    """The people's categories, as filters."""
    return Window(
        T("pairs-categories-title"),
        paged_select("{item[label]}", "category_pick", "categories", on_category),
        back(S.people),
        buttons_only(),
        state=S.categories,
        getter=categories_getter,
    )


def person_window() -> Window:
    """A person: a mentee's suggested mentors, or a mentor's capacity."""
    return Window(
        Html("{body}"),
        paged_select(
            "✅ {item[label]}", "suggested", "suggestions", on_suggested, when="is_free_mentee"
        ),
        Column(
            SwitchTo(T("pairs-button-pick-by-hand"), id="to_hand", state=S.pick_mentor),
            SwitchTo(T("pairs-button-offer"), id="to_offer", state=S.offer),
            when="is_free_mentee",
        ),
        Row(
            Button(T("pairs-button-capacity-less"), id="capacity_less", on_click=on_capacity),
            Button(T("pairs-button-capacity-more"), id="capacity_more", on_click=on_capacity),
            when="is_mentor",
        ),
        SwitchTo(T("pairs-button-group"), id="to_group", state=S.pick_mentees, when="is_mentor"),
        back(S.people),
        buttons_only(),
        state=S.person,
        getter=person_getter,
    )


def pick_mentor_window() -> Window:
    """A mentor picked by hand for the mentee."""
    return Window(
        T("pairs-pick-mentor"),
        paged_select("{item[label]}", "hand_pick", "mentors", on_hand_pick),
        back(S.person),
        buttons_only(),
        state=S.pick_mentor,
        getter=mentors_getter,
    )


def pick_mentees_window() -> Window:
    """The mentees of a group, for the mentor."""
    return Window(
        T("pairs-pick-mentees"),
        multiselect("group_pick", "free_mentees"),
        Button(T("pairs-button-done"), id="group_done", on_click=on_group_done),
        back(S.person),
        buttons_only(),
        state=S.pick_mentees,
        getter=mentees_getter,
    )


def offer_window() -> Window:
    """Two or three candidates offered for the mentee to choose."""
    return Window(
        T("pairs-pick-offer"),
        multiselect("offer_pick", "pool"),
        Button(T("pairs-button-done"), id="offer_done", on_click=on_offer_done),
        back(S.person),
        buttons_only(),
        state=S.offer,
        getter=offer_getter,
    )


def confirm_window() -> Window:
    """The pair or group about to be proposed."""
    return Window(
        Html("{body}"),
        Button(T("pairs-button-propose"), id="propose", on_click=on_propose),
        back(S.person),
        buttons_only(),
        state=S.confirm,
        getter=confirm_getter,
    )


def pairs_window() -> Window:
    """The programme's pairs."""
    return Window(
        Html("{body}"),
        paged_select("{item[label]}", "pair_pick", "pair_items", on_pair),
        back(S.people),
        buttons_only(),
        state=S.pairs,
        getter=pairs_getter,
    )


def pair_window() -> Window:
    """A pair's card and what can be done with it."""
    return Window(
        Html("{body}"),
        Button(T("pairs-button-activate"), id="activate", on_click=on_activate, when="is_proposed"),
        Button(
            T("pairs-button-open-plan"), id="open_plan", on_click=on_open_plan, when="is_active"
        ),
        SwitchTo(T("pairs-button-replace"), id="to_replace", state=S.replace, when="is_live"),
        Row(
            Button(T("pairs-button-complete"), id="complete", on_click=on_complete),
            Button(T("pairs-button-terminate"), id="terminate", on_click=on_terminate),
            when="is_live",
        ),
        back(S.pairs),
        buttons_only(),
        state=S.pair,
        getter=pair_getter,
    )


def end_reason_window() -> Window:
    """Why the pair ends."""
    return Window(
        T("pairs-end-reason-title"),
        Column(
            Select(
                Format("{item[label]}"),
                id="end_reason",
                item_id_getter=lambda item: item["id"],
                items="reasons",
                type_factory=int,
                on_click=on_reason,
            )
        ),
        back(S.pair),
        buttons_only(),
        state=S.end_reason,
        getter=reasons_getter,
    )


def end_note_window() -> Window:
    """The reason typed, for «other»."""
    return Window(
        T("pairs-end-note-ask"),
        validated_text("end_note", lambda text: clean_text(text, NOTE_MAX), on_end_note),
        back(S.end_reason),
        state=S.end_note,
    )


def replace_window() -> Window:
    """A new mentor for the pair."""
    return Window(
        T("pairs-pick-mentor"),
        paged_select("{item[label]}", "replace_pick", "mentors", on_replace),
        back(S.pair),
        buttons_only(),
        state=S.replace,
        getter=mentors_getter,
    )


def order_pick_window() -> Window:
    """The pairs the school's order confirms."""
    return Window(
        T("pairs-order-pick", when="has_items"),
        T("pairs-order-none", when="no_items"),
        multiselect("order_pick", "order_items"),
        Button(T("pairs-button-done"), id="order_done", on_click=on_order_picked, when="has_items"),
        back(S.people),
        buttons_only(),
        state=S.order_pick,
        getter=order_getter,
    )


def order_input_window() -> Window:
    """The order's number and date."""
    return Window(
        T("pairs-order-ask"),
        validated_text("order_text", parse_order, on_order_text),
        back(S.order_pick),
        state=S.order_input,
    )


def stage_window() -> Window:
    """The programme's stage, moved by hand."""
    return Window(
        Html("{body}"),
        Column(
            Select(
                Format("{item[label]}"),
                id="stage_pick",
                item_id_getter=lambda item: item["id"],
                items="stages",
                type_factory=int,
                on_click=on_stage,
            )
        ),
        back(S.people),
        buttons_only(),
        state=S.stage,
        getter=stage_getter,
    )


def pairs_dialog() -> Dialog:
    return Dialog(
        programme_window(),
        people_window(),
        categories_window(),
        person_window(),
        pick_mentor_window(),
        pick_mentees_window(),
        offer_window(),
        confirm_window(),
        pairs_window(),
        pair_window(),
        end_reason_window(),
        end_note_window(),
        replace_window(),
        order_pick_window(),
        order_input_window(),
        stage_window(),
        suggestions_window(),
        proposed_all_window(),
        on_start=on_start,
    )
