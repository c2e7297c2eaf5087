"""The text of a notification, rendered at send time in the recipient's language."""

from __future__ import annotations

from typing import Any

from aiogram_i18n.cores.base import BaseCore
from markupsafe import Markup

from bot.i18n import pick_locale
from bot.services.meetings import MESSAGES as MEETING_MESSAGES
from bot.services.outbox import Delivery, Item
from bot.services.pair_notices import MESSAGES as PAIR_MESSAGES
from bot.services.plan_notices import KIND as PLAN_KIND
from bot.services.plan_notices import MESSAGE as PLAN_MESSAGE

# kind -> the Fluent message of a single notification.
MESSAGES = {
    "guardian-confirmed": "consent-guardian-confirmed-child",
    "paper-consent": "consent-paper-marked",
    "withdrawal": "curator-participant-withdrew",
    "withdrawn-goodbye": "consent-withdrawn-child-told",
    "survey-invite": "survey-invite-message",
    "survey-reminder": "survey-reminder-message",
    **PAIR_MESSAGES,
    PLAN_KIND: PLAN_MESSAGE,
}
MESSAGES.update(MEETING_MESSAGES)  # bot/services/meetings.py queues these kinds
SUMMARY_NAMES_MAX = 30


class Renderer:
    """Arguments are stored raw; the i18n core (bot.i18n.HtmlFluentCore) escapes them, and
    pieces composed here are `Markup`, so nothing is escaped twice."""

    def __init__(self, core: BaseCore[Any], default_locale: str) -> None:
        self.core = core
        self.default_locale = default_locale

    def locale_of(self, delivery: Delivery) -> str:
        return pick_locale(delivery.locale, delivery.telegram_locale, self.default_locale)

    def text(self, delivery: Delivery) -> str:
        locale = self.locale_of(delivery)
        if delivery.batch is not None:
            family = delivery.batch.split(":", 1)[0]
            if family == "school":
                return self._school_summary(delivery.items, locale)
            if family == "unreachable":
                return self._unreachable_summary(delivery.items, locale)
        item = delivery.items[0]
        if item.kind == PLAN_KIND:
            return self._plan_changes(item.args, locale)
        return self._get(MESSAGES[item.kind], locale, **item.args)

    def _plan_changes(self, args: dict[str, Any], locale: str) -> str:
        """The plan edits gathered in one message, one line each."""
        young = str(args.get("young", "no"))
        lines = []
        for change in args.get("changes") or []:
            status = str(change.get("status", "planned"))
            lines.append(
                self._get(
                    "plan-notice-line",
                    locale,
                    what=str(change.get("what", "added")),
                    kind=self._get(f"plan-kind-{change.get('kind', 'task')}", locale),
                    title=str(change.get("title", "")),
                    status=self._get(f"plan-status-{status}", locale),
                )
            )
        more = int(args.get("more") or 0)
        if more:
            lines.append(self._get("delivery-more", locale, count=more))
        head = self._get(
            PLAN_MESSAGE, locale, by=str(args.get("by", "")), young=young, count=len(lines)
        )
        return Markup("\n").join([head, *lines])

    def _get(self, key: str, locale: str, **args: Any) -> str:
        return self.core.get(key, locale, **args)

    def _names(self, items: list[Item], locale: str) -> Markup:
        names: list[Markup] = []
        for item in items[:SUMMARY_NAMES_MAX]:
            name = item.args.get("name") or self._get("delivery-no-name", locale)
            role = item.args.get("role")
            if role:
                name = Markup("{} ({})").format(name, self._get(f"staff-role-{role}", locale))
            names.append(Markup("{}").format(name))
        text = Markup(", ").join(names)
        if len(items) > SUMMARY_NAMES_MAX:
            more = self._get("delivery-more", locale, count=len(items) - SUMMARY_NAMES_MAX)
            text = Markup("{} {}").format(text, more)
        return text

    def _school_summary(self, items: tuple[Item, ...], locale: str) -> str:
        school = str(items[0].args.get("school", ""))
        lines = [self._get("delivery-school-summary-title", locale, school=school)]
        registered = [i for i in items if i.kind == "registered"]
        confirmed = [i for i in items if i.kind == "guardian-confirmed-curator"]
        if registered:
            names = self._names(registered, locale)
            lines.append(
                self._get(
                    "delivery-school-registered",
                    locale,
                    count=len(registered),
                    names=names,
                )
            )
        if confirmed:
            names = self._names(confirmed, locale)
            lines.append(
                self._get(
                    "delivery-school-confirmed",
                    locale,
                    count=len(confirmed),
                    names=names,
                )
            )
        return Markup("\n").join(lines)

    def _unreachable_summary(self, items: tuple[Item, ...], locale: str) -> str:
        names = self._names(list(items), locale)
        school = str(items[0].args.get("school", ""))
        return self._get(
            "delivery-unreachable-summary",
            locale,
            count=len(items),
            names=names,
            school=school,
        )
