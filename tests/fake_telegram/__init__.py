"""A fake Telegram Bot API server for tests: real aiogram talks to it over HTTP."""

from .server import Call, FakeTelegram
from .user import FakeUser, SentMessage

__all__ = ["Call", "FakeTelegram", "FakeUser", "SentMessage"]
