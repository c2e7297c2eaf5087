"""«✨ Предложения»: everyone's best mentor, proposed and approved together — the getters,
buttons and windows of that part of `/pairs`."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, ListGroup, Row, SwitchTo
from aiogram_dialog.widgets.text import Const, Format
from markupsafe import Markup

from bot.dialogs.paging import label_of, shorten
from bot.dialogs.pairs.common import (
    STATUS_ICONS,
    S,
    programme_id,
    render_reason,
    short_name,
)
from bot.dialogs.pairs.widgets import back
from bot.dialogs.widgets import Html, actor_of, buttons_only, i18n_of, services_of, text_of
from bot.services.matching import Assignment, Reason
from bot.services.pairs import PairView

SUGGESTIONS_PAGE = 8  # lines a page: 8 lines of names and two reasons stay far under 4096
PROPOSED_SHOWN = 30  # the pairs named after «Предложить все»; the rest are counted
LINE_REASONS = 2  # the reasons a line names: the strongest ones, short
# The mentor's free places are counted across the screen (see `matching.assign`), so a
# line does not repeat the mentor's places before this screen; «подходит для формы» is
# true of nearly every mentor: named only when nothing else is.
GENERIC_REASONS = ("form",)
LEFT_OUT_REASONS = ("capacity",)


def surname(full_name: str) -> str:
    """The first word of a name: a line's button names both sides within its half-row."""
    return full_name.split()[0] if full_name.split() else full_name


def line_reasons(manager: DialogManager, reasons: tuple[Reason, ...]) -> Markup:
    good = [r for r in reasons if r.good and r.key not in LEFT_OUT_REASONS]
    good.sort(key=lambda r: r.key in GENERIC_REASONS)
    shown = [render_reason(manager, r) for r in good[:LINE_REASONS]]
    return Markup("; ").join(shown) if shown else Markup(text_of(manager, "pairs-reason-none"))


def suggestions_page(manager: DialogManager, count: int) -> tuple[int, int]:
    pages = max(1, -(-count // SUGGESTIONS_PAGE))
    page = int(manager.dialog_data.get("suggestions_page", 0)) % pages
    manager.dialog_data["suggestions_page"] = page
    return page, pages


async def suggestions_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    lines: list[Assignment] = await services.pairs.suggest_all(
        actor_of(dialog_manager), programme_id(dialog_manager)
    )
    ready = [line for line in lines if line.suggestion is not None]
    page, pages = suggestions_page(dialog_manager, len(lines))
    first = page * SUGGESTIONS_PAGE
    shown = lines[first : first + SUGGESTIONS_PAGE]
    body: list[Any] = [i18n.get("pairs-bulk-title", count=len(lines), ready=len(ready))]
    if not lines:
        body.append(i18n.get("pairs-bulk-nobody"))
    items = []
    for number, line in enumerate(shown, start=first + 1):
        s = line.suggestion
        if s is None:
            body.append(i18n.get("pairs-bulk-line-none", n=number, mentee=line.mentee_name))
        else:
            body.append(
                i18n.get(
                    "pairs-bulk-line",
                    n=number,
                    mentee=line.mentee_name,
                    mentor=s.name,
                    score=s.score,
                    reasons=line_reasons(dialog_manager, s.reasons),
                )
            )
        items.append(
            {
                "id": line.mentee_membership_id,
                "has": s is not None,
                "label": shorten(f"✅ {number}. {surname(line.mentee_name)} → {surname(s.name)}")
                if s
                else "",
                "hand": label_of(dialog_manager, "pairs-button-by-hand-line", n=number),
            }
        )
    if pages > 1:
        body.append(i18n.get("pairs-bulk-page", page=page + 1, pages=pages))
    proposed = len(dialog_manager.dialog_data.get("bulk_pairs", []))
    return {
        "body": Markup("\n\n").join(body),
        "lines": items,
        "has_ready": bool(ready),
        "propose_all_label": label_of(dialog_manager, "pairs-button-propose-all", count=len(ready)),
        "has_proposed": bool(proposed),
        "to_approve_label": label_of(dialog_manager, "pairs-button-to-approve", count=proposed),
        "paged": pages > 1,
        "page_label": f"{page + 1}/{pages}",
    }


def suggestions_turn(step: int) -> Any:
    async def on_click(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
        manager.dialog_data["suggestions_page"] = (
            int(manager.dialog_data.get("suggestions_page", 0)) + step
        )

    return on_click


def remember_proposed(manager: DialogManager, views: list[PairView]) -> None:
    known = [int(p) for p in manager.dialog_data.get("bulk_pairs", [])]
    manager.dialog_data["bulk_pairs"] = list(dict.fromkeys([*known, *(v.id for v in views)]))


async def on_propose_all(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    # The server works the suggestions out again: nothing of the list comes from the client.
    views = await services_of(manager).pairs.propose_suggested(
        actor_of(manager), programme_id(manager)
    )
    remember_proposed(manager, views)
    await manager.switch_to(S.proposed_all)


async def on_propose_line(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    mentee_id = int(getattr(manager, "item_id", 0) or 0)
    views = await services_of(manager).pairs.propose_suggested(
        actor_of(manager), programme_id(manager), only=mentee_id
    )
    remember_proposed(manager, views)
    await callback.answer(label_of(manager, "pairs-proposed", 200))


async def on_line_by_hand(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    # The mentee's own card: `person_row` checks the id against the programme's roster.
    manager.dialog_data["membership_id"] = int(getattr(manager, "item_id", 0) or 0)
    await manager.switch_to(S.person)


async def proposed_all_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    ids = {int(p) for p in dialog_manager.dialog_data.get("bulk_pairs", [])}
    views = [
        v
        for v in await services.pairs.of_programme(actor, programme_id(dialog_manager))
        if v.id in ids and v.status == "proposed"
    ]
    # In the text (not a button): both sides named shortly, never cut.
    labels = [
        f"{STATUS_ICONS['proposed']} {short_name(v.mentor.name)} → "
        + ", ".join(short_name(m.name) for m in v.mentees)
        for v in views
    ]
    named = Markup("\n").join(labels[:PROPOSED_SHOWN])
    i18n = i18n_of(dialog_manager)
    if len(labels) > PROPOSED_SHOWN:
        more = i18n.get("delivery-more", count=len(labels) - PROPOSED_SHOWN)
        named = Markup("{}\n{}").format(named, more)
    return {
        "body": i18n.get("pairs-bulk-proposed", count=len(views), pairs=named)
        if views
        else i18n.get("pairs-bulk-none-proposed"),
        "has_proposed": bool(views),
        "approve_label": label_of(dialog_manager, "pairs-button-approve-all", count=len(views)),
    }


async def on_approve_all(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    # The ids were kept in the dialog's (server-side) data; `activate_many` checks each.
    views = await services_of(manager).pairs.activate_many(
        actor_of(manager), [int(p) for p in manager.dialog_data.get("bulk_pairs", [])]
    )
    manager.dialog_data["bulk_pairs"] = []
    await callback.answer(label_of(manager, "pairs-bulk-activated", 200, count=len(views)))
    await manager.switch_to(S.pairs)


def has_suggestion(data: dict[str, Any], _w: Any, _m: DialogManager) -> bool:
    return bool(data["item"]["has"])


def suggestions_window() -> Window:
    """Every free mentee's best mentor, a line each: propose all, one, or by hand."""
    return Window(
        Html("{body}"),
        Button(
            Format("{propose_all_label}"),
            id="propose_all",
            on_click=on_propose_all,
            when="has_ready",
        ),
        ListGroup(
            Row(
                Button(
                    Format("{item[label]}"),
                    id="propose_line",
                    on_click=on_propose_line,
                    when=has_suggestion,
                ),
                Button(Format("{item[hand]}"), id="line_by_hand", on_click=on_line_by_hand),
            ),
            id="suggestion_lines",
            item_id_getter=lambda item: item["id"],
            items="lines",
        ),
        Row(
            Button(Const("‹"), id="suggestions_prev", on_click=suggestions_turn(-1)),
            Button(Format("{page_label}"), id="suggestions_page", on_click=suggestions_turn(0)),
            Button(Const("›"), id="suggestions_next", on_click=suggestions_turn(1)),
            when="paged",
        ),
        SwitchTo(
            Format("{to_approve_label}"),
            id="to_approve",
            state=S.proposed_all,
            when="has_proposed",
        ),
        back(S.people),
        buttons_only(),
        state=S.suggestions,
        getter=suggestions_getter,
    )


def proposed_all_window() -> Window:
    """The pairs just proposed from the suggestions, to approve together."""
    return Window(
        Html("{body}"),
        Button(
            Format("{approve_label}"),
            id="approve_all",
            on_click=on_approve_all,
            when="has_proposed",
        ),
        back(S.suggestions),
        buttons_only(),
        state=S.proposed_all,
        getter=proposed_all_getter,
    )
