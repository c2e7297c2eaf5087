"""Simulated Telegram users and the bot messages they see in their private chat."""

from __future__ import annotations

import asyncio
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .html_check import utf16_len

if TYPE_CHECKING:
    from .server import FakeTelegram

__all__ = ["FakeUser", "MessagePredicate", "SentMessage"]

_COMMAND_RE = re.compile(r"(?:(?<=\s)|^)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


@dataclass
class SentMessage:
    """A message the bot sent into a user's private chat, kept up to date on edits.

    ``text`` / ``caption`` are exactly what the bot sent (HTML tags included when
    ``parse_mode`` is HTML); ``plain`` is what the user actually sees.
    """

    message_id: int
    chat_id: int
    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    document: tuple[str, bytes] | None = None
    photo: bytes | None = None
    edits: int = 0
    deleted: bool = False
    # extras beyond the basic contract
    plain: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    file_id: str | None = None
    mime_type: str | None = None
    date: int = 0
    edit_date: int | None = None
    history: list[str] = field(default_factory=list)  # previous bodies, oldest first
    seq: int = 0  # global order of the latest change (send or edit)

    @property
    def body(self) -> str:
        return self.text or self.caption or ""

    @property
    def is_media(self) -> bool:
        return self.document is not None or self.photo is not None

    def inline_buttons(self) -> list[list[dict[str, Any]]]:
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or []
        return [list(row) for row in rows]

    def button_rows(self) -> list[list[str]]:
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [[b if isinstance(b, str) else str(b.get("text", "")) for b in row] for row in rows]

    def buttons(self) -> list[str]:
        return [label for row in self.button_rows() for label in row]

    def describe(self) -> str:
        """One line for assertion messages."""
        state = " [deleted]" if self.deleted else ""
        body = self.plain or self.body
        if self.document is not None:
            body = f"[document {self.document[0]}] {body}"
        elif self.photo is not None:
            body = f"[photo] {body}"
        if len(body) > 120:
            body = body[:117] + "..."
        buttons = " ".join("[" + " | ".join(row) + "]" for row in self.button_rows())
        return f"#{self.message_id}{state}: {body!r} {buttons}".rstrip()


MessagePredicate = Callable[[SentMessage], bool] | str | None


def _as_predicate(predicate: MessagePredicate) -> Callable[[SentMessage], bool]:
    if predicate is None:
        return lambda _m: True
    if isinstance(predicate, str):
        needle = predicate
        return lambda m: needle in m.body or needle in m.plain
    return predicate


class FakeUser:
    """A Telegram user chatting with the bot in a private chat."""

    def __init__(
        self,
        fake: FakeTelegram,
        user_id: int,
        first_name: str = "Test",
        *,
        language_code: str | None = "ru",
        username: str | None = None,
        last_name: str | None = None,
    ) -> None:
        self._fake = fake
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.messages: list[SentMessage] = []
        self.blocked = False
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_actions: list[str] = []
        self.reply_keyboard: list[list[str]] | None = None
        self.incoming: dict[int, dict[str, Any]] = {}  # the user's own messages by id
        self._last_message_id = 0
        self._last_action_seq = 0

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"

    # -- JSON shapes -----------------------------------------------------------------
    def user_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    def next_message_id(self) -> int:
        self._last_message_id += 1
        return self._last_message_id

    def bot_message(self, message_id: int) -> SentMessage | None:
        """The live (not deleted) bot message with this id, if any."""
        for message in self.messages:
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    # -- what the user sees ------------------------------------------------------------
    @property
    def last(self) -> SentMessage | None:
        for message in reversed(self.messages):
            if not message.deleted:
                return message
        return None

    def texts(self) -> list[str]:
        return [m.body for m in self.messages if not m.deleted]

    def transcript(self) -> str:
        """Readable dump of the chat (bot messages), for assertion messages and debugging."""
        if not self.messages:
            return "  (no bot messages)"
        return "\n".join("  " + m.describe() for m in self.messages)

    def block(self) -> None:
        self.blocked = True

    def unblock(self) -> None:
        self.blocked = False

    # -- actions -----------------------------------------------------------------------
    def _ensure_can_act(self) -> None:
        if self.blocked:
            raise AssertionError(f"{self!r} has blocked the bot; call unblock() first")

    async def send(self, text: str) -> None:
        """Send a text message; ``/commands`` get ``bot_command`` entities like in Telegram."""
        self._ensure_can_act()
        message = self._new_message()
        message["text"] = text
        entities = [
            {
                "type": "bot_command",
                "offset": utf16_len(text[: m.start()]),
                "length": utf16_len(m.group()),
            }
            for m in _COMMAND_RE.finditer(text)
        ]
        if entities:
            message["entities"] = entities
        await self._fake.deliver_message(self, message)

    async def send_document(
        self,
        filename: str,
        content: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> None:
        self._ensure_can_act()
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self._fake.store_file(content, kind="document", file_name=filename, mime_type=mime)
        message = self._new_message()
        message["document"] = stored.document_json()
        if caption:
            message["caption"] = caption
        await self._fake.deliver_message(self, message)

    async def send_photo(self, content: bytes, *, caption: str | None = None) -> None:
        self._ensure_can_act()
        stored = self._fake.store_file(content, kind="photo", file_name=None, mime_type=None)
        message = self._new_message()
        message["photo"] = stored.photo_json()
        if caption:
            message["caption"] = caption
        await self._fake.deliver_message(self, message)

    def _new_message(self) -> dict[str, Any]:
        return {
            "message_id": self.next_message_id(),
            "date": self._fake.now(),
            "chat": self.chat_json(),
            "from": self.user_json(),
        }

    def find_button(
        self, label: str, *, message: SentMessage | None = None
    ) -> tuple[SentMessage, dict[str, Any]]:
        """Locate an inline button: exact label first (newest message first), then substring."""
        if message is not None:
            if message.deleted:
                raise AssertionError(f"message #{message.message_id} was deleted by the bot")
            candidates = [message]
        else:
            candidates = [m for m in reversed(self.messages) if not m.deleted]
        for exact in (True, False):
            for candidate in candidates:
                hits = [
                    button
                    for row in candidate.inline_buttons()
                    for button in row
                    if (button.get("text") == label if exact else label in button.get("text", ""))
                ]
                if len(hits) == 1:
                    return candidate, hits[0]
                if len(hits) > 1:
                    labels = [str(b.get("text")) for b in hits]
                    raise AssertionError(
                        f"button {label!r} is ambiguous in message #{candidate.message_id}: "
                        f"matches {labels}"
                    )
        visible = [m.describe() for m in candidates if m.inline_buttons()]
        listing = "\n".join("  " + line for line in visible) or "  (no inline buttons)"
        raise AssertionError(
            f"no inline button {label!r} for {self!r}; visible buttons:\n{listing}"
        )

    async def press(self, label: str, *, message: SentMessage | None = None) -> None:
        """Press the inline button labelled ``label`` (exact match, else substring)."""
        self._ensure_can_act()
        target, button = self.find_button(label, message=message)
        data = button.get("callback_data")
        if data is None:
            kinds = [k for k in button if k != "text"]
            raise AssertionError(
                f"button {button.get('text')!r} in message #{target.message_id} is not a "
                f"callback button (it has {kinds})"
            )
        await self._fake.deliver_callback(self, target, str(data))

    async def press_data(self, data: str, *, message: SentMessage) -> None:
        """Send a callback query with arbitrary (possibly forged) data for ``message``."""
        self._ensure_can_act()
        await self._fake.deliver_callback(self, message, data)

    async def wait_message(
        self,
        predicate: MessagePredicate = None,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> SentMessage:
        """Wait for a bot message sent or edited after this user's last action.

        ``predicate`` is a callable, a substring of the body, or None (any message).
        Returns the earliest matching change.
        """
        check = _as_predicate(predicate)
        since = self._last_action_seq
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            fresh = sorted(
                (m for m in self.messages if m.seq > since and not m.deleted),
                key=lambda m: m.seq,
            )
            for message in fresh:
                if check(message):
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"no bot message for {self!r} matching {predicate!r} within {timeout}s "
                    f"after the last action; chat:\n{self.transcript()}"
                )
            await self._fake.wait_change(remaining)

    def mark_action(self, seq: int) -> None:
        self._last_action_seq = seq
