"""The person's main menu: what they see depends on their roles."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import Button, Start, SwitchTo
from aiogram_dialog.widgets.text import List
from markupsafe import Markup

from bot.dialogs.municipality import municipal_button
from bot.dialogs.my_pair import menu_lines as pair_lines
from bot.dialogs.paging import Pager, shorten
from bot.dialogs.states import (
    Guardian,
    Language,
    MainMenu,
    MyData,
    MyPair,
    Organisations,
    Participants,
    Programmes,
    Questionnaire,
    Registration,
    Surveys,
)
from bot.dialogs.widgets import Html, T, buttons_only, i18n_of, services_of
from bot.services.access import Actor
from bot.services.users import Person


async def menu_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor: Actor | None = dialog_manager.middleware_data.get("actor")
    services = services_of(dialog_manager)
    person: Person | None = dialog_manager.middleware_data.get("person")
    roles = actor.role_names() if actor else set()
    pending = await services.registration.pending(person) if person else None
    children = await services.consent.guarded_children(person) if person else []
    if pending is not None:
        dialog_manager.dialog_data["pending_membership_id"] = pending.membership_id
    i18n = i18n_of(dialog_manager)
    lines = []
    standing = None
    if actor is not None:
        for line in await services.memberships.summary(actor):
            lines.append(
                i18n.get(
                    "menu-role-line" if line.programme_name else "menu-role-line-org",
                    role_name=i18n.get(f"role-{line.role}"),
                    organisation=line.organisation_name,
                    programme=line.programme_name or "",
                )
            )
            if line.role in ("mentor", "mentee") and not line.consent_complete:
                lines.append(i18n.get("menu-consent-waiting"))
        if "coordinator" in roles:
            # Totals only: the per-school lines are a paged screen of their own.
            schools = await services.memberships.coordinator_overview(actor)
            lines.append(
                i18n.get(
                    "staff-coord-total",
                    schools=len(schools),
                    mentors=sum(s.mentors for s in schools),
                    mentees=sum(s.mentees for s in schools),
                )
            )
        if roles & {"mentor", "mentee"}:
            lines += await pair_lines(dialog_manager)
            standing = await services.status.standing(actor)
    return {
        "roles_text": Markup("\n").join(lines),
        "has_pending": pending is not None,
        "is_guardian": bool(children),
        "is_admin": "admin" in roles,
        "is_curator": "curator" in roles,
        "runs_surveys": bool(roles & {"curator", "admin"}),  # an admin manages every school
        "is_coordinator": "coordinator" in roles,
        "is_participant": bool(roles & {"mentor", "mentee"}),
        "has_no_role": not roles and pending is None and not children,
        "open_surveys": standing.open_surveys
        if standing is not None and standing.steps
        else await services.surveys.open_count(person.id)
        if person
        else 0,
        # The step «choose a mentor» names this button: it is right here.
        "has_choice": standing is not None and standing.choice is not None,
    }


SCHOOLS_PAGE = 20
SCHOOL_NAME_MAX = 60


async def schools_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    """A coordinator's schools, one line each (counts, no names of people)."""
    actor: Actor | None = dialog_manager.middleware_data.get("actor")
    overview = (
        await services_of(dialog_manager).memberships.coordinator_overview(actor) if actor else []
    )
    i18n = i18n_of(dialog_manager)
    lines = [
        i18n.get(
            "menu-coordinator-school",
            school=shorten(school.school_name, SCHOOL_NAME_MAX),
            mentors=school.mentors,
            mentees=school.mentees,
        )
        for school in overview
    ]
    return {"school_lines": lines, "count": len(lines)}


async def continue_registration(
    _callback: CallbackQuery, _button: Button, manager: DialogManager
) -> None:
    membership_id = manager.dialog_data.get("pending_membership_id")
    if membership_id is not None:
        await manager.start(Registration.welcome, data={"membership_id": membership_id})


async def open_meetings(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    from bot.dialogs.meetings import start_meeting

    await start_meeting(manager, ShowMode.EDIT)


def _menu_window() -> Window:
    """The menu: what this person may open, by their roles."""
    return Window(
        T("menu-title"),
        Html("{roles_text}", when="roles_text"),
        T("menu-no-role", when="has_no_role"),
        Button(
            T("menu-continue-registration"),
            id="continue_registration",
            on_click=continue_registration,
            when="has_pending",
        ),
        Start(T("menu-guardian"), id="guardian", state=Guardian.children, when="is_guardian"),
        SwitchTo(
            T("staff-coord-schools-button"),
            id="coordinator_schools",
            state=MainMenu.schools,
            when="is_coordinator",
        ),
        municipal_button(when="is_coordinator"),
        Start(
            T("staff-menu-organisations"),
            id="organisations",
            state=Organisations.list,
            when="is_admin",
        ),
        Start(
            T("staff-menu-programmes"),
            id="programmes",
            state=Programmes.school,
            when="is_curator",
        ),
        Start(
            T("staff-menu-participants"),
            id="participants",
            state=Participants.list,
            when="is_curator",
        ),
        Start(
            T("menu-surveys"),
            id="surveys_open",
            state=Questionnaire.choose,
            when="open_surveys",
        ),
        Start(T("staff-menu-surveys"), id="surveys", state=Surveys.programmes, when="runs_surveys"),
        Start(
            T("pairs-menu-choice-button"),
            id="choose_mentor",
            state=MyPair.choice,
            when="has_choice",
        ),
        Start(T("pairs-menu-button"), id="my_pair", state=MyPair.main, when="is_participant"),
        Button(
            T("meetings-menu-button"),
            id="meetings",
            on_click=open_meetings,
            when="is_participant",
        ),
        Start(T("menu-mydata"), id="mydata", state=MyData.main),
        Start(T("menu-language"), id="language", state=Language.choose),
        buttons_only(),
        state=MainMenu.main,
        getter=menu_getter,
    )


def _schools_window() -> Window:
    """A coordinator's schools, a page at a time."""
    return Window(
        T("staff-coord-schools-title"),
        # Lines are Markup rendered by i18n (names escaped there).
        List(
            Html("{item}"),
            items="school_lines",
            id="school_lines",
            page_size=SCHOOLS_PAGE,
        ),
        Pager(scroll="school_lines", id="school_pager"),
        SwitchTo(T("button-back"), id="back", state=MainMenu.main),
        buttons_only(),
        state=MainMenu.schools,
        getter=schools_getter,
    )


def main_menu_dialog() -> Dialog:
    return Dialog(
        _menu_window(),
        _schools_window(),
    )
