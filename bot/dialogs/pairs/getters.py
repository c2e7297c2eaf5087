"""The `/pairs` windows' getters: programmes, people with filters and counts, a person's
card with suggested mentors, the pickers, pairs and a pair's card, the order, the stage."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager
from markupsafe import Markup

from bot.dialogs.paging import label_of, shorten
from bot.dialogs.pairs.common import (
    PERSON_ICONS,
    curator_programmes,
    minor_contacts,
    pair_labels,
    person_row,
    programme_contacts,
    programme_id,
    render_reason,
    stage_name,
)
from bot.dialogs.widgets import actor_of, i18n_of, services_of
from bot.services.pairs import END_REASONS, FILTERS, Gap, PairView
from bot.services.programmes import STAGES

SUGGESTIONS_SHOWN = 5
OFFER_POOL = 10


async def programmes_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    items = await curator_programmes(dialog_manager)
    return {"programmes": items, "has_programmes": bool(items), "no_programmes": not items}


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
        *gap_lines(dialog_manager, gaps),
        i18n.get(
            "pairs-filter-title", filter=filter_name(dialog_manager, chosen), count=len(shown)
        ),
    ]
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
    return {
        "body": Markup("\n").join(lines),
        "people": people,
        "pairs_label": label_of(dialog_manager, "pairs-button-pairs", count=len(pairs)),
        "has_free": counts["no_pair"] > 0,
        **people_buttons(dialog_manager, has_minors, counts),
    }


def gap_lines(manager: DialogManager, gaps: list[Gap]) -> list[Any]:
    """«Чего не хватает»: a line per stage's gap, under a title; none when nothing lacks."""
    if not gaps:
        return []
    i18n = i18n_of(manager)
    lines: list[Any] = [i18n.get("pairs-gaps-title")]
    for gap in gaps:
        lines.append(
            i18n.get(
                "pairs-gap-line",
                stage=stage_name(manager, gap.stage),
                what=i18n.get(f"pairs-gap-{gap.key}", count=gap.count),
            )
        )
    return lines


def filter_name(manager: DialogManager, chosen: str) -> str:
    i18n = i18n_of(manager)
    if chosen.startswith("cat:"):
        category = services_of(manager).catalog.category(chosen[4:])
        return i18n.get(
            "pairs-filter-name-category",
            name=category.name(i18n.locale) if category else chosen[4:],
        )
    return i18n.get(f"pairs-filter-name-{chosen}")


def people_buttons(
    manager: DialogManager, has_minors: bool, counts: dict[str, int]
) -> dict[str, Any]:
    """The labels of the people window's filter and switch buttons."""
    filters = {
        f"f_{key}": label_of(manager, f"pairs-filter-{key}", count=counts[key])
        for key in (*FILTERS, "all")
    }
    return {
        "contacts_label": label_of(
            manager,
            "pairs-button-contacts-on"
            if programme_contacts(manager)
            else "pairs-button-contacts-off",
        ),
        # A programme with children: may their mentors write to them directly (off by default)?
        "has_minors": has_minors and programme_contacts(manager),
        "minor_contact_label": label_of(
            manager,
            "pairs-button-minor-contact-on"
            if minor_contacts(manager)
            else "pairs-button-minor-contact-off",
        ),
        **filters,
    }


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


async def reasons_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "reasons": [
            {"id": i, "label": label_of(dialog_manager, f"pairs-end-reason-{key}")}
            for i, key in enumerate(END_REASONS)
        ]
    }


async def order_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    views = await services_of(dialog_manager).pairs.of_programme(
        actor_of(dialog_manager), programme_id(dialog_manager), ("proposed", "active")
    )
    items = [
        {"id": v.id, "label": label} for v, label in zip(views, pair_labels(views), strict=True)
    ]
    return {"order_items": items, "has_items": bool(items), "no_items": not items}


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
