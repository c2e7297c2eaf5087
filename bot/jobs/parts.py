"""What one notification becomes when it is sent: one or more parts, each one Bot API call.

A plain notification is one text part (with buttons when its arguments ask for them). A
rich kind (a digest, a report) is built at send time by a builder registered in
`bot/jobs/render.py` and may add a picture and files after its text.
"""

from __future__ import annotations

from dataclasses import dataclass

CAPTION_MAX = 1024  # Telegram's limit for a photo's or a document's caption


@dataclass(frozen=True, slots=True)
class Button:
    label: str  # plain text, already in the recipient's language
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Part:
    text: str = ""  # HTML: the message, or the caption of the file (at most CAPTION_MAX)
    file: bytes | None = None
    filename: str = ""
    as_photo: bool = False  # a PNG shown as a picture; otherwise a document
    buttons: tuple[tuple[Button, ...], ...] = ()
