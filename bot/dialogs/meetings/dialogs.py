"""The meetings dialog: its windows, each group built by a function, in the order of the
states of `MeetingLog` (the state names and widget ids are stored by running schools)."""

from __future__ import annotations

from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.kbd import Button, CalendarConfig, Column, Group, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.meetings.getters import (
    ask_getter,
    attendance_getter,
    confirm_getter,
    day_getter,
    durations_getter,
    formats_getter,
    held_getter,
    history_getter,
    kind_getter,
    pairs_getter,
    plan_day_getter,
    planned_getter,
    saved_getter,
    times_getter,
    view_getter,
    young_getter,
)
from bot.dialogs.meetings.handlers import (
    on_accept,
    on_attendance_done,
    on_calendar_day,
    on_clear_text,
    on_comment,
    on_counter,
    on_delete,
    on_duration,
    on_edit,
    on_fit,
    on_format,
    on_happened,
    on_held_no,
    on_held_yes,
    on_history_item,
    on_kind,
    on_move,
    on_no_comment,
    on_no_rating,
    on_outcome,
    on_pair,
    on_plan,
    on_plan_calendar,
    on_plan_offset,
    on_plan_time,
    on_plan_typed_day,
    on_plan_typed_time,
    on_rating,
    on_save,
    on_share,
    on_start,
    on_to_planned,
    on_today,
    on_toggle,
    on_topic,
    on_typed_day,
    on_typed_duration,
    on_yesterday,
)
from bot.dialogs.meetings.widgets import SchoolCalendar, message_input
from bot.dialogs.paging import back_to_menu, paged_select, to_menu
from bot.dialogs.states import MeetingLog
from bot.dialogs.widgets import Html, T, buttons_only, validated_text
from bot.services.meetings import clean_comment, clean_duration, clean_outcome, clean_topic


def _start_windows() -> list[Window]:
    """Which pair, «Встреча состоялась?», and the date."""
    return [
        Window(
            T("meetings-choose-pair"),
            paged_select("{item[label]}", "pair", "pairs", on_pair),
            back_to_menu(T("button-back")),
            buttons_only(),
            state=MeetingLog.pair,
            getter=pairs_getter,
        ),
        Window(
            T("meetings-held-question"),
            Button(T("meetings-button-held-yes"), id="held_yes", on_click=on_held_yes),
            Button(T("meetings-button-held-no"), id="held_no", on_click=on_held_no),
            SwitchTo(T("meetings-button-other"), id="other", state=MeetingLog.day),
            buttons_only(),
            state=MeetingLog.held,
            getter=held_getter,
        ),
        Window(
            T("meetings-day-prompt"),
            Row(
                Button(T("meetings-button-today"), id="today", on_click=on_today),
                Button(T("meetings-button-yesterday"), id="yesterday", on_click=on_yesterday),
            ),
            SwitchTo(T("meetings-button-calendar"), id="calendar", state=MeetingLog.calendar),
            Row(
                SwitchTo(T("meetings-button-history"), id="history", state=MeetingLog.history),
                SwitchTo(T("meetings-button-planned"), id="planned", state=MeetingLog.planned),
            ),
            Button(T("button-back"), id="to_menu", on_click=to_menu),
            message_input(on_typed_day),
            state=MeetingLog.day,
            getter=day_getter,
        ),
        Window(
            T("meetings-calendar-prompt"),
            SchoolCalendar(id="calendar_day", on_click=on_calendar_day, config=CalendarConfig()),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.day),
            message_input(on_typed_day),
            state=MeetingLog.calendar,
            getter=day_getter,
        ),
    ]


def _confirm_window() -> Window:
    """The one-tap save, with every field to change instead."""
    return Window(
        Html("{body}"),
        Button(Format("{save_label}"), id="save", on_click=on_save),
        Row(
            SwitchTo(T("meetings-button-kind"), id="kind", state=MeetingLog.kind),
            SwitchTo(T("meetings-button-duration"), id="duration", state=MeetingLog.duration),
            SwitchTo(T("meetings-button-format"), id="format", state=MeetingLog.format),
        ),
        Row(
            SwitchTo(T("meetings-button-topic"), id="topic", state=MeetingLog.topic),
            SwitchTo(T("meetings-button-outcome"), id="outcome", state=MeetingLog.outcome),
        ),
        SwitchTo(
            T("meetings-button-attendance"),
            id="attendance",
            state=MeetingLog.attendance,
            when="is_group",
        ),
        SwitchTo(T("button-back"), id="back", state=MeetingLog.day),
        buttons_only(),
        state=MeetingLog.confirm,
        getter=confirm_getter,
    )


def _choice_windows() -> list[Window]:
    """The kind, the duration and the format of the meeting."""
    return [
        Window(
            T("meetings-kind-prompt"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="kind_sel",
                    item_id_getter=lambda item: item["id"],
                    items="kinds",
                    on_click=on_kind,
                )
            ),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.confirm),
            buttons_only(),
            state=MeetingLog.kind,
            getter=kind_getter,
        ),
        Window(
            T("meetings-duration-prompt"),
            Row(
                Select(
                    Format("{item[label]}"),
                    id="duration_sel",
                    item_id_getter=lambda item: item["id"],
                    items="durations",
                    type_factory=int,
                    on_click=on_duration,
                )
            ),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.confirm),
            validated_text("duration_in", clean_duration, on_typed_duration),
            state=MeetingLog.duration,
            getter=durations_getter,
        ),
        Window(
            T("meetings-format-prompt"),
            Row(
                Select(
                    Format("{item[label]}"),
                    id="format_sel",
                    item_id_getter=lambda item: item["id"],
                    items="formats",
                    on_click=on_format,
                )
            ),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.confirm),
            buttons_only(),
            state=MeetingLog.format,
            getter=formats_getter,
        ),
    ]


def _text_windows() -> list[Window]:
    """The topic, the outcome, and who was there (a group meeting)."""
    return [
        Window(
            T("meetings-topic-prompt"),
            Button(T("meetings-button-clear"), id="clear_topic", on_click=on_clear_text),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.confirm),
            validated_text("topic_in", clean_topic, on_topic),
            state=MeetingLog.topic,
        ),
        Window(
            T("meetings-outcome-prompt"),
            Button(T("meetings-button-clear"), id="clear_outcome", on_click=on_clear_text),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.confirm),
            validated_text("outcome_in", clean_outcome, on_outcome),
            state=MeetingLog.outcome,
        ),
        Window(
            T("meetings-attendance-prompt"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="present_sel",
                    item_id_getter=lambda item: item["id"],
                    items="mentees",
                    type_factory=int,
                    on_click=on_toggle,
                )
            ),
            Button(T("meetings-button-done"), id="attendance_done", on_click=on_attendance_done),
            buttons_only(),
            state=MeetingLog.attendance,
            getter=attendance_getter,
        ),
    ]


def _history_windows() -> list[Window]:
    """After saving, and the pair's history: a meeting opened, edited, deleted."""
    return [
        Window(
            T("meetings-saved"),
            Row(
                SwitchTo(T("meetings-button-history"), id="history", state=MeetingLog.history),
                Button(T("meetings-button-plan"), id="plan", on_click=on_plan),
            ),
            Button(T("meetings-button-menu"), id="to_menu", on_click=to_menu),
            buttons_only(),
            state=MeetingLog.saved,
            getter=saved_getter,
        ),
        Window(
            T("meetings-history-title"),
            T("meetings-history-empty", when="empty"),
            paged_select("{item[label]}", "meeting", "meetings", on_history_item),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.day),
            buttons_only(),
            state=MeetingLog.history,
            getter=history_getter,
        ),
        Window(
            Html("{body}"),
            Group(
                Button(T("meetings-button-edit"), id="edit", on_click=on_edit),
                SwitchTo(T("meetings-button-delete"), id="delete", state=MeetingLog.delete),
                width=2,
                when="can_edit",
            ),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.history),
            buttons_only(),
            state=MeetingLog.view,
            getter=view_getter,
        ),
        Window(
            T("meetings-delete-confirm"),
            Row(
                Button(T("meetings-button-delete-yes"), id="delete_yes", on_click=on_delete),
                SwitchTo(T("meetings-button-delete-no"), id="delete_no", state=MeetingLog.view),
            ),
            buttons_only(),
            state=MeetingLog.delete,
        ),
    ]


def _planning_windows() -> list[Window]:
    """Planned meetings: propose, accept, another time, move."""
    return [
        Window(
            T("meetings-planned-title"),
            Html("{body}"),
            Row(
                Button(T("meetings-button-accept"), id="accept", on_click=on_accept),
                Button(T("meetings-button-counter"), id="counter", on_click=on_counter),
                when="has_open",
            ),
            Button(T("meetings-button-move"), id="move", on_click=on_move, when="can_move"),
            Button(T("meetings-button-propose"), id="propose", on_click=on_plan, when="can_plan"),
            Button(T("button-back"), id="to_menu", on_click=to_menu),
            buttons_only(),
            state=MeetingLog.planned,
            getter=planned_getter,
        ),
        Window(
            T("meetings-plan-day-prompt"),
            Row(
                Button(T("meetings-button-tomorrow"), id="tomorrow", on_click=on_plan_offset),
                Button(T("meetings-button-after-tomorrow"), id="after", on_click=on_plan_offset),
            ),
            SwitchTo(T("meetings-button-calendar"), id="calendar", state=MeetingLog.plan_calendar),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.planned),
            message_input(on_plan_typed_day),
            state=MeetingLog.plan_day,
            getter=plan_day_getter,
        ),
        Window(
            T("meetings-calendar-prompt"),
            SchoolCalendar(id="plan_cal", on_click=on_plan_calendar, config=CalendarConfig()),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.plan_day),
            message_input(on_plan_typed_day),
            state=MeetingLog.plan_calendar,
            getter=plan_day_getter,
        ),
        Window(
            T("meetings-plan-time-prompt"),
            Row(
                Select(
                    Format("{item[label]}"),
                    id="time_sel",
                    item_id_getter=lambda item: item["id"],
                    items="times",
                    on_click=on_plan_time,
                )
            ),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.plan_day),
            message_input(on_plan_typed_time),
            state=MeetingLog.plan_time,
            getter=times_getter,
        ),
    ]


def _answer_windows() -> list[Window]:
    """The mentee's side: did it happen, a rating, a comment, sharing it."""
    return [
        Window(
            T("meetings-ask", when="open"),
            T("meetings-ask-answered", when="answered"),
            Row(
                Button(T("meetings-button-happened"), id="happened", on_click=on_happened),
                Button(T("meetings-button-not-happened"), id="not_happened", on_click=on_happened),
                when="open",
            ),
            Button(T("meetings-button-later"), id="later", on_click=to_menu),
            buttons_only(),
            state=MeetingLog.ask,
            getter=ask_getter,
        ),
        Window(
            T("meetings-rate-prompt"),
            Row(
                Select(
                    Format("{item[label]}"),
                    id="rating_sel",
                    item_id_getter=lambda item: item["id"],
                    items="ratings",
                    type_factory=int,
                    on_click=on_rating,
                )
            ),
            Button(T("meetings-button-skip"), id="no_rating", on_click=on_no_rating),
            buttons_only(),
            state=MeetingLog.rate,
            getter=young_getter,
        ),
        Window(
            T("meetings-comment-prompt"),
            Button(T("meetings-button-skip"), id="no_comment", on_click=on_no_comment),
            validated_text("comment_in", clean_comment, on_comment),
            state=MeetingLog.comment,
            getter=young_getter,
        ),
        Window(
            T("meetings-share-prompt"),
            Button(T("meetings-button-share-no"), id="share_no", on_click=on_share),
            Button(T("meetings-button-share-yes"), id="share_yes", on_click=on_share),
            buttons_only(),
            state=MeetingLog.share,
            getter=young_getter,
        ),
    ]


def _closing_windows() -> list[Window]:
    """How the pair fits, thanks, and nothing to log."""
    return [
        Window(
            T("meetings-fit-prompt"),
            Column(
                Button(T("meetings-fit-fits"), id="fit_fits", on_click=on_fit),
                Button(T("meetings-fit-unsure"), id="fit_unsure", on_click=on_fit),
                Button(T("meetings-fit-no"), id="fit_no", on_click=on_fit),
            ),
            buttons_only(),
            state=MeetingLog.fit,
            getter=young_getter,
        ),
        Window(
            T("meetings-thanks"),
            Button(T("meetings-button-planned"), id="planned", on_click=on_to_planned),
            Button(T("meetings-button-menu"), id="to_menu", on_click=to_menu),
            buttons_only(),
            state=MeetingLog.thanks,
            getter=young_getter,
        ),
        Window(
            T("meetings-nothing"),
            back_to_menu(T("button-back")),
            buttons_only(),
            state=MeetingLog.nothing,
        ),
    ]


def meeting_log_dialog() -> Dialog:
    return Dialog(
        *_start_windows(),
        _confirm_window(),
        *_choice_windows(),
        *_text_windows(),
        *_history_windows(),
        *_planning_windows(),
        *_answer_windows(),
        *_closing_windows(),
        on_start=on_start,
    )
