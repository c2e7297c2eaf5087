"""Curator: `/pairs` — the programme's people with filters and counts, suggested mentors
with a score and the reasons, a pair or a group proposed (or 2–3 candidates offered for
the mentee to choose), pairs activated, ended, their mentor replaced, the school's order
recorded for several pairs at once, and the programme's stage with what it still lacks.
«✨ Предложения» lists the best mentor for every mentee without a pair (places respected
across the screen) and proposes them all, or one line, then approves them all.

Every id in a callback is checked by the services (bot/services/pairs.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.kbd import (
    Button,
    Column,
    Group,
    ListGroup,
    Multiselect,
    Row,
    ScrollingGroup,
    Select,
    SwitchTo,
)
from aiogram_dialog.widgets.text import Const, Format
from markupsafe import Markup

from bot.dialogs.paging import LABEL_MAX, Pager, back_to_menu, label_of, paged_select, shorten
from bot.dialogs.states import Pairs, Plan
from bot.dialogs.widgets import (
    Html,
    T,
    actor_of,
    buttons_only,
    hint,
    i18n_of,
    services_of,
    text_of,
    validated_text,
)
from bot.services.errors import DomainError
from bot.services.matching import Assignment, Label, Reason, Topic
from bot.services.pairs import END_REASONS, FILTERS, NOTE_MAX, PairView, parse_order
from bot.services.programmes import STAGES
from bot.services.registration import clean_text

S = Pairs
SUGGESTIONS_SHOWN = 5
OFFER_POOL = 10
STATUS_ICONS = {"proposed": "🕓", "active": "🤝", "completed": "🏁", "terminated": "⛔"}
PERSON_ICONS = {"mentor": "🧑‍🏫", "mentee": "🧒"}


def render_reason(manager: DialogManager, reason: Reason) -> Markup:
    i18n = i18n_of(manager)
    catalog = services_of(manager).catalog

    def name(value: Label | Topic) -> Markup:
        if isinstance(value, Label):
            return Markup(i18n.get(value.key))
        found = catalog.help_topic(value.key) or catalog.category(value.key)
        return Markup.escape(found.name(i18n.locale) if found else value.key)

    args: dict[str, Any] = {}
    for key, value in reason.args.items():
        if isinstance(value, Label | Topic):
            args[key] = name(value)
        elif isinstance(value, tuple) and all(isinstance(v, Label | Topic) for v in value):
            args[key] = Markup(", ").join(name(v) for v in value)
        else:
            args[key] = value
    return Markup(i18n.get(f"pairs-reason-{reason.key}", **args))


def stage_name(manager: DialogManager, stage: str) -> Markup:
    return Markup(text_of(manager, f"stage-{stage.replace('_', '-')}"))


def programme_id(manager: DialogManager) -> int:
    return int(manager.dialog_data["programme_id"])


# --- programme ---------------------------------------------------------------------


async def curator_programmes(manager: DialogManager) -> list[dict[str, Any]]:
    services = services_of(manager)
    actor = actor_of(manager)
    items = []
    for school_id in sorted({r.organisation_id for r in actor.active("curator")}):
        for p in await services.programmes.list_for_school(actor, school_id):
            items.append({"id": p.id, "label": shorten(p.name)})
    return items


async def on_start(start_data: Any, manager: DialogManager) -> None:
    data = start_data if isinstance(start_data, dict) else {}
    manager.dialog_data["filter"] = "no_pair"
    if data.get("pair_id") and data.get("programme_id"):  # a notification's button
        manager.dialog_data["programme_id"] = int(data["programme_id"])
        manager.dialog_data["pair_id"] = int(data["pair_id"])
        await manager.switch_to(S.pair)
        return
    if data.get("programme_id"):
        manager.dialog_data["programme_id"] = int(data["programme_id"])
        await manager.switch_to(S.people)
        return
    programmes = await curator_programmes(manager)
    if len(programmes) == 1:
        manager.dialog_data["programme_id"] = programmes[0]["id"]
        await manager.switch_to(S.people)


async def programmes_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    items = await curator_programmes(dialog_manager)
    return {"programmes": items, "has_programmes": bool(items), "no_programmes": not items}


async def on_programme(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    await services_of(manager).pairs.programme_for(actor_of(manager), item_id, "pair.roster")
    manager.dialog_data["programme_id"] = item_id
    manager.dialog_data["filter"] = "no_pair"
    await manager.switch_to(S.people)


# --- people ------------------------------------------------------------------------


async def people_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    pid = programme_id(dialog_manager)
    await services.pairs.expire_overdue(programme_id=pid)
    programme = await services.programmes.get(actor, pid)
    sharing = await services.pairs.programme_for(actor, pid, "pair.roster")
    dialog_manager.dialog_data["contact_sharing"] = sharing.contact_sharing
    dialog_manager.dialog_data["minor_contact"] = sharing.minor_contact
    has_minors = await services.pairs.programme_has_minors(pid)
    roster = await services.pairs.roster(actor, pid)
    pairs = await services.pairs.of_programme(actor, pid, ("proposed", "active"))
    gaps = await services.pairs.gaps(actor, pid)
    chosen = dialog_manager.dialog_data.get("filter", "no_pair")
    shown = [r for r in roster.rows if services.pairs.matches(r, chosen)]
    counts = roster.counts
    i18n = i18n_of(dialog_manager)
    lines = [
        i18n.get(
            "pairs-people-title",
            programme=programme.name,
            stage=stage_name(dialog_manager, programme.stage),
        ),
        i18n.get(
            "pairs-counts",
            mentees=counts["mentees"],
            mentors=counts["mentors"],
            no_pair=counts["no_pair"],
            no_consent=counts["no_consent"],
            pairs=len(pairs),
        ),
    ]
    if gaps:
        lines.append(i18n.get("pairs-gaps-title"))
        for gap in gaps:
            lines.append(
                i18n.get(
                    "pairs-gap-line",
                    stage=stage_name(dialog_manager, gap.stage),
                    what=i18n.get(f"pairs-gap-{gap.key}", count=gap.count),
                )
            )
    if chosen.startswith("cat:"):
        category = services.catalog.category(chosen[4:])
        filter_name = i18n.get(
            "pairs-filter-name-category",
            name=category.name(i18n.locale) if category else chosen[4:],
        )
    else:
        filter_name = i18n.get(f"pairs-filter-name-{chosen}")
    lines.append(i18n.get("pairs-filter-title", filter=filter_name, count=len(shown)))
    if not shown:
        lines.append(i18n.get("pairs-nobody"))
    people = [
        {
            "id": r.membership_id,
            "label": shorten(
                f"{PERSON_ICONS.get(r.role, '')}{'' if r.consent_complete else '⏳'} {r.name}"
            ),
        }
        for r in shown
    ]
    filters = {
        f"f_{key}": label_of(dialog_manager, f"pairs-filter-{key}", count=counts[key])
        for key in (*FILTERS, "all")
    }
    return {
        "body": Markup("\n").join(lines),
        "people": people,
        "contacts_label": label_of(
            dialog_manager,
            "pairs-button-contacts-on"
            if programme_contacts(dialog_manager)
            else "pairs-button-contacts-off",
        ),
        "pairs_label": label_of(dialog_manager, "pairs-button-pairs", count=len(pairs)),
        "has_free": counts["no_pair"] > 0,
        # A programme with children: may their mentors write to them directly (off by default)?
        "has_minors": has_minors and programme_contacts(dialog_manager),
        "minor_contact_label": label_of(
            dialog_manager,
            "pairs-button-minor-contact-on"
            if minor_contacts(dialog_manager)
            else "pairs-button-minor-contact-off",
        ),
        **filters,
    }


def programme_contacts(manager: DialogManager) -> bool:
    return bool(manager.dialog_data.get("contact_sharing", True))


def minor_contacts(manager: DialogManager) -> bool:
    return bool(manager.dialog_data.get("minor_contact", False))


async def on_minor_contacts(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await services_of(manager).pairs.set_minor_contact(
        actor_of(manager), programme_id(manager), not minor_contacts(manager)
    )


async def on_contacts(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await services_of(manager).pairs.set_contact_sharing(
        actor_of(manager), programme_id(manager), not programme_contacts(manager)
    )


def filter_button(key: str) -> Button:
    async def on_click(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
        manager.dialog_data["filter"] = key
        # A new filter starts at the first page.
        await manager.find("people_pages").set_page(0)  # type: ignore[union-attr]

    return Button(Format(f"{{f_{key}}}"), id=f"filter_{key}", on_click=on_click)


async def categories_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    roster = await services.pairs.roster(actor_of(dialog_manager), programme_id(dialog_manager))
    locale = i18n_of(dialog_manager).locale
    items = []
    for index, (key, count) in enumerate(sorted(roster.categories.items())):
        category = services.catalog.category(key)
        name = category.name(locale) if category else key
        items.append(
            {
                "id": index,
                "key": key,
                "label": label_of(dialog_manager, "pairs-filter-category", name=name, count=count),
            }
        )
    dialog_manager.dialog_data["category_keys"] = [i["key"] for i in items]
    return {"categories": items}


async def on_category(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    keys = manager.dialog_data.get("category_keys", [])
    if 0 <= item_id < len(keys):
        manager.dialog_data["filter"] = f"cat:{keys[item_id]}"
    await manager.switch_to(S.people)


async def on_person(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    manager.dialog_data["membership_id"] = item_id
    await manager.switch_to(S.person)


# --- a person: suggestions ------------------------------------------------------------


async def person_row(manager: DialogManager) -> Any:
    services = services_of(manager)
    roster = await services.pairs.roster(actor_of(manager), programme_id(manager))
    mid = int(manager.dialog_data["membership_id"])
    for row in roster.rows:
        if row.membership_id == mid:
            return row
    # Not in this programme's roster (or forged): the service decides and refuses.
    await services.matching.suggest(actor_of(manager), mid, limit=0)
    raise DomainError("pairs-not-participant")


async def person_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    row = await person_row(dialog_manager)
    category = services.catalog.category(row.category) if row.category else None
    common = {
        "name": row.name,
        "category": category.name(i18n.locale) if category else i18n.get("pairs-no-category"),
        "consent": i18n.get(
            "pairs-consent-complete" if row.consent_complete else "pairs-consent-incomplete"
        ),
    }
    lines: list[Any] = []
    suggestions: list[dict[str, Any]] = []
    if row.role == "mentee":
        lines.append(
            i18n.get(
                "pairs-mentee-card",
                **common,
                pair=i18n.get("pairs-pair-some", id=row.pair_id)
                if row.pair_id
                else i18n.get("pairs-pair-none"),
            )
        )
        if row.pair_id is None:
            ranked = await services.matching.suggest(actor_of(dialog_manager), row.membership_id)
            if ranked:
                lines.append(i18n.get("pairs-suggestions-title"))
            else:
                lines.append(i18n.get("pairs-suggestions-none"))
            for s in ranked[:SUGGESTIONS_SHOWN]:
                reasons: list[Any] = [render_reason(dialog_manager, r) for r in s.reasons]
                reasons = reasons or [i18n.get("pairs-reason-none")]
                lines.append(
                    i18n.get(
                        "pairs-suggestion",
                        name=s.name,
                        score=s.score,
                        reasons=Markup("\n").join(reasons),
                    )
                )
            suggestions = [
                {
                    "id": s.mentor_membership_id,
                    "label": shorten(
                        label_of(
                            dialog_manager, "pairs-suggestion-label", name=s.name, score=s.score
                        )
                    ),
                }
                for s in ranked[:SUGGESTIONS_SHOWN]
            ]
    else:
        lines.append(i18n.get("pairs-mentor-card", **common, capacity=row.capacity, load=row.load))
    return {
        "body": Markup("\n\n").join(lines),
        "suggestions": suggestions,
        "is_free_mentee": row.role == "mentee" and row.pair_id is None,
        "is_mentor": row.role == "mentor",
    }


async def on_suggested(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    manager.dialog_data["mentor_id"] = item_id
    manager.dialog_data["mentee_ids"] = [int(manager.dialog_data["membership_id"])]
    await manager.switch_to(S.confirm)


async def mentors_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    roster = await services.pairs.roster(actor_of(dialog_manager), programme_id(dialog_manager))
    return {
        "mentors": [
            {"id": r.membership_id, "label": shorten(f"{r.name} ({r.load}/{r.capacity})")}
            for r in roster.rows
            if r.role == "mentor"
        ]
    }


async def on_capacity(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    row = await person_row(manager)
    step = 1 if button.widget_id == "capacity_more" else -1
    await services_of(manager).pairs.set_capacity(
        actor_of(manager), row.membership_id, row.capacity + step
    )


async def offer_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ranked = await services_of(dialog_manager).matching.suggest(
        actor_of(dialog_manager), int(dialog_manager.dialog_data["membership_id"]), OFFER_POOL
    )
    return {
        "pool": [
            {"id": s.mentor_membership_id, "label": shorten(f"{s.name} · {s.score}")}
            for s in ranked
        ]
    }


async def on_offer_done(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    widget = manager.find("offer_pick")
    chosen = [int(x) for x in widget.get_checked()]  # type: ignore[union-attr]
    if not 2 <= len(chosen) <= 3:
        await hint(manager, callback, "pairs-hint-choose-offer")
        return
    offered = await services_of(manager).pairs.offer(
        actor_of(manager), int(manager.dialog_data["membership_id"]), chosen
    )
    await widget.reset_checked()  # type: ignore[union-attr]
    await callback.answer(label_of(manager, "pairs-offered", 200, count=len(offered)))
    await manager.switch_to(S.people)


async def mentees_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    roster = await services.pairs.roster(actor_of(dialog_manager), programme_id(dialog_manager))
    return {
        "free_mentees": [
            {"id": r.membership_id, "label": shorten(r.name)}
            for r in roster.rows
            if r.role == "mentee" and r.pair_id is None and r.consent_complete
        ]
    }


async def on_group_done(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    widget = manager.find("group_pick")
    chosen = [int(x) for x in widget.get_checked()]  # type: ignore[union-attr]
    if not chosen:
        await hint(manager, callback, "pairs-hint-choose-mentees")
        return
    manager.dialog_data["mentor_id"] = int(manager.dialog_data["membership_id"])
    manager.dialog_data["mentee_ids"] = chosen
    await widget.reset_checked()  # type: ignore[union-attr]
    await manager.switch_to(S.confirm)


async def on_hand_pick(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    manager.dialog_data["mentor_id"] = item_id
    manager.dialog_data["mentee_ids"] = [int(manager.dialog_data["membership_id"])]
    await manager.switch_to(S.confirm)


async def confirm_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    roster = await services.pairs.roster(actor_of(dialog_manager), programme_id(dialog_manager))
    names = {r.membership_id: r.name for r in roster.rows}
    data = dialog_manager.dialog_data
    mentees = ", ".join(names.get(m, "?") for m in data.get("mentee_ids", []))
    return {
        "body": i18n_of(dialog_manager).get(
            "pairs-confirm-propose", mentor=names.get(int(data["mentor_id"]), "?"), mentees=mentees
        )
    }


async def on_propose(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    view = await services_of(manager).pairs.propose(
        actor_of(manager), int(data["mentor_id"]), [int(m) for m in data["mentee_ids"]]
    )
    await callback.answer(label_of(manager, "pairs-proposed", 200))
    data["pair_id"] = view.id
    await manager.switch_to(S.pair)


# --- pairs -----------------------------------------------------------------------------


def short_name(full_name: str) -> str:
    """«Санаров Владимир Алексеевич» → «Санаров В.»: a list of pairs names both sides."""
    parts = full_name.split()
    return f"{parts[0]} {parts[1][0]}." if len(parts) > 1 else full_name


def pair_labels(views: list[PairView]) -> list[str]:
    """«🤝 Санаров В. → Тоедова А.», within a button; two lines that would read the same
    (the same people in an ended and a new pair) end with the pair's number."""
    bases = [
        " ".join(
            (
                STATUS_ICONS.get(v.status, ""),
                short_name(v.mentor.name),
                "→",
                ", ".join(short_name(m.name) for m in v.mentees),
            )
        )
        for v in views
    ]
    seen = Counter(shorten(b) for b in bases)
    labels = []
    for view, base in zip(views, bases, strict=True):
        if seen[shorten(base)] > 1:
            suffix = f" #{view.id}"
            labels.append(shorten(base, LABEL_MAX - len(suffix)) + suffix)
        else:
            labels.append(shorten(base))
    return labels


async def pairs_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    pid = programme_id(dialog_manager)
    programme = await services.programmes.get(actor, pid)
    views = await services.pairs.of_programme(actor, pid)
    order = {"proposed": 0, "active": 1, "completed": 2, "terminated": 3}
    views.sort(key=lambda v: (order.get(v.status, 9), v.id))
    return {
        "body": i18n_of(dialog_manager).get(
            "pairs-list-title", programme=programme.name, count=len(views)
        ),
        "pair_items": [
            {"id": v.id, "label": label} for v, label in zip(views, pair_labels(views), strict=True)
        ],
    }


async def on_pair(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    manager.dialog_data["pair_id"] = item_id
    await manager.switch_to(S.pair)


async def pair_card(manager: DialogManager, view: PairView) -> list[Any]:
    i18n = i18n_of(manager)

    def mark(accepted: bool) -> str:
        return i18n.get("pairs-accepted-mark" if accepted else "pairs-not-accepted-mark")

    active = view.status == "active"
    mentees = Markup(", ").join(
        Markup("{} {}").format(m.name, mark(m.accepted_at is not None) if active else "")
        for m in view.mentees
    )
    lines = [
        i18n.get(
            "pairs-pair-card",
            kind=i18n.get("pairs-kind-group" if view.is_group else "pairs-kind-pair"),
            id=view.id,
            status=i18n.get(f"pairs-status-{view.status}"),
            mentor=view.mentor.name,
            mentor_ok=mark(view.mentor.accepted_at is not None) if active else "",
            mentees_label=i18n.get("pairs-mentees-label"),
            mentees=mentees,
        )
    ]
    if view.order_number and view.order_date:
        lines.append(
            i18n.get(
                "pairs-order-line",
                number=view.order_number,
                date=view.order_date.strftime("%d.%m.%Y"),
            )
        )
    elif view.live:
        lines.append(i18n.get("pairs-no-order"))
    if view.past_mentors:
        lines.append(i18n.get("pairs-past-mentors", names=", ".join(view.past_mentors)))
    if not view.live:
        reason = (
            view.end_note
            if view.end_reason == "other" and view.end_note
            else i18n.get(f"pairs-end-reason-{view.end_reason or 'none'}")
        )
        lines.append(
            i18n.get(
                "pairs-ended-line",
                status=i18n.get(f"pairs-status-{view.status}"),
                reason=reason,
            )
        )
    return lines


async def pair_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    view = await services.pairs.get(actor, int(dialog_manager.dialog_data["pair_id"]))
    lines = await pair_card(dialog_manager, view)
    if view.status == "active":
        progress = {
            p.mentee_membership_id: p
            for p in await services.plan.progress(actor, view.programme_id)
            if p.pair_id == view.id
        }
        i18n = i18n_of(dialog_manager)
        for m in view.mentees:
            p = progress.get(m.membership_id)
            if p is not None:
                lines.append(
                    Markup("{}: {}").format(
                        m.name,
                        i18n.get(
                            "pairs-plan-progress",
                            done=p.done,
                            total=p.total,
                            in_progress=p.in_progress,
                        ),
                    )
                )
    return {
        "body": Markup("\n").join(lines),
        "is_proposed": view.status == "proposed",
        "is_live": view.live,
        "is_active": view.status == "active",
    }


async def on_activate(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await services_of(manager).pairs.activate(
        actor_of(manager), int(manager.dialog_data["pair_id"])
    )
    await callback.answer(label_of(manager, "pairs-activated", 200))


async def on_complete(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data["outcome"] = "completed"
    await manager.switch_to(S.end_reason)


async def on_terminate(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data["outcome"] = "terminated"
    await manager.switch_to(S.end_reason)


async def reasons_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "reasons": [
            {"id": i, "label": label_of(dialog_manager, f"pairs-end-reason-{key}")}
            for i, key in enumerate(END_REASONS)
        ]
    }


async def end_pair(manager: DialogManager, reason: str, note: str | None = None) -> None:
    view = await services_of(manager).pairs.end(
        actor_of(manager),
        int(manager.dialog_data["pair_id"]),
        manager.dialog_data.get("outcome", "completed"),
        reason,
        note,
    )
    manager.dialog_data["ended_status"] = view.status


async def on_reason(callback: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    if not 0 <= item_id < len(END_REASONS):
        await hint(manager, callback, "error-pairs-reason")
        return
    reason = END_REASONS[item_id]
    if reason == "other":
        await manager.switch_to(S.end_note)
        return
    await end_pair(manager, reason)
    await manager.switch_to(S.pair)


async def on_end_note(message: Message, manager: DialogManager, value: str) -> None:
    await end_pair(manager, "other", value)
    await manager.switch_to(S.pair, show_mode=ShowMode.SEND)


async def on_replace(_c: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    await services_of(manager).pairs.replace_mentor(
        actor_of(manager), int(manager.dialog_data["pair_id"]), item_id
    )
    await _c.answer(label_of(manager, "pairs-replaced", 200))
    await manager.switch_to(S.pair)


async def on_open_plan(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await manager.start(Plan.choose, data={"pair_id": int(manager.dialog_data["pair_id"])})


# --- the order -------------------------------------------------------------------------


async def order_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    views = await services_of(dialog_manager).pairs.of_programme(
        actor_of(dialog_manager), programme_id(dialog_manager), ("proposed", "active")
    )
    items = [
        {"id": v.id, "label": label} for v, label in zip(views, pair_labels(views), strict=True)
    ]
    return {"order_items": items, "has_items": bool(items), "no_items": not items}


async def on_order_picked(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    chosen = [int(x) for x in manager.find("order_pick").get_checked()]  # type: ignore[union-attr]
    if not chosen:
        await hint(manager, callback, "error-pairs-no-pair")
        return
    manager.dialog_data["order_pairs"] = chosen
    await manager.switch_to(S.order_input)


async def on_order_text(message: Message, manager: DialogManager, value: Any) -> None:
    number, on = value
    views = await services_of(manager).pairs.record_order(
        actor_of(manager), [int(p) for p in manager.dialog_data.get("order_pairs", [])], number, on
    )
    await manager.find("order_pick").reset_checked()  # type: ignore[union-attr]
    await message.answer(
        text_of(
            manager,
            "pairs-order-recorded",
            number=number,
            date=on.strftime("%d.%m.%Y"),
            count=len(views),
        )
    )
    await manager.switch_to(S.people, show_mode=ShowMode.SEND)


# --- «✨ Предложения»: everyone's best mentor, proposed and approved together ------------

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


# --- the stage --------------------------------------------------------------------------


async def stage_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    programme = await services_of(dialog_manager).programmes.get(
        actor_of(dialog_manager), programme_id(dialog_manager)
    )
    return {
        "body": i18n_of(dialog_manager).get(
            "pairs-stage-title", stage=stage_name(dialog_manager, programme.stage)
        ),
        "stages": [
            {
                "id": i,
                "label": ("• " if s == programme.stage else "")
                + label_of(dialog_manager, f"stage-{s.replace('_', '-')}"),
            }
            for i, s in enumerate(STAGES)
        ],
    }


async def on_stage(callback: CallbackQuery, _w: Any, manager: DialogManager, item_id: int) -> None:
    if not 0 <= item_id < len(STAGES):
        await hint(manager, callback, "error-programme-stage")
        return
    view = await services_of(manager).programmes.set_stage(
        actor_of(manager), programme_id(manager), STAGES[item_id]
    )
    await callback.answer(
        label_of(
            manager,
            "pairs-stage-moved",
            200,
            stage=label_of(manager, f"stage-{view.stage.replace('_', '-')}"),
        )
    )
    await manager.switch_to(S.people)


def multiselect(widget_id: str, items: str) -> Group:
    scroll_id = f"{widget_id}_pages"
    return Group(
        ScrollingGroup(
            Multiselect(
                Format("✅ {item[label]}"),
                Format("{item[label]}"),
                id=widget_id,
                item_id_getter=lambda item: item["id"],
                items=items,
                type_factory=int,
            ),
            id=scroll_id,
            width=1,
            height=8,
            hide_pager=True,
        ),
        Pager(scroll=scroll_id, id=f"{widget_id}_pager"),
    )


def back(state: Any) -> SwitchTo:
    return SwitchTo(T("button-back"), id=f"back_{state.state.split(':')[-1]}", state=state)


def pairs_dialog() -> Dialog:
    return Dialog(
        Window(
            T("pairs-choose-programme", when="has_programmes"),
            T("pairs-no-programmes", when="no_programmes"),
            paged_select("{item[label]}", "programme_pick", "programmes", on_programme),
            back_to_menu(T("button-back")),
            buttons_only(),
            state=S.programme,
            getter=programmes_getter,
        ),
        Window(
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
        ),
        Window(
            T("pairs-categories-title"),
            paged_select("{item[label]}", "category_pick", "categories", on_category),
            back(S.people),
            buttons_only(),
            state=S.categories,
            getter=categories_getter,
        ),
        Window(
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
            SwitchTo(
                T("pairs-button-group"), id="to_group", state=S.pick_mentees, when="is_mentor"
            ),
            back(S.people),
            buttons_only(),
            state=S.person,
            getter=person_getter,
        ),
        Window(
            T("pairs-pick-mentor"),
            paged_select("{item[label]}", "hand_pick", "mentors", on_hand_pick),
            back(S.person),
            buttons_only(),
            state=S.pick_mentor,
            getter=mentors_getter,
        ),
        Window(
            T("pairs-pick-mentees"),
            multiselect("group_pick", "free_mentees"),
            Button(T("pairs-button-done"), id="group_done", on_click=on_group_done),
            back(S.person),
            buttons_only(),
            state=S.pick_mentees,
            getter=mentees_getter,
        ),
        Window(
            T("pairs-pick-offer"),
            multiselect("offer_pick", "pool"),
            Button(T("pairs-button-done"), id="offer_done", on_click=on_offer_done),
            back(S.person),
            buttons_only(),
            state=S.offer,
            getter=offer_getter,
        ),
        Window(
            Html("{body}"),
            Button(T("pairs-button-propose"), id="propose", on_click=on_propose),
            back(S.person),
            buttons_only(),
            state=S.confirm,
            getter=confirm_getter,
        ),
        Window(
            Html("{body}"),
            paged_select("{item[label]}", "pair_pick", "pair_items", on_pair),
            back(S.people),
            buttons_only(),
            state=S.pairs,
            getter=pairs_getter,
        ),
        Window(
            Html("{body}"),
            Button(
                T("pairs-button-activate"), id="activate", on_click=on_activate, when="is_proposed"
            ),
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
        ),
        Window(
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
        ),
        Window(
            T("pairs-end-note-ask"),
            validated_text("end_note", lambda text: clean_text(text, NOTE_MAX), on_end_note),
            back(S.end_reason),
            state=S.end_note,
        ),
        Window(
            T("pairs-pick-mentor"),
            paged_select("{item[label]}", "replace_pick", "mentors", on_replace),
            back(S.pair),
            buttons_only(),
            state=S.replace,
            getter=mentors_getter,
        ),
        Window(
            T("pairs-order-pick", when="has_items"),
            T("pairs-order-none", when="no_items"),
            multiselect("order_pick", "order_items"),
            Button(
                T("pairs-button-done"), id="order_done", on_click=on_order_picked, when="has_items"
            ),
            back(S.people),
            buttons_only(),
            state=S.order_pick,
            getter=order_getter,
        ),
        Window(
            T("pairs-order-ask"),
            validated_text("order_text", parse_order, on_order_text),
            back(S.order_pick),
            state=S.order_input,
        ),
        Window(
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
        ),
        Window(
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
        ),
        Window(
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
        ),
        on_start=on_start,
    )


async def start_pairs(manager: DialogManager) -> None:
    await manager.start(S.programme, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
