"""Texts a pair works with outside the database: the agreement each side accepts, the
link that opens a member's chat, and the school's order typed by the curator."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache

from bot.services.catalog import CATALOG_DIR, Catalog
from bot.services.errors import InvalidInput
from bot.services.pairs.model import ORDER_NUMBER_MAX


def contact_url(telegram_id: int | None) -> str | None:
    """A link that opens the person's chat (no username is stored)."""
    return f"tg://user?id={telegram_id}" if telegram_id else None


AGREEMENTS_FILE = CATALOG_DIR / "agreements.toml"


@cache
def _agreements() -> dict[str, dict[str, str]]:
    with AGREEMENTS_FILE.open("rb") as f:
        return tomllib.load(f)


def agreement_text(
    catalog: Catalog,
    form_key: str,
    locale: str | None,
    *,
    with_minor: bool = False,
    reader_is_minor: bool = False,
) -> str:
    """The agreement for the form (its parent form's, or the default), in the language.
    A pair with a child reads [with_minor] instead: no adult promises a child secrecy; the
    child reads its short «ты» version (`ty`, `en_ty`)."""
    texts = _agreements()
    lang = "en" if (locale or "").lower().startswith("en") else "ru"
    if with_minor and "with_minor" in texts:
        entry = texts["with_minor"]
        if reader_is_minor:
            return entry.get("en_ty" if lang == "en" else "ty") or entry[lang]
        return entry.get(lang) or entry["ru"]
    form = catalog.form(form_key)
    for key in (form_key, form.variant_of if form else None, "default"):
        if key and key in texts:
            entry = texts[key]
            return entry.get(lang) or entry["ru"]
    return ""


_ORDER = re.compile(
    r"^\s*№?\s*(?P<number>[^\s]+?)\s*(?:от|of|,)?\s*"
    r"(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4})\s*$",
    re.IGNORECASE,
)


def parse_order(text: str) -> tuple[str, date]:
    """«45-о от 01.10.2026» → ("45-о", 2026-10-01); InvalidInput("pairs-order") otherwise."""
    match = _ORDER.match(text)
    if not match:
        raise InvalidInput("pairs-order")
    try:
        on = date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise InvalidInput("pairs-order") from None
    number = match["number"].strip()
    if not number or len(number) > ORDER_NUMBER_MAX or number.lower() in ("от", "of"):
        raise InvalidInput("pairs-order")
    return number, on
