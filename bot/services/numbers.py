"""Every figure a person types is read here: a time, a day, a duration, a headcount, a
score. Only the digits 0–9 count (`²`, `٣` or `1e9` are not numbers to a school), a figure
is short before it is converted (`99999999999999999999` never reaches `int()` or
`datetime`), and anything else is the caller's polite hint (`InvalidInput(code)`), never
an exception a handler does not expect (ValueError, OverflowError).
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from bot.services.errors import InvalidInput

# A figure a person types is never longer than this (100 000 has 6 digits).
MAX_DIGITS = 7
_FIGURE = re.compile(f"[0-9]{{1,{MAX_DIGITS}}}")


def whole_number(
    text: str, code: str, *, low: int, high: int, thousands: bool = False, **details: object
) -> int:
    """A whole number from `low` to `high` written with the digits 0–9 (with `thousands`,
    «1 200» too); `InvalidInput(code, **details)` otherwise."""
    value = "".join(text.split()) if thousands else text.strip()
    if not _FIGURE.fullmatch(value):
        raise InvalidInput(code, **details)
    number = int(value)
    if not low <= number <= high:
        raise InvalidInput(code, **details)
    return number


def clock_time(hours: str, minutes: str, code: str, **details: Any) -> time:
    """«15», «30» → 15:30; hours 0–23 and minutes 0–59, else `InvalidInput(code)`."""
    return time(
        whole_number(hours, code, low=0, high=23, **details),
        whole_number(minutes, code, low=0, high=59, **details),
    )


def calendar_day(day: str, month: str, year: int | str, code: str) -> date:
    """A day of the calendar from typed parts (a two-digit year is this century's); a day
    the month does not have (31.02) is `InvalidInput(code)`."""
    number = year if isinstance(year, int) else whole_number(year, code, low=0, high=9999)
    if number < 100:
        number += 2000
    try:
        return date(
            number,
            whole_number(month, code, low=1, high=12),
            whole_number(day, code, low=1, high=31),
        )
    except ValueError:
        raise InvalidInput(code) from None
