"""A fake Telegram Bot API server for tests: real aiogram talks to it over HTTP."""

from .server import FakeTelegram
from .user import FakeUser, SentMessage

__all__ = ["FakeTelegram", "FakeUser", "SentMessage"]
