"""Working calendars: a work week plus dated exceptions (holidays, special days).

Stored the way people write them (``{"mon": [["08:00", "12:00"], ["13:00", "17:00"]]}``)
and converted to the engine's minute intervals at the edge (``delivery.adapters``).
A calendar belongs to a portfolio (shared by its projects and resources) or to one
project; ``base`` lets a calendar inherit the week and holidays of another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from altitude.core.models import VersionedModel
from altitude.strategy.models import Portfolio

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STANDARD_WEEK: dict[str, list[list[str]]] = {
    day: [["08:00", "12:00"], ["13:00", "17:00"]] for day in WEEKDAYS[:5]
}
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


def standard_week() -> dict[str, list[list[str]]]:
    return {day: [list(i) for i in hours] for day, hours in STANDARD_WEEK.items()}


def to_minutes_of_day(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def parse_intervals(raw: Any, where: str) -> list[tuple[int, int]]:
    """``[["08:00", "12:00"], ...]`` -> ``[(480, 720), ...]``; raises ``ValueError`` naming ``where``."""
    if not isinstance(raw, list):
        raise ValueError(f"{where}: expected a list of [start, end] pairs")
    out: list[tuple[int, int]] = []
    for pair in raw:
        if not (isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(v, str) and _HHMM.match(v) for v in pair)):
            raise ValueError(f"{where}: each interval is [\"HH:MM\", \"HH:MM\"], got {pair!r}")
        start, end = (to_minutes_of_day(v) for v in pair)
        if start >= end or (out and start < out[-1][1]):
            raise ValueError(f"{where}: intervals must be increasing and must not overlap ({pair!r})")
        out.append((start, end))
    return out


class Calendar(VersionedModel):
    """A work week (hours per weekday) and its exceptions; shared or project-specific."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="calendars")
    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="calendars",
        help_text="Set for a calendar only this project uses; empty for one shared across the portfolio.",
    )
    name = models.CharField(max_length=100)
    week = models.JSONField(
        default=standard_week, blank=True,
        help_text='Working hours per weekday, e.g. {"mon": [["08:00", "12:00"], ["13:00", "17:00"]]}; '
                  "a missing day is non-working. Empty ({}) inherits the base calendar's week.",
    )
    base = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derived",
        help_text="Inherit the week (when this one has none) and the exceptions of this calendar.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["portfolio", "name"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "project", "name"], name="uniq_calendar_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not isinstance(self.week, dict):
            errors["week"] = "The week is an object of weekday -> list of intervals."
        else:
            unknown = sorted(set(self.week) - set(WEEKDAYS))
            if unknown:
                errors["week"] = f"Unknown weekday(s) {unknown}; use {', '.join(WEEKDAYS)}."
            else:
                try:
                    for day, hours in self.week.items():
                        parse_intervals(hours, f"week.{day}")
                except ValueError as exc:
                    errors["week"] = str(exc)
            if not errors and not self.base_id and not any(self.week.values()):
                errors["week"] = "The calendar has no working time: give hours to at least one weekday."
        if self.project_id and self.project and self.project.portfolio_id != self.portfolio_id:
            errors["project"] = "The project belongs to another portfolio."
        if self.base_id:
            if self.base_id == self.pk:
                errors["base"] = "A calendar cannot be its own base."
            elif self.base and self.base.portfolio_id != self.portfolio_id:
                errors["base"] = "The base calendar belongs to another portfolio."
            elif self.pk and self.pk in set(_base_chain(self.base)):
                errors["base"] = "The base calendars would form a loop."
        if errors:
            raise ValidationError(errors)


def _base_chain(calendar: Calendar | None) -> Iterable[int]:
    seen: set[int] = set()
    while calendar is not None and calendar.pk not in seen:
        seen.add(calendar.pk)
        yield calendar.pk
        calendar = calendar.base


class CalendarException(models.Model):
    """Dates that differ from the week: a holiday (``working=False``) or special hours."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="exceptions")
    name = models.CharField(max_length=100, blank=True, help_text="e.g. Christmas Day")
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Last date (inclusive); empty for one day.")
    working = models.BooleanField(default=False, help_text="True: a working day with the given hours.")
    intervals = models.JSONField(default=list, blank=True, help_text='Hours of a working exception, e.g. [["09:00", "13:00"]].')
    history = HistoricalRecords()

    class Meta:
        ordering = ["calendar", "start"]

    def __str__(self) -> str:
        return f"{self.name or 'exception'} {self.start}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.end and self.end < self.start:
            errors["end"] = "The exception ends before it starts."
        try:
            parse_intervals(self.intervals, "intervals")
        except ValueError as exc:
            errors["intervals"] = str(exc)
        if self.intervals and not self.working:
            errors["intervals"] = "A non-working exception (holiday) has no hours."
        if errors:
            raise ValidationError(errors)
