"""`/report` for curators, coordinators and admins: choose the school or municipality (when
there are several), then a report; one tap queues the file, which arrives as one XLSX
document (the "report" notification, built at send time in bot/jobs/reports.py)."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Column, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.paging import back_to_menu, paged_select, shorten
from bot.dialogs.states import Reports
from bot.dialogs.widgets import (
    Html,
    T,
    actor_of,
    buttons_only,
    plain_text_of,
    services_of,
    text_of,
)
from bot.services.report_kinds import REPORT_KEYS
from bot.services.reports import ReportService

ICONS = {"municipality": "🏛", "school": "🏫"}


def _service(manager: DialogManager) -> ReportService:
    return services_of(manager).reports


async def start_reports(manager: DialogManager) -> bool:
    """Open /report; False when the person may not ask for any report."""
    targets = await _service(manager).targets(actor_of(manager))
    if not targets:
        return False
    if len(targets) == 1:
        await manager.start(
            Reports.pick,
            data={"organisation_id": targets[0].id, "single": True},
            mode=StartMode.RESET_STACK,
            show_mode=ShowMode.SEND,
        )
    else:
        await manager.start(Reports.target, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
    return True


def _organisation_id(manager: DialogManager) -> int:
    if "organisation_id" in manager.dialog_data:
        return int(manager.dialog_data["organisation_id"])
    data = manager.start_data
    assert isinstance(data, dict)
    return int(data["organisation_id"])


def _single(manager: DialogManager) -> bool:
    data = manager.start_data
    return isinstance(data, dict) and bool(data.get("single"))


async def targets_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    targets = await _service(dialog_manager).targets(actor_of(dialog_manager))
    return {
        "targets": [
            {"id": t.id, "label": shorten(f"{ICONS.get(t.kind, '🏢')} {t.name}")} for t in targets
        ]
    }


async def pick_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    target = await _service(dialog_manager).target(
        actor_of(dialog_manager), _organisation_id(dialog_manager)
    )
    return {
        "place": target.name,
        "reports": [
            {"id": key, "label": plain_text_of(dialog_manager, f"report-title-{key}")}
            for key in REPORT_KEYS
        ],
        "single": _single(dialog_manager),
        "several": not _single(dialog_manager),
    }


async def queued_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    key = str(dialog_manager.dialog_data.get("report", ""))
    return {"title": text_of(dialog_manager, f"report-title-{key}")}


async def on_target(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, organisation_id: int
) -> None:
    # The id came from a button: the service decides whether this person may have it.
    target = await _service(manager).target(actor_of(manager), organisation_id)
    manager.dialog_data["organisation_id"] = target.id
    await manager.switch_to(Reports.pick)


async def on_report(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, key: str
) -> None:
    await _service(manager).request(actor_of(manager), _organisation_id(manager), key, REPORT_KEYS)
    manager.dialog_data["report"] = key
    await manager.switch_to(Reports.queued)


async def on_back_to_targets(
    callback: CallbackQuery, _button: Button, manager: DialogManager
) -> None:
    manager.dialog_data.pop("organisation_id", None)
    await manager.switch_to(Reports.target)


def reports_dialog() -> Dialog:
    return Dialog(
        Window(
            T("report-choose-place"),
            paged_select("{item[label]}", "report_target", "targets", on_target),
            back_to_menu(T("button-back")),
            buttons_only(),
            state=Reports.target,
            getter=targets_getter,
        ),
        Window(
            Html("{place}"),
            T("report-choose"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="report_key",
                    item_id_getter=lambda item: item["id"],
                    items="reports",
                    on_click=on_report,
                )
            ),
            Button(T("button-back"), id="to_targets", on_click=on_back_to_targets, when="several"),
            back_to_menu(T("button-to-menu"), "pick_menu"),
            buttons_only(),
            state=Reports.pick,
            getter=pick_getter,
        ),
        Window(
            T("report-preparing"),
            SwitchTo(T("report-another"), id="another", state=Reports.pick),
            back_to_menu(T("button-to-menu"), "queued_menu"),
            buttons_only(),
            state=Reports.queued,
            getter=queued_getter,
        ),
    )


async def refuse(message: Message, manager: DialogManager) -> None:
    """A participant's /report: a polite word on what it is (a child is told «ты»)."""
    person = manager.middleware_data.get("person")
    young = "yes" if person is not None and person.is_minor else "no"
    await message.answer(text_of(manager, "report-not-staff", young=young))
