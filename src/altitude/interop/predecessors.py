"""The predecessors column in MS Project notation: ``12FS+2d, 3SS-1d, 7``.

Each comma- (or semicolon-) separated entry names a predecessor by its row ID in the
project (its position in outline order, the ID column of MS Project), then optionally
the link type (``FS`` when left out) and a lag (``+``) or lead (``-``) with a unit:

====  ==========================================  ===========================
unit  meaning                                     stored as
====  ==========================================  ===========================
d     working days (also a bare number: ``+2``)   ``minutes_per_day`` each
h     working hours                               60 working minutes each
w     working weeks                               ``minutes_per_week`` each
m     working minutes (``min`` also accepted)     1 working minute each
ed    elapsed (calendar) days: curing, shipping   1,440 elapsed minutes each
eh    elapsed hours (``em`` elapsed minutes)      60 elapsed minutes each
====  ==========================================  ===========================

``7+2d`` (a lag without a type) is read as ``7FS+2d``; MS Project's percent lags
(``+50%``) and months are refused with a message naming the entry.  Pure functions,
no Django: the web column, the CLI and importers share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

MINUTES_PER_DAY = 480
MINUTES_PER_WEEK = 2400
ELAPSED_DAY = 1440


class LinkType(StrEnum):
    FINISH_TO_START = "FS"
    START_TO_START = "SS"
    FINISH_TO_FINISH = "FF"
    START_TO_FINISH = "SF"


class PredecessorSyntaxError(ValueError):
    """One entry of the column cannot be read; ``token`` is that entry as typed."""

    def __init__(self, token: str, reason: str) -> None:
        super().__init__(f"'{token}': {reason}")
        self.token = token
        self.reason = reason


@dataclass(frozen=True)
class Predecessor:
    """One link into the task: ``row`` is the predecessor's row ID in the project."""

    row: int
    type: LinkType = LinkType.FINISH_TO_START
    lag_minutes: int = 0
    lag_elapsed: bool = False

    def __post_init__(self) -> None:
        if self.row < 1:
            raise ValueError(f"row must be 1 or more, not {self.row}")
        if self.lag_minutes == 0 and self.lag_elapsed:
            # No lag has no unit: "7FS" must read back as the link it was written from,
            # whether the zero came from an elapsed or a working lag.
            object.__setattr__(self, "lag_elapsed", False)


_ENTRY = re.compile(
    r"""^(?P<row>\d+)\s*
        (?P<type>[A-Za-z]{2})?\s*
        (?:(?P<sign>[+-])\s*(?P<amount>\d+(?:[.,]\d+)?|[.,]\d+)\s*(?P<unit>[A-Za-z%]*))?$""",
    re.VERBOSE,
)
_WORKING_UNITS = {"d": None, "day": None, "days": None, "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
                  "w": None, "wk": None, "wks": None, "week": None, "weeks": None,
                  "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1}
_ELAPSED_UNITS = {"ed": ELAPSED_DAY, "eday": ELAPSED_DAY, "edays": ELAPSED_DAY, "eh": 60, "ehr": 60,
                  "ew": 7 * ELAPSED_DAY, "ewk": 7 * ELAPSED_DAY, "em": 1, "emin": 1}


def _lag(token: str, sign: str, amount: str, unit: str, minutes_per_day: int, minutes_per_week: int) -> tuple[int, bool]:
    unit = unit.lower() or "d"
    try:
        value = Decimal(amount.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise PredecessorSyntaxError(token, f"'{amount}' is not a number.") from exc
    if unit == "%":
        raise PredecessorSyntaxError(token, "percent lags are not supported; give the lag in d, h, w, m or ed.")
    if unit in _ELAPSED_UNITS:
        per, elapsed = _ELAPSED_UNITS[unit], True
    elif unit in _WORKING_UNITS:
        factor = _WORKING_UNITS[unit]
        per = factor if factor is not None else (minutes_per_week if unit.startswith("w") else minutes_per_day)
        elapsed = False
    else:
        raise PredecessorSyntaxError(
            token, f"unknown lag unit '{unit}'; use d (days), h (hours), w (weeks), m (minutes) or ed (elapsed days).")
    minutes = value * per
    if minutes != minutes.to_integral_value():
        raise PredecessorSyntaxError(token, "the lag is not a whole number of minutes.")
    return (-1 if sign == "-" else 1) * int(minutes), elapsed


def parse_predecessor(token: str, *, minutes_per_day: int = MINUTES_PER_DAY,
                      minutes_per_week: int = MINUTES_PER_WEEK) -> Predecessor:
    """One entry such as ``12FS+2d``; raises ``PredecessorSyntaxError`` naming it."""
    text = token.strip()
    match = _ENTRY.match(text)
    if match is None:
        raise PredecessorSyntaxError(
            text, "expected a row ID, optionally a link type (FS, SS, FF, SF) and a lag such as +2d, e.g. 12FS+2d.")
    kind = (match["type"] or "FS").upper()
    try:
        link_type = LinkType(kind)
    except ValueError as exc:
        raise PredecessorSyntaxError(text, f"unknown link type '{match['type']}'; use FS, SS, FF or SF.") from exc
    row = int(match["row"])
    if row < 1:
        raise PredecessorSyntaxError(text, "row IDs start at 1.")
    lag, elapsed = (0, False)
    if match["sign"]:
        lag, elapsed = _lag(text, match["sign"], match["amount"], match["unit"], minutes_per_day, minutes_per_week)
    return Predecessor(row=row, type=link_type, lag_minutes=lag, lag_elapsed=elapsed)


def parse_predecessors(text: str, *, minutes_per_day: int = MINUTES_PER_DAY,
                       minutes_per_week: int = MINUTES_PER_WEEK) -> tuple[Predecessor, ...]:
    """The whole column: empty text means no predecessors; a row named twice is an error."""
    out: list[Predecessor] = []
    seen: set[int] = set()
    body = text.strip().rstrip(",;")  # a trailing separator is harmless
    if not body:
        return ()
    for token in re.split(r"[,;]", body):
        if not token.strip():
            raise PredecessorSyntaxError(token.strip(), "empty entry between separators.")
        item = parse_predecessor(token, minutes_per_day=minutes_per_day, minutes_per_week=minutes_per_week)
        if item.row in seen:
            raise PredecessorSyntaxError(token.strip(), f"row {item.row} is named twice.")
        seen.add(item.row)
        out.append(item)
    return tuple(out)


def format_lag(minutes: int, elapsed: bool = False, *, minutes_per_day: int = MINUTES_PER_DAY) -> str:
    """``+2d``, ``-4h``, ``+3ed``; empty for no lag. Whole days when they divide, else hours, else minutes."""
    if minutes == 0:
        return ""
    sign = "-" if minutes < 0 else "+"
    size = abs(minutes)
    if elapsed:
        if size % ELAPSED_DAY == 0:
            return f"{sign}{size // ELAPSED_DAY}ed"
        return f"{sign}{size // 60}eh" if size % 60 == 0 else f"{sign}{size}em"
    if size % minutes_per_day == 0:
        return f"{sign}{size // minutes_per_day}d"
    if size % 60 == 0:
        return f"{sign}{size // 60}h"
    return f"{sign}{size}m"


def format_predecessor(item: Predecessor, *, minutes_per_day: int = MINUTES_PER_DAY) -> str:
    """``7`` for a plain finish-to-start link, else ``3SS``, ``12FS+2d``..."""
    lag = format_lag(item.lag_minutes, item.lag_elapsed, minutes_per_day=minutes_per_day)
    kind = "" if item.type is LinkType.FINISH_TO_START and not lag else item.type.value
    return f"{item.row}{kind}{lag}"


def format_predecessors(items: Iterable[Predecessor], *, minutes_per_day: int = MINUTES_PER_DAY) -> str:
    return ", ".join(format_predecessor(p, minutes_per_day=minutes_per_day) for p in items)
