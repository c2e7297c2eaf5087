"""What the `/pairs` getters and handlers share: the programme in the dialog's data, a
person's roster row, a reason or a stage in words, and a pair's short label."""

from __future__ import annotations

from collections import Counter
from typing import Any

from aiogram_dialog import DialogManager
from markupsafe import Markup

from bot.dialogs.paging import LABEL_MAX, shorten
from bot.dialogs.states import Pairs
from bot.dialogs.widgets import actor_of, i18n_of, services_of, text_of
from bot.services.errors import DomainError
from bot.services.matching import Label, Reason, Topic
from bot.services.pairs import PairView

S = Pairs
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


async def curator_programmes(manager: DialogManager) -> list[dict[str, Any]]:
    services = services_of(manager)
    actor = actor_of(manager)
    items = []
    for school_id in sorted({r.organisation_id for r in actor.active("curator")}):
        for p in await services.programmes.list_for_school(actor, school_id):
            items.append({"id": p.id, "label": shorten(p.name)})
    return items


def programme_contacts(manager: DialogManager) -> bool:
    return bool(manager.dialog_data.get("contact_sharing", True))


def minor_contacts(manager: DialogManager) -> bool:
    return bool(manager.dialog_data.get("minor_contact", False))


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
