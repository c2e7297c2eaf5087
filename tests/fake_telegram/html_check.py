"""Telegram-flavoured HTML parsing (``parse_mode=HTML``).

Mirrors the rules of TDLib's ``parse_html`` closely enough to reject everything real
Telegram rejects, with the same error wording ("Unsupported start tag ...",
"Can't find end tag corresponding to start tag ..." and so on). One deliberate
difference: real Telegram silently keeps a bare ``&`` that does not start an entity;
in strict mode (the default) we reject it, because it almost always means that
user-provided text was not escaped.

The result is the visible text plus Telegram-style entities whose offsets and lengths
are counted in UTF-16 code units, exactly as the Bot API reports them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EntityParseError", "ParsedText", "parse_html", "strip_text", "utf16_len"]

_SIMPLE_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_ALLOWED_TAGS = frozenset({*_SIMPLE_TAGS, "span", "a", "code", "pre", "blockquote", "tg-emoji"})
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_LENIENT_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));?")
_SPACE = " \t\r\n\f\v"


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(error)`` is Telegram's wording."""


@dataclass
class ParsedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    byte_offset: int
    start: int  # UTF-16 offset in the output
    entity: dict[str, Any] | None


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Parser:
    def __init__(self, source: str, strict_ampersand: bool) -> None:
        self.src = source
        self.strict = strict_ampersand
        self.pos = 0
        self.out: list[str] = []
        self.out_len = 0  # UTF-16 length of the output so far
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    # -- helpers -------------------------------------------------------------------
    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.out_len += utf16_len(chunk)

    def char_at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else ""

    def decode_entity(self, index: int, *, lenient: bool) -> tuple[str, int] | None:
        regex = _LENIENT_ENTITY_RE if lenient else _ENTITY_RE
        match = regex.match(self.src, index)
        if match is None:
            return None
        named, dec, hexa = match.groups()
        if named:
            return _NAMED_ENTITIES[named], match.end()
        code = int(dec) if dec else int(hexa, 16)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), match.end()

    # -- main loop -----------------------------------------------------------------
    def parse(self) -> ParsedText:
        src = self.src
        while self.pos < len(src):
            ch = src[self.pos]
            if ch == "&":
                self.ampersand()
            elif ch == "<":
                if self.char_at(self.pos + 1) == "/":
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                nxt = self.pos
                while nxt < len(src) and src[nxt] not in "&<":
                    nxt += 1
                self.emit(src[self.pos : nxt])
                self.pos = nxt
        if self.stack:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def ampersand(self) -> None:
        decoded = self.decode_entity(self.pos, lenient=not self.strict)
        if decoded is not None:
            self.emit(decoded[0])
            self.pos = decoded[1]
            return
        if self.strict:
            raise EntityParseError(
                f"Character '&' at byte offset {self.byte_offset(self.pos)} "
                'does not start an entity and must be escaped as "&amp;"'
            )
        self.emit("&")
        self.pos += 1

    def start_tag(self) -> None:
        src = self.src
        begin = self.pos
        i = begin + 1
        while i < len(src) and src[i] not in _SPACE and src[i] != ">":
            i += 1
        if i >= len(src):
            raise EntityParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = src[begin + 1 : i].lower()
        if name not in _ALLOWED_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        attrs, i = self.attributes(name, begin, i)
        self.pos = i + 1  # skip '>'
        self.stack.append(
            _OpenTag(
                name, self.byte_offset(begin), self.out_len, self.entity_for(name, attrs, begin)
            )
        )

    def attributes(self, tag: str, begin: int, i: int) -> tuple[dict[str, str], int]:
        src = self.src
        attrs: dict[str, str] = {}
        unclosed = f"Unclosed start tag at byte offset {self.byte_offset(begin)}"
        while True:
            while i < len(src) and src[i] in _SPACE:
                i += 1
            if i >= len(src):
                raise EntityParseError(unclosed)
            if src[i] == ">":
                return attrs, i
            name_start = i
            while i < len(src) and src[i] not in _SPACE and src[i] not in "=>":
                i += 1
            attr_name = src[name_start:i].lower()
            if not attr_name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self.byte_offset(begin)}"
                )
            while i < len(src) and src[i] in _SPACE:
                i += 1
            if i >= len(src):
                raise EntityParseError(unclosed)
            if src[i] != "=":
                if tag == "blockquote" and attr_name == "expandable":
                    attrs[attr_name] = ""
                    continue
                raise EntityParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.byte_offset(begin)}"
                )
            i += 1
            while i < len(src) and src[i] in _SPACE:
                i += 1
            if i >= len(src):
                raise EntityParseError(unclosed)
            if src[i] in "'\"":
                quote = src[i]
                i += 1
                value: list[str] = []
                while i < len(src) and src[i] != quote:
                    if src[i] == "&":
                        decoded = self.decode_entity(i, lenient=True)
                        if decoded is not None:
                            value.append(decoded[0])
                            i = decoded[1]
                            continue
                    value.append(src[i])
                    i += 1
                if i >= len(src):
                    raise EntityParseError(unclosed)
                i += 1
                attrs[attr_name] = "".join(value)
            else:
                token_start = i
                while i < len(src) and (src[i].isalnum() or src[i] in ".-"):
                    i += 1
                if i < len(src) and src[i] not in _SPACE and src[i] != ">":
                    offset = self.byte_offset(token_start)
                    raise EntityParseError(f"Unexpected end of name token at byte offset {offset}")
                attrs[attr_name] = src[token_start:i].lower()

    def entity_for(self, tag: str, attrs: dict[str, str], begin: int) -> dict[str, Any] | None:
        if tag in _SIMPLE_TAGS:
            return {"type": _SIMPLE_TAGS[tag]}
        if tag == "span":
            if attrs.get("class") != "tg-spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset '
                    f"{self.byte_offset(begin)}"
                )
            return {"type": "spoiler"}
        if tag == "a":
            href = attrs.get("href", "").strip()
            if not href:
                return None  # Telegram silently drops links without a URL
            user = re.fullmatch(r"tg://user\?id=(\d+)", href)
            if user:
                return {"type": "text_mention", "user": {"id": int(user.group(1))}}
            return {"type": "text_link", "url": href}
        if tag == "code":
            language = attrs.get("class", "")
            if language.startswith("language-") and self.stack and self.stack[-1].name == "pre":
                pre = self.stack[-1].entity
                if pre is not None:
                    pre["language"] = language.removeprefix("language-")
                return None
            return {"type": "code"}
        if tag == "pre":
            return {"type": "pre"}
        if tag == "blockquote":
            kind = "expandable_blockquote" if "expandable" in attrs else "blockquote"
            return {"type": kind}
        # tg-emoji
        emoji_id = attrs.get("emoji-id", "")
        if not emoji_id.isdigit():
            raise EntityParseError(
                f"Custom emoji entity must contain a tg://emoji URL at byte offset "
                f"{self.byte_offset(begin)}"
            )
        return {"type": "custom_emoji", "custom_emoji_id": emoji_id}

    def end_tag(self) -> None:
        src = self.src
        begin = self.pos
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        i = begin + 2
        while i < len(src) and src[i] not in _SPACE and src[i] != ">":
            i += 1
        end_name = src[begin + 2 : i].lower()
        while i < len(src) and src[i] in _SPACE:
            i += 1
        if i >= len(src) or src[i] != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        top = self.stack[-1]
        if end_name and end_name != top.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{top.name}>", found "</{end_name}>"'
            )
        self.stack.pop()
        self.pos = i + 1
        length = self.out_len - top.start
        if top.entity is not None and length > 0:
            self.entities.append({**top.entity, "offset": top.start, "length": length})


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram HTML; raise :class:`EntityParseError` like Telegram would."""
    return _Parser(source, strict_ampersand).parse()


def strip_text(parsed: ParsedText) -> ParsedText:
    """Trim leading/trailing whitespace like Telegram does, keeping entities aligned."""
    text = parsed.text
    stripped_left = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip()
    total = utf16_len(result)
    entities: list[dict[str, Any]] = []
    for entity in parsed.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(result, entities)
