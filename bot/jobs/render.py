"""The text of a notification, rendered at send time in the recipient's language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiogram_i18n.cores.base import BaseCore
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import pick_locale, plain_text
from bot.jobs.parts import Button, Part
from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.hub import ServiceSettings
from bot.services.meetings import MESSAGES as MEETING_MESSAGES
from bot.services.meetings import STARTS_AT_ARG
from bot.services.outbox import Delivery, Item
from bot.services.pair_notices import CURATOR_KIND
from bot.services.pair_notices import MESSAGES as PAIR_MESSAGES
from bot.services.plan_notices import KIND as PLAN_KIND
from bot.services.plan_notices import MESSAGE as PLAN_MESSAGE
from bot.services.recognition import MESSAGES as RECOGNITION_MESSAGES

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
MESSAGES.update(MEETING_MESSAGES)  # bot/services/meetings/ queues these kinds
MESSAGES.update(RECOGNITION_MESSAGES)  # bot/services/recognition.py
SUMMARY_NAMES_MAX = 30
PLAN_TITLE_SHOWN = 80  # a gathered plan notice of 20 changes stays far under 4096


def shorten_title(title: str) -> str:
    return title if len(title) <= PLAN_TITLE_SHOWN else title[: PLAN_TITLE_SHOWN - 1] + "…"


# A notification's arguments may ask for buttons under this key:
# [[{"label": "<fluent key>", "open": "<target>", "id": <int>}, ...], ...] — one list per row.
# Each becomes a callback button `open:<target>:<id>` handled in bot/handlers/open.py.
BUTTONS_ARG = "_buttons"


@dataclass(frozen=True)
class RenderContext:
    """What a rich builder may use: the database (short read transactions only, closed
    before anything slow), the clock, and texts in the recipient's language."""

    sessions: async_sessionmaker[AsyncSession] | None
    clock: Clock
    core: BaseCore[Any]
    default_timezone: str
    # Who is an admin, the catalog and the questionnaires (reports re-check access with it).
    settings: ServiceSettings = field(default_factory=ServiceSettings)

    def get(self, key: str, locale: str, **args: Any) -> str:
        return self.core.get(key, locale, **args)

    def plain(self, key: str, locale: str, **args: Any) -> str:
        """Text Telegram shows unparsed: button labels, file names (captions are HTML)."""
        return plain_text(self.core, key, locale, **args)


# A rich kind is built at send time into several parts (text, a picture, files).
RichBuilder = Callable[[RenderContext, Delivery, str], Awaitable[list[Part]]]
RICH: dict[str, RichBuilder] = {}


def register_rich(kind: str, builder: RichBuilder) -> None:
    RICH[kind] = builder


class Renderer:
    """Arguments are stored raw; the i18n core (bot.i18n.HtmlFluentCore) escapes them, and
    pieces composed here are `Markup`, so nothing is escaped twice."""

    def __init__(
        self,
        core: BaseCore[Any],
        default_locale: str,
        *,
        sessions: async_sessionmaker[AsyncSession] | None = None,
        clock: Clock = SYSTEM_CLOCK,
        default_timezone: str = "Europe/Moscow",
        settings: ServiceSettings | None = None,
    ) -> None:
        self.core = core
        self.default_locale = default_locale
        self.context = RenderContext(
            sessions, clock, core, default_timezone, settings or ServiceSettings()
        )

    def locale_of(self, delivery: Delivery) -> str:
        return pick_locale(delivery.locale, delivery.telegram_locale, self.default_locale)

    async def parts(self, delivery: Delivery) -> list[Part]:
        """Everything to send for this delivery, in order."""
        if delivery.batch is None and delivery.items[0].kind in RICH:
            builder = RICH[delivery.items[0].kind]
            return await builder(self.context, delivery, self.locale_of(delivery))
        return [Part(text=self.text(delivery), buttons=self.buttons(delivery))]

    def buttons(self, delivery: Delivery) -> tuple[tuple[Button, ...], ...]:
        if delivery.batch is not None:
            return ()
        locale = self.locale_of(delivery)
        rows = delivery.items[0].args.get(BUTTONS_ARG) or []
        return tuple(
            tuple(
                Button(
                    label=plain_text(self.core, str(b["label"]), locale),
                    callback_data=f"open:{b['open']}:{int(b['id'])}",
                )
                for b in row
            )
            for row in rows
        )

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
        if item.kind == CURATOR_KIND and "changes" in item.args:
            return self._curator_changes(item.args, locale)
        args = {k: v for k, v in item.args.items() if k != BUTTONS_ARG}
        if STARTS_AT_ARG in args:
            args["left"] = self._time_left(str(args.pop(STARTS_AT_ARG)), locale)
        elif item.kind == "meeting-reminder-1h":  # queued before it carried the start
            args["left"] = self._get("time-left-hour", locale)
        return self._get(MESSAGES[item.kind], locale, **args)

    def _time_left(self, starts_at: str, locale: str) -> str:
        """«час», «40 мин», «2 ч 10 мин»: from now (the moment of sending) to `starts_at`."""
        start = datetime.fromisoformat(starts_at)
        minutes = max(round((start - self.context.clock.now()).total_seconds() / 60), 1)
        if 55 <= minutes <= 65:
            return self._get("time-left-hour", locale)
        if minutes < 60:
            return self._get("time-left-minutes", locale, minutes=minutes)
        hours, rest = divmod(minutes, 60)
        return self._get("time-left-hours", locale, hours=hours, minutes=rest)

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
                    title=shorten_title(str(change.get("title", ""))),
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

    def _curator_changes(self, args: dict[str, Any], locale: str) -> str:
        """A colleague's pair changes of the hour in one message, a line per pair."""
        changes = list(args.get("changes") or [])
        lines = [
            self._get(
                "pairs-notice-changed-curator-line",
                locale,
                by=str(c.get("by", "")),
                event=str(c.get("event", "")),
                programme=str(c.get("programme", "")),
                mentor=str(c.get("mentor", "")),
                mentees=str(c.get("mentees", "")),
                old=str(c.get("old", "")),
            )
            for c in changes
        ]
        hidden = len(args.get("hidden") or [])
        if hidden:
            lines.append(self._get("delivery-more", locale, count=hidden))
        head = self._get("pairs-notice-changed-curator-head", locale, count=len(changes) + hidden)
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
