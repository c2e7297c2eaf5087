"""A fake Telegram Bot API server (aiohttp) that a real aiogram bot talks to over HTTP.

Two ways to drive it:

* flow mode: set ``update_sink`` (e.g. ``lambda u: dp.feed_raw_update(bot, u)``); user
  actions then call it directly and return once the bot has handled the update;
* end-to-end mode: leave ``update_sink`` as None; user actions queue updates that the bot
  fetches with ``getUpdates`` (long polling), and tests wait with ``wait_message`` /
  ``wait_idle``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import struct
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from .html_check import EntityParseError, ParsedText, parse_html, strip_text
from .user import FakeUser, SentMessage

__all__ = [
    "ApiError",
    "Call",
    "FakeTelegram",
    "StoredFile",
    "UploadedFile",
    "make_callback_update",
    "make_message_update",
]

UpdateSink = Callable[[dict[str, Any]], Awaitable[Any]]
Handler = Callable[["Params"], Awaitable[Any]]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_ANSWER_LIMIT = 200
DOWNLOAD_LIMIT = 20 * 1024 * 1024
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"

_JSON_KEYS = frozenset(
    [
        "reply_markup",
        "scope",
        "commands",
        "allowed_updates",
        "entities",
        "caption_entities",
        "menu_button",
        "link_preview_options",
        "media",
        "reply_parameters",
        "message_ids",
    ]
)
_INT_KEYS = frozenset(
    [
        "chat_id",
        "from_chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "user_id",
        "message_thread_id",
        "reply_to_message_id",
        "max_connections",
    ]
)
_BOOL_KEYS = frozenset(
    [
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "allow_paid_broadcast",
    ]
)
_BUTTON_ACTIONS = tuple(
    [
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    ]
)
_CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
_SCOPE_TYPES = frozenset(
    [
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    ]
)
_DEFAULT_UPDATE_TYPES_EXCLUDED = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")
_URL_RE = re.compile(r"(?:(?:https?|tg|ton)://)?[^\s/$.?#][^\s]*", re.IGNORECASE)


# --------------------------------------------------------------------------------------
# small value types
# --------------------------------------------------------------------------------------
@dataclass
class Call:
    """One Bot API request as the server saw it (``params`` decoded from the form)."""

    method: str
    params: dict[str, Any]
    at: float
    ok: bool = True
    error: str | None = None
    result: Any = None


@dataclass(frozen=True)
class UploadedFile:
    """A file part uploaded with a request (``InputFile`` on the aiogram side)."""

    filename: str
    content: bytes
    mime_type: str | None = None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    kind: str  # "document" | "photo"
    file_name: str | None
    mime_type: str | None
    file_path: str
    width: int = 0
    height: int = 0

    def document_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data

    def photo_json(self) -> list[dict[str, Any]]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": len(self.content),
                "width": self.width,
                "height": self.height,
            }
        ]


class ApiError(Exception):
    """Turned into a Telegram-style error answer."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            data["parameters"] = {"retry_after": self.retry_after}
        return data


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class _Injection:
    error_code: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class _CallbackState:
    user_id: int
    answered: bool = False


@dataclass
class Params:
    """Decoded request parameters; ``values`` is what ends up in :attr:`Call.params`."""

    values: dict[str, Any]
    uploads: dict[str, UploadedFile] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def string(self, key: str) -> str | None:
        value = self.values.get(key)
        return None if value is None else str(value)

    def integer(self, key: str) -> int | None:
        value = self.values.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"invalid {key} specified")
        return value


# --------------------------------------------------------------------------------------
# update builders (used by FakeUser through FakeTelegram)
# --------------------------------------------------------------------------------------
def make_message_update(update_id: int, message: dict[str, Any]) -> dict[str, Any]:
    return {"update_id": update_id, "message": message}


def make_callback_update(
    update_id: int,
    *,
    query_id: str,
    from_user: dict[str, Any],
    message: dict[str, Any],
    data: str,
    chat_instance: str,
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": query_id,
            "from": from_user,
            "message": message,
            "chat_instance": chat_instance,
            "data": data,
        },
    }


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _image_size(content: bytes) -> tuple[int, int]:
    """Width/height of a PNG or JPEG; a plausible default for anything else."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                i += 1
                continue
            marker = content[i + 1]
            length = int.from_bytes(content[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return 512, 512


def _inline_rows(markup: dict[str, Any] | None) -> list[Any] | None:
    """The inline keyboard of a markup, None when there is none (or it is empty)."""
    if not markup:
        return None
    rows = markup.get("inline_keyboard")
    return rows or None


# --------------------------------------------------------------------------------------
# the server
def _update_user_id(update: dict[str, Any]) -> int:
    for value in update.values():
        if isinstance(value, dict) and isinstance(value.get("from"), dict):
            return int(value["from"]["id"])
    return 0


# --------------------------------------------------------------------------------------
class FakeTelegram:
    def __init__(
        self,
        token: str = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz",
        bot_username: str = "nastavnik_test_bot",
        *,
        bot_first_name: str = "Наставник",
        strict_html_ampersand: bool = True,
        latency: float = 0.0,
        rate_limit_per_second: float | None = None,
    ) -> None:
        self.token = token
        # Seconds every Bot API call (but getUpdates) takes, like a slow Telegram; settable.
        self.latency = latency
        # Like Telegram's ~30 messages/s per bot: more sends in any one second get 429.
        self.rate_limit_per_second = rate_limit_per_second
        self.rate_limited = 0  # 429s answered because of that limit
        self._recent_sends: deque[float] = deque()
        self._hangs: dict[str, list[list[float]]] = {}
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.strict_html_ampersand = strict_html_ampersand
        self.base_url = ""
        self.update_sink: UpdateSink | None = None

        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []  # every update ever produced, in order
        self.files: dict[str, bytes] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.bot_profile: dict[tuple[str, str], str] = {}
        self.webhook_url = ""
        self.webhook_secret = ""
        # Webhook mode: where updates are posted (like a reverse proxy in front of several
        # processes: round robin over these addresses); None = webhook_url itself.
        self.webhook_targets: list[str] | None = None
        self.webhook_retry_seconds = 0.3
        # (update_id, target, HTTP status or 0 for a connection error) of every post.
        self.webhook_posts: list[tuple[int, str, int]] = []
        self._pusher: asyncio.Task[None] | None = None
        self._posting: set[int] = set()  # update ids being posted now
        self._chats_posting: set[int] = set()  # users with an update being posted now
        self._round_robin = itertools.count()
        self._post_tasks: set[asyncio.Task[None]] = set()
        self.internal_errors: list[BaseException] = []  # unexpected exceptions in handlers

        self._users: dict[int, FakeUser] = {}
        self._stored: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._callbacks: dict[str, _CallbackState] = {}
        self._injections: dict[str, list[_Injection]] = {}
        self._queue: list[dict[str, Any]] = []
        self._allowed_updates: list[str] | None = None
        self._delivered_upto = 0
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._poll_generation = 0
        self._polls_waiting = 0
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._handlers: dict[str, Handler] = {
            name.lower(): handler
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "close": self._ok,
                "logOut": self._ok,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "editMessageMedia": self._edit_message_media,
                "deleteMessage": self._delete_message,
                "deleteMessages": self._delete_messages,
                "answerCallbackQuery": self._answer_callback_query,
                "sendDocument": self._send_document,
                "sendPhoto": self._send_photo,
                "sendChatAction": self._send_chat_action,
                "copyMessage": self._copy_message,
                "getChat": self._get_chat,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setChatMenuButton": self._set_chat_menu_button,
                "getChatMenuButton": self._get_chat_menu_button,
                "setMyDescription": self._profile_setter("description"),
                "getMyDescription": self._profile_getter("description"),
                "setMyShortDescription": self._profile_setter("short_description"),
                "getMyShortDescription": self._profile_getter("short_description"),
                "setMyName": self._profile_setter("name"),
                "getMyName": self._profile_getter("name"),
                "getFile": self._get_file,
            }.items()
        }

    # ---------------------------------------------------------------- lifecycle
    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._closing = False
        return self.base_url

    async def stop(self) -> None:
        self._closing = True
        self._bump()
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
            self._pusher = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---------------------------------------------------------------- public helpers
    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        language_code: str | None = "ru",
        username: str | None = None,
        last_name: str | None = None,
    ) -> FakeUser:
        """The simulated user with this id (created on first use; same id -> same object)."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        created = FakeUser(
            self,
            user_id,
            first_name,
            language_code=language_code,
            username=username,
            last_name=last_name,
        )
        self._users[user_id] = created
        return created

    @property
    def users(self) -> list[FakeUser]:
        return list(self._users.values())

    def calls_of(self, method: str) -> list[Call]:
        wanted = method.lower()
        return [c for c in self.calls if c.method.lower() == wanted]

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any but getUpdates) fail."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = {
                400: "Bad Request: injected error",
                401: "Unauthorized",
                403: BLOCKED,
                404: "Not Found",
                409: "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, f"Error {error_code}")
        self._injections.setdefault(method.lower(), []).append(
            _Injection(error_code, description, retry_after, times)
        )

    def commands_for(
        self, *, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """Commands stored by setMyCommands for exactly this scope and language."""
        key = (_canonical(scope or {"type": "default"}), language_code)
        return list(self.commands.get(key, []))

    def commands_visible_to(self, user: FakeUser | int) -> list[dict[str, Any]]:
        """The command menu a user sees in the private chat (Telegram's scope fallback)."""
        target = user if isinstance(user, FakeUser) else self.user(user)
        scopes = [
            {"type": "chat", "chat_id": target.id},
            {"type": "all_private_chats"},
            {"type": "default"},
        ]
        languages = [target.language_code or "", ""]
        for scope in scopes:
            for language in dict.fromkeys(languages):
                key = (_canonical(scope), language)
                if key in self.commands:
                    return list(self.commands[key])
        return []

    def unanswered_callbacks(self) -> list[str]:
        return [qid for qid, state in self._callbacks.items() if not state.answered]

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Queued updates not yet confirmed by the bot (end-to-end mode)."""
        return list(self._queue)

    @property
    def is_polling(self) -> bool:
        return self._polls_waiting > 0

    async def wait_polling(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot sits in a getUpdates long poll."""
        await self._wait_for(lambda: self._polls_waiting > 0, timeout, "bot never polled")

    async def wait_idle(self, timeout: float = 10.0, quiet: float = 0.15) -> None:  # noqa: ASYNC109
        """Wait until every queued update was fetched and no API call happened for ``quiet`` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            undelivered = [
                u for u in self._queue if self.webhook_url or u["update_id"] > self._delivered_upto
            ]
            silent_for = time.monotonic() - self._last_activity
            if not undelivered and self._in_flight == 0 and silent_for >= quiet:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"fake Telegram not idle after {timeout}s: {len(undelivered)} update(s) "
                    f"not fetched, {self._in_flight} request(s) in flight"
                )
            step = remaining if undelivered or self._in_flight else quiet - silent_for
            await self.wait_change(max(min(step, remaining), 0.005))

    async def wait_change(self, within: float) -> None:
        """Sleep until something changes (request, message, update) or ``within`` s pass."""
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), within)

    def now(self) -> int:
        return int(time.time())

    # ---------------------------------------------------------------- used by FakeUser
    def store_file(
        self, content: bytes, *, kind: str, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        n = next(self._file_ids)
        prefix = "BQACAgIAAxkBAAI" if kind == "document" else "AgACAgIAAxkBAAI"
        if kind == "photo":
            ext = "png" if content.startswith(b"\x89PNG") else "jpg"
            path = f"photos/file_{n}.{ext}"
            width, height = _image_size(content)
        else:
            suffix = file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else ""
            path = f"documents/file_{n}" + (f".{suffix}" if suffix else "")
            width = height = 0
        stored = StoredFile(
            file_id=f"{prefix}{n:06d}_{kind}",
            file_unique_id=f"AgAD{n:06d}",
            content=content,
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
            file_path=path,
            width=width,
            height=height,
        )
        self._stored[stored.file_id] = stored
        self._by_path[path] = stored
        self.files[stored.file_id] = content
        return stored

    def stored_file(self, file_id: str) -> StoredFile | None:
        return self._stored.get(file_id)

    async def deliver_message(self, user: FakeUser, message: dict[str, Any]) -> None:
        user.incoming[message["message_id"]] = message
        await self._deliver(user, make_message_update(next(self._update_ids), message))

    async def deliver_callback(self, user: FakeUser, message: SentMessage, data: str) -> None:
        query_id = f"{self.bot_id}{next(self._query_ids):012d}"
        self._callbacks[query_id] = _CallbackState(user.id)
        update = make_callback_update(
            next(self._update_ids),
            query_id=query_id,
            from_user=user.user_json(),
            message=self._message_json(user, message),
            data=data,
            chat_instance=f"-{user.id}{self.bot_id}",
        )
        await self._deliver(user, update)

    async def _deliver(self, user: FakeUser, update: dict[str, Any]) -> None:
        user.mark_action(next(self._seq))
        self.updates.append(update)
        if self.update_sink is not None:
            await self.update_sink(update)
            return
        self._queue.append(update)
        self._bump()

    # ---------------------------------------------------------------- plumbing
    def _bump(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _touch(self) -> None:
        self._last_activity = time.monotonic()
        self._bump()

    async def _wait_for(self, predicate: Callable[[], bool], within: float, what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{what} within {within}s")
            await self.wait_change(remaining)

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        is_poll = method.lower() == "getupdates"
        call = Call(method=method, params={}, at=time.monotonic())
        self.calls.append(call)
        if not is_poll:
            self._in_flight += 1
            self._touch()
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            params = await self._read_params(request)
            call.params = params.values
            if self.latency and not is_poll:
                await asyncio.sleep(self.latency)
            await self._take_hang(method)
            self._take_injection(method)
            self._check_rate(method)
            result = await handler(params)
        except ApiError as exc:
            call.ok = False
            call.error = exc.description
            return web.json_response(exc.payload(), status=exc.error_code)
        except Exception as exc:  # a bug in the fake or a malformed request: answer, record
            self.internal_errors.append(exc)
            error = ApiError(500, f"Internal Server Error: {type(exc).__name__}: {exc}")
            call.ok = False
            call.error = error.description
            return web.json_response(error.payload(), status=500)
        finally:
            if not is_poll:
                self._in_flight -= 1
                self._touch()
        call.result = result
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        stored = self._by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    def hang_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` hang ``seconds`` and then fail with 504 (a
        client with a shorter timeout sees a timeout; nothing is delivered)."""
        self._hangs.setdefault(method.lower(), []).append([seconds, times])

    async def _take_hang(self, method: str) -> None:
        queue = self._hangs.get(method.lower())
        if not queue:
            return
        hang = queue[0]
        hang[1] -= 1
        if hang[1] <= 0:
            queue.pop(0)
        await asyncio.sleep(hang[0])
        raise ApiError(504, "Gateway Timeout")

    def _check_rate(self, method: str) -> None:
        # What Telegram counts: messages sent, copied or forwarded (a chat action is none).
        limit = self.rate_limit_per_second
        name = method.lower()
        if (
            limit is None
            or name == "sendchataction"
            or not name.startswith(("send", "copy", "forward"))
        ):
            return
        now = time.monotonic()
        while self._recent_sends and now - self._recent_sends[0] >= 1.0:
            self._recent_sends.popleft()
        if len(self._recent_sends) >= limit:
            self.rate_limited += 1
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        self._recent_sends.append(now)

    def _take_injection(self, method: str) -> None:
        for key in (method.lower(), "*"):
            if key == "*" and method.lower() == "getupdates":
                continue
            queue = self._injections.get(key)
            if not queue:
                continue
            injection = queue[0]
            injection.remaining -= 1
            if injection.remaining <= 0:
                queue.pop(0)
            raise ApiError(injection.error_code, injection.description, injection.retry_after)

    async def _read_params(self, request: web.Request) -> Params:
        raw: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    raw.update(body)
            else:
                form: MultiDictProxy[Any] = await request.post()
                raw.update(form)
        values: dict[str, Any] = {}
        uploads: dict[str, UploadedFile] = {}
        for key, value in raw.items():
            if isinstance(value, web.FileField):
                uploads[key] = UploadedFile(
                    filename=value.filename or key,
                    content=value.file.read(),
                    mime_type=value.content_type,
                )
                values[key] = uploads[key]
            else:
                values[key] = self._decode(key, value)
        for key, value in list(values.items()):
            # top-level fields may be "attach://name"; so may InputMedia JSON's "media" field
            holder, slot = (value, "media") if isinstance(value, dict) else (values, key)
            ref = holder.get(slot)
            if isinstance(ref, str) and ref.startswith("attach://"):
                name = ref.removeprefix("attach://")
                if name not in uploads:
                    raise bad_request(f"file of field {key!r} was not found in the request")
                holder[slot] = uploads[name]
                values.pop(name, None)
        return Params(values, uploads)

    @staticmethod
    def _decode(key: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value  # JSON bodies are already typed
        if key in _JSON_KEYS:
            try:
                return json.loads(value)
            except ValueError:
                if key == "reply_markup":
                    raise bad_request("can't parse reply keyboard markup JSON object") from None
                raise bad_request(f"can't parse {key} JSON object") from None
        if key in _INT_KEYS:
            try:
                return int(value)
            except ValueError:
                return value
        if key in _BOOL_KEYS:
            return value.lower() in ("true", "1")
        return value

    # ---------------------------------------------------------------- shared checks
    def _chat(self, p: Params, key: str = "chat_id") -> FakeUser:
        chat_id = p.get(key)
        if chat_id is None or chat_id == "":
            raise bad_request(f"{key} is empty")
        user = self._users.get(chat_id) if isinstance(chat_id, int) else None
        if user is None:
            raise bad_request("chat not found")
        return user

    def _reachable(self, p: Params, key: str = "chat_id") -> FakeUser:
        user = self._chat(p, key)
        if user.blocked:
            raise ApiError(403, BLOCKED)
        return user

    def _format(self, raw: str, parse_mode: str | None, entities: Any) -> ParsedText:
        mode = (parse_mode or "").lower()
        if isinstance(entities, list):
            parsed = ParsedText(raw, [e for e in entities if isinstance(e, dict)])
        elif mode == "html":
            try:
                parsed = parse_html(raw, strict_ampersand=self.strict_html_ampersand)
            except EntityParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        elif mode in ("", "markdown", "markdownv2"):
            parsed = ParsedText(raw)  # Markdown is accepted but not validated
        else:
            raise bad_request("unsupported parse_mode")
        return strip_text(parsed)

    def _text(self, p: Params, *, too_long: str) -> tuple[str, ParsedText]:
        raw = p.string("text") or ""
        parsed = self._format(raw, p.string("parse_mode"), p.get("entities"))
        if not parsed.text:
            raise bad_request("message text is empty")
        if len(parsed.text) > TEXT_LIMIT:
            raise bad_request(too_long)
        return raw, parsed

    def _caption(self, raw: str | None, p: Params, *, too_long: str) -> ParsedText:
        parsed = self._format(raw or "", p.string("parse_mode"), p.get("caption_entities"))
        if len(parsed.text) > CAPTION_LIMIT:
            raise bad_request(too_long)
        return parsed

    @staticmethod
    def _markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "inline_keyboard" of the '
                    "InlineKeyboardMarkup should be an Array of Arrays"
                )
            buttons = [b for row in rows for b in row]
            if len(buttons) > 100:
                raise bad_request("REPLY_MARKUP_TOO_LONG")
            for button in buttons:
                FakeTelegram._check_inline_button(button)
            return markup
        if inline_only:
            raise bad_request("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request("can't parse reply keyboard markup JSON object")
            for button in (b for row in rows for b in row):
                text = button if isinstance(button, str) else (button or {}).get("text")
                if not isinstance(text, str) or not text.strip():
                    raise bad_request("can't parse keyboard button: Text must be non-empty")
            return markup
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        raise bad_request("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        if not isinstance(button, dict):
            raise bad_request(
                "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
            )
        text = button.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad_request("can't parse inline keyboard button: Text must be non-empty")
        actions = [k for k in _BUTTON_ACTIONS if button.get(k) not in (None, False)]
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        if len(actions) > 1:
            raise bad_request(
                "can't parse inline keyboard button: exactly one of the optional fields must be "
                f"used, got {actions}"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not _URL_RE.fullmatch(url):
                raise bad_request("BUTTON_URL_INVALID")

    def _editable(self, p: Params) -> tuple[FakeUser, SentMessage]:
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline messages are not simulated
        user = self._reachable(p)
        message_id = p.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        message = user.bot_message(message_id)
        if message is None:
            if message_id in user.incoming:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return user, message

    def _touch_message(self, user: FakeUser, message: SentMessage, *, edited: bool) -> None:
        message.seq = next(self._seq)
        if edited:
            message.edits += 1
            message.edit_date = self.now()
        self._bump()

    def _remember_keyboard(self, user: FakeUser, markup: dict[str, Any] | None) -> None:
        if not markup:
            return
        if "keyboard" in markup:
            user.reply_keyboard = [
                [b if isinstance(b, str) else str(b.get("text")) for b in row]
                for row in markup["keyboard"]
            ]
        elif markup.get("remove_keyboard"):
            user.reply_keyboard = None

    def _add_message(self, user: FakeUser, message: SentMessage) -> dict[str, Any]:
        self._remember_keyboard(user, message.reply_markup)
        user.messages.append(message)
        self._touch_message(user, message, edited=False)
        return self._message_json(user, message)

    def _new_message(self, user: FakeUser, p: Params) -> SentMessage:
        return SentMessage(
            message_id=user.next_message_id(),
            chat_id=user.id,
            parse_mode=p.string("parse_mode"),
            date=self.now(),
        )

    def _bot_user_json(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _message_json(self, user: FakeUser, message: SentMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self._bot_user_json(),
            "chat": user.chat_json(),
            "date": message.date,
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        stored = self._stored.get(message.file_id) if message.file_id else None
        if message.text is not None:
            data["text"] = message.plain
            if message.entities:
                data["entities"] = message.entities
        elif stored is not None:
            if message.photo is not None:
                data["photo"] = stored.photo_json()
            else:
                data["document"] = stored.document_json()
            if message.plain:
                data["caption"] = message.plain
                if message.entities:
                    data["caption_entities"] = message.entities
        if _inline_rows(message.reply_markup):
            data["reply_markup"] = message.reply_markup
        return data

    def _resolve_file(self, p: Params, key: str, kind: str) -> StoredFile:
        value = p.get(key)
        return self._file_from(value, kind, what=key)

    def _file_from(self, value: Any, kind: str, *, what: str) -> StoredFile:
        if isinstance(value, UploadedFile):
            if not value.content:
                raise bad_request("file must be non-empty")
            return self.store_file(
                value.content,
                kind=kind,
                file_name=value.filename if kind == "document" else None,
                mime_type=(value.mime_type if kind == "document" else "image/jpeg"),
            )
        if isinstance(value, str) and value:
            existing = self._stored.get(value)
            if existing is not None:
                if existing.kind != kind:
                    raise bad_request(
                        f"can't use file of type {existing.kind.capitalize()} "
                        f"as {kind.capitalize()}"
                    )
                return existing
            if value.startswith(("http://", "https://")):
                name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
                return self.store_file(b"", kind=kind, file_name=name, mime_type=None)
            raise bad_request("wrong file identifier/HTTP URL specified")
        raise bad_request(f"there is no {what} in the request")

    # ---------------------------------------------------------------- bot & updates
    async def _ok(self, p: Params) -> bool:
        return True

    async def _get_me(self, p: Params) -> dict[str, Any]:
        return {
            **self._bot_user_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, p: Params) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.integer("offset") or 0
        if offset > 0:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]
        limit = min(max(p.integer("limit") or 100, 1), 100)
        timeout = max(p.integer("timeout") or 0, 0)
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed] or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._bump()  # a still-waiting older poll gets terminated with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        self._polls_waiting += 1
        try:
            while True:
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                self._drop_disallowed()
                remaining = deadline - loop.time()
                if self._queue or self._closing or remaining <= 0:
                    break
                await self.wait_change(remaining)
        finally:
            self._polls_waiting -= 1
        batch = self._queue[:limit]
        if batch:
            self._delivered_upto = max(self._delivered_upto, batch[-1]["update_id"])
            self._touch()
        return batch

    def _drop_disallowed(self) -> None:
        def allowed(update: dict[str, Any]) -> bool:
            kind = next((k for k in update if k != "update_id"), "")
            if self._allowed_updates is None:
                return kind not in _DEFAULT_UPDATE_TYPES_EXCLUDED
            return kind in self._allowed_updates

        self._queue = [u for u in self._queue if allowed(u)]

    async def _set_webhook(self, p: Params) -> bool:
        url = p.string("url") or ""
        self.webhook_url = url
        self.webhook_secret = p.string("secret_token") or ""
        if p.get("drop_pending_updates"):
            self._queue.clear()
        if url and self._pusher is None:
            self._pusher = asyncio.create_task(self._push_updates())
        self._bump()
        return True

    async def _push_updates(self) -> None:
        """Post queued updates to the webhook like Telegram: each until it is answered 200
        (an error or a dead address is retried, at the next address), one at a time per
        user so that a person's updates arrive in order, several users at once."""
        import aiohttp

        async with aiohttp.ClientSession() as http:
            while not self._closing:
                if self.webhook_url:
                    for update in list(self._queue):
                        user_id = _update_user_id(update)
                        if update["update_id"] in self._posting or user_id in self._chats_posting:
                            continue
                        self._posting.add(update["update_id"])
                        self._chats_posting.add(user_id)
                        task = asyncio.create_task(self._post_update(http, update, user_id))
                        self._post_tasks.add(task)
                        task.add_done_callback(self._post_tasks.discard)
                await self.wait_change(0.05)

    async def _post_update(self, http: Any, update: dict[str, Any], user_id: int) -> None:
        import aiohttp

        try:
            while not self._closing and self.webhook_url:
                targets = self.webhook_targets or [self.webhook_url]
                target = targets[next(self._round_robin) % len(targets)]
                headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret}
                status = 0
                try:
                    async with http.post(
                        target, json=update, headers=headers, timeout=aiohttp.ClientTimeout(60)
                    ) as response:
                        status = response.status
                        await response.read()
                except (aiohttp.ClientError, OSError, TimeoutError):
                    status = 0
                self.webhook_posts.append((update["update_id"], target, status))
                if status == 200:
                    self._queue = [u for u in self._queue if u is not update]
                    self._touch()
                    return
                await asyncio.sleep(self.webhook_retry_seconds)
        finally:
            self._posting.discard(update["update_id"])
            self._chats_posting.discard(user_id)
            self._bump()

    async def _delete_webhook(self, p: Params) -> bool:
        self.webhook_url = ""
        self.webhook_secret = ""
        if p.get("drop_pending_updates"):
            self._queue.clear()
        return True

    async def _get_webhook_info(self, p: Params) -> dict[str, Any]:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    # ---------------------------------------------------------------- messages
    async def _send_message(self, p: Params) -> dict[str, Any]:
        user = self._reachable(p)
        raw, parsed = self._text(p, too_long="message is too long")
        markup = self._markup(p.get("reply_markup"))
        message = self._new_message(user, p)
        message.text = raw
        message.plain = parsed.text
        message.entities = parsed.entities
        message.reply_markup = markup
        return self._add_message(user, message)

    async def _send_media(self, p: Params, kind: str) -> dict[str, Any]:
        user = self._reachable(p)
        caption_raw = p.string("caption")
        parsed = self._caption(caption_raw, p, too_long="message caption is too long")
        markup = self._markup(p.get("reply_markup"))
        stored = self._resolve_file(p, kind, kind)
        message = self._new_message(user, p)
        message.caption = caption_raw or None
        message.plain = parsed.text
        message.entities = parsed.entities
        message.reply_markup = markup
        message.file_id = stored.file_id
        message.mime_type = stored.mime_type
        if kind == "photo":
            message.photo = stored.content
        else:
            message.document = (stored.file_name or "file", stored.content)
        return self._add_message(user, message)

    async def _send_document(self, p: Params) -> dict[str, Any]:
        return await self._send_media(p, "document")

    async def _send_photo(self, p: Params) -> dict[str, Any]:
        return await self._send_media(p, "photo")

    async def _edit_message_text(self, p: Params) -> dict[str, Any]:
        user, message = self._editable(p)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        raw, parsed = self._text(p, too_long="MESSAGE_TOO_LONG")
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        if (
            parsed.text == message.plain
            and parsed.entities == message.entities
            and _inline_rows(markup) == _inline_rows(message.reply_markup)
        ):
            raise bad_request(NOT_MODIFIED)
        message.history.append(message.body)
        message.text = raw
        message.parse_mode = p.string("parse_mode")
        message.plain = parsed.text
        message.entities = parsed.entities
        message.reply_markup = markup
        self._touch_message(user, message, edited=True)
        return self._message_json(user, message)

    async def _edit_message_caption(self, p: Params) -> dict[str, Any]:
        user, message = self._editable(p)
        if not message.is_media:
            raise bad_request("there is no caption in the message to edit")
        raw = p.string("caption")
        parsed = self._caption(raw, p, too_long="MEDIA_CAPTION_TOO_LONG")
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        if (
            parsed.text == message.plain
            and parsed.entities == message.entities
            and _inline_rows(markup) == _inline_rows(message.reply_markup)
        ):
            raise bad_request(NOT_MODIFIED)
        message.history.append(message.body)
        message.caption = raw or None
        message.parse_mode = p.string("parse_mode")
        message.plain = parsed.text
        message.entities = parsed.entities
        message.reply_markup = markup
        self._touch_message(user, message, edited=True)
        return self._message_json(user, message)

    async def _edit_message_reply_markup(self, p: Params) -> dict[str, Any]:
        user, message = self._editable(p)
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        if _inline_rows(markup) == _inline_rows(message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        self._touch_message(user, message, edited=True)
        return self._message_json(user, message)

    async def _edit_message_media(self, p: Params) -> dict[str, Any]:
        user, message = self._editable(p)
        media = p.get("media")
        if not isinstance(media, dict) or media.get("type") not in ("photo", "document"):
            raise bad_request("can't parse InputMedia: unsupported media type")
        kind = str(media["type"])
        stored = self._file_from(media.get("media"), kind, what="media")
        caption_raw = media.get("caption")
        parsed = self._format(
            caption_raw or "", media.get("parse_mode"), media.get("caption_entities")
        )
        if len(parsed.text) > CAPTION_LIMIT:
            raise bad_request("MEDIA_CAPTION_TOO_LONG")
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        if (
            stored.file_id == message.file_id
            and parsed.text == message.plain
            and _inline_rows(markup) == _inline_rows(message.reply_markup)
        ):
            raise bad_request(NOT_MODIFIED)
        message.history.append(message.body)
        message.text = None
        message.caption = caption_raw or None
        message.parse_mode = media.get("parse_mode")
        message.plain = parsed.text
        message.entities = parsed.entities
        message.reply_markup = markup
        message.file_id = stored.file_id
        message.mime_type = stored.mime_type
        message.photo = stored.content if kind == "photo" else None
        message.document = (
            (stored.file_name or "file", stored.content) if kind == "document" else None
        )
        self._touch_message(user, message, edited=True)
        return self._message_json(user, message)

    def _delete_one(self, user: FakeUser, message_id: Any) -> bool:
        if not isinstance(message_id, int):
            return False
        message = user.bot_message(message_id)
        if message is not None:
            message.deleted = True
            self._touch_message(user, message, edited=False)
            return True
        return user.incoming.pop(message_id, None) is not None

    async def _delete_message(self, p: Params) -> bool:
        user = self._chat(p)
        if not self._delete_one(user, p.get("message_id")):
            raise bad_request("message to delete not found")
        return True

    async def _delete_messages(self, p: Params) -> bool:
        user = self._chat(p)
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message identifiers are not specified")
        for message_id in ids:
            self._delete_one(user, message_id)
        return True

    async def _copy_message(self, p: Params) -> dict[str, Any]:
        target = self._reachable(p)
        source_chat = self._chat(p, "from_chat_id")
        message_id = p.get("message_id")
        copy = self._new_message(target, p)
        source_bot = source_chat.bot_message(message_id) if isinstance(message_id, int) else None
        source_user = source_chat.incoming.get(message_id) if source_bot is None else None
        if source_bot is not None:
            copy.text = source_bot.text
            copy.caption = source_bot.caption
            copy.parse_mode = source_bot.parse_mode
            copy.plain = source_bot.plain
            copy.entities = list(source_bot.entities)
            copy.file_id = source_bot.file_id
            copy.mime_type = source_bot.mime_type
            copy.photo = source_bot.photo
            copy.document = source_bot.document
        elif source_user is not None:
            if "text" in source_user:
                copy.text = copy.plain = source_user["text"]
                copy.parse_mode = None
            else:
                file_json = source_user.get("document") or (source_user.get("photo") or [{}])[-1]
                stored = self._stored.get(file_json.get("file_id", ""))
                if stored is None:
                    raise bad_request("message can't be copied")
                copy.file_id = stored.file_id
                copy.mime_type = stored.mime_type
                if stored.kind == "photo":
                    copy.photo = stored.content
                else:
                    copy.document = (stored.file_name or "file", stored.content)
                copy.caption = source_user.get("caption")
                copy.plain = copy.caption or ""
        else:
            raise bad_request("message to copy not found")
        if "caption" in p.values and copy.text is None:
            parsed = self._caption(p.string("caption"), p, too_long="message caption is too long")
            copy.caption = p.string("caption") or None
            copy.parse_mode = p.string("parse_mode")
            copy.plain = parsed.text
            copy.entities = parsed.entities
        copy.reply_markup = self._markup(p.get("reply_markup"))
        self._add_message(target, copy)
        return {"message_id": copy.message_id}

    async def _answer_callback_query(self, p: Params) -> bool:
        query_id = p.string("callback_query_id") or ""
        state = self._callbacks.get(query_id)
        if state is None or state.answered:
            raise bad_request(QUERY_TOO_OLD)
        text = p.string("text")
        if text is not None and len(text) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        state.answered = True
        answer = {
            "callback_query_id": query_id,
            "text": text,
            "show_alert": bool(p.get("show_alert", False)),
            "url": p.string("url"),
            "cache_time": p.get("cache_time"),
        }
        self._users[state.user_id].callback_answers.append(answer)
        self._bump()
        return True

    async def _send_chat_action(self, p: Params) -> bool:
        user = self._reachable(p)
        action = p.string("action")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        user.chat_actions.append(action)
        return True

    async def _get_chat(self, p: Params) -> dict[str, Any]:
        user = self._chat(p)
        return {
            **user.chat_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    # ---------------------------------------------------------------- commands & profile
    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            chat_id = scope.get("chat_id")
            if not isinstance(chat_id, int) or chat_id not in self._users:
                raise bad_request("chat not found")
        language = p.string("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("LANG_CODE_INVALID")
        return _canonical(scope), language

    async def _set_my_commands(self, p: Params) -> bool:
        key = self._commands_key(p)
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned: list[dict[str, Any]] = []
        for command in commands:
            name = command.get("command") if isinstance(command, dict) else None
            description = command.get("description") if isinstance(command, dict) else None
            if not isinstance(name, str) or not _COMMAND_NAME_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        if cleaned:
            self.commands[key] = cleaned
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, p: Params) -> list[dict[str, Any]]:
        return list(self.commands.get(self._commands_key(p), []))

    async def _delete_my_commands(self, p: Params) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    async def _set_chat_menu_button(self, p: Params) -> bool:
        chat_id: int | None = None
        if p.get("chat_id") is not None:
            chat_id = self._chat(p).id
        button = p.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad_request("can't parse menu button JSON object")
        self.menu_buttons[chat_id] = button
        return True

    async def _get_chat_menu_button(self, p: Params) -> dict[str, Any]:
        chat_id = self._chat(p).id if p.get("chat_id") is not None else None
        button = self.menu_buttons.get(chat_id) or self.menu_buttons.get(None)
        if button is None or button.get("type") == "default":
            return {"type": "commands"}
        return button

    def _profile_setter(self, field_name: str) -> Handler:
        async def handler(p: Params) -> bool:
            self.bot_profile[(field_name, p.string("language_code") or "")] = (
                p.string(field_name) or ""
            )
            return True

        return handler

    def _profile_getter(self, field_name: str) -> Handler:
        async def handler(p: Params) -> dict[str, Any]:
            language = p.string("language_code") or ""
            value = self.bot_profile.get((field_name, language))
            if value is None:
                value = self.bot_profile.get((field_name, ""), "")
            if field_name == "name" and not value:
                value = self.bot_first_name
            return {field_name: value}

        return handler

    # ---------------------------------------------------------------- files
    async def _get_file(self, p: Params) -> dict[str, Any]:
        stored = self._stored.get(p.string("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }
