"""The JSON file contract of ``altitude schedule``: network in, schedule result out.

Schemas: ``docs/schemas/network.schema.json`` and ``docs/schemas/schedule-result.schema.json``.
Date-times are ISO 8601 local times without a zone (``2026-01-05T08:00``); durations
and lags are integer working minutes (a negative lag is a lead; ``"lag_kind":
"elapsed"`` counts calendar minutes instead).  Every problem raises
:class:`~altitude.engine.errors.ScheduleValidationError` naming the task and field.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from altitude.engine.calendars import WEEKDAYS, Calendar, CalendarException, Interval
from altitude.engine.cpm import ScheduleResult
from altitude.engine.errors import ScheduleValidationError
from altitude.engine.kernels import NONE
from altitude.engine.network import (
    Constraint,
    ConstraintType,
    Link,
    LinkType,
    Progress,
    ScheduleInput,
    Task,
)

_TASK_KEYS = {
    "id",
    "name",
    "duration_minutes",
    "calendar",
    "milestone",
    "constraint",
    "parent",
    "project",
    "percent_complete",
    "actual_start",
    "actual_finish",
    "remaining_minutes",
}
_LINK_KEYS = {"from", "to", "type", "lag_minutes", "lag_kind"}


def _bad(msg: str, task: str | None = None, fld: str | None = None) -> ScheduleValidationError:
    return ScheduleValidationError(msg, task=task, field=fld)


def _datetime(value: Any, task: str | None, fld: str) -> dt.datetime:
    if not isinstance(value, str):
        raise _bad(f"expected an ISO date-time string, got {value!r}", task, fld)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _bad(f"not an ISO date-time: {value!r}", task, fld) from None
    if parsed.tzinfo is not None:
        raise _bad("date-times are local: drop the time zone", task, fld)
    return parsed


def _opt_datetime(value: Any, task: str | None, fld: str) -> dt.datetime | None:
    return None if value is None else _datetime(value, task, fld)


def _hhmm(value: Any, fld: str) -> int:
    if not isinstance(value, str) or len(value.split(":")) != 2:
        raise _bad(f"expected HH:MM, got {value!r}", None, fld)
    h, m = value.split(":")
    try:
        minutes = int(h) * 60 + int(m)
    except ValueError:
        raise _bad(f"expected HH:MM, got {value!r}", None, fld) from None
    if not 0 <= minutes <= 1440 or not 0 <= int(m) < 60:
        raise _bad(f"time out of the day: {value!r}", None, fld)
    return minutes


def _hours(value: Any, fld: str) -> tuple[Interval, ...]:
    if not isinstance(value, list):
        raise _bad("expected a list of [start, end] pairs", None, fld)
    out = []
    for pair in value:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise _bad(f'expected ["HH:MM", "HH:MM"], got {pair!r}', None, fld)
        out.append((_hhmm(pair[0], fld), _hhmm(pair[1], fld)))
    return tuple(out)


def _calendars(raw: Any) -> dict[str, Calendar]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _bad("expected an object of named calendars", None, "calendars")
    out: dict[str, Calendar] = {}
    pending = dict(raw)
    while pending:  # bases first
        progressed = False
        for name, body in list(pending.items()):
            fld = f"calendars.{name}"
            if not isinstance(body, dict):
                raise _bad("expected an object", None, fld)
            base_name = body.get("base")
            if base_name is not None and base_name not in out:
                if base_name not in pending:
                    raise _bad(f"unknown base calendar {base_name!r}", None, f"{fld}.base")
                continue
            week = None
            if body.get("week") is not None:
                days = body["week"]
                if not isinstance(days, dict) or set(days) - set(WEEKDAYS):
                    raise _bad(f"week keys must be among {list(WEEKDAYS)}", None, f"{fld}.week")
                week = tuple(_hours(days.get(d, []), f"{fld}.week.{d}") for d in WEEKDAYS)
            exceptions = []
            for j, exc in enumerate(body.get("exceptions", [])):
                efld = f"{fld}.exceptions[{j}]"
                if not isinstance(exc, dict) or "date" not in exc:
                    raise _bad("an exception needs a date", None, efld)
                try:
                    start = dt.date.fromisoformat(exc["date"])
                    end = dt.date.fromisoformat(exc["end"]) if exc.get("end") else None
                except (TypeError, ValueError):
                    raise _bad("not an ISO date", None, f"{efld}.date") from None
                exceptions.append(
                    CalendarException(
                        start=start,
                        end=end,
                        working=bool(exc.get("working", False)),
                        intervals=_hours(exc.get("hours", []), f"{efld}.hours"),
                    )
                )
            out[name] = Calendar(
                name=name,
                week=week,
                exceptions=tuple(exceptions),
                base=out[base_name] if base_name is not None else None,
            )
            del pending[name]
            progressed = True
        if not progressed:
            raise _bad("calendar bases form a loop", None, "calendars")
    return out


def _int(value: Any, task: str | None, fld: str, default: int | None = None) -> int:
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f"expected an integer, got {value!r}", task, fld)
    return value


def _task(raw: Any, j: int) -> Task:
    if not isinstance(raw, dict):
        raise _bad("expected an object", None, f"tasks[{j}]")
    tid = raw.get("id")
    if not isinstance(tid, str) or not tid:
        raise _bad("a task needs a non-empty string id", None, f"tasks[{j}].id")
    unknown = set(raw) - _TASK_KEYS
    if unknown:
        raise _bad(f"unknown field(s) {sorted(unknown)}", tid, sorted(unknown)[0])
    constraint = Constraint()
    if raw.get("constraint") is not None:
        c = raw["constraint"]
        ctype_name = c.get("type", "ASAP") if isinstance(c, dict) else c
        if ctype_name not in ConstraintType.__members__:
            raise _bad(f"unknown constraint type {ctype_name!r}", tid, "constraint.type")
        constraint = Constraint(
            ConstraintType[ctype_name],
            _opt_datetime(c.get("date") if isinstance(c, dict) else None, tid, "constraint.date"),
        )
    progress = None
    if any(
        raw.get(key) is not None
        for key in ("percent_complete", "actual_start", "actual_finish", "remaining_minutes")
    ):
        pct = raw.get("percent_complete", 0)
        if isinstance(pct, bool) or not isinstance(pct, int | float):
            raise _bad(f"expected a number, got {pct!r}", tid, "percent_complete")
        rem = raw.get("remaining_minutes")
        progress = Progress(
            percent_complete=float(pct),
            actual_start=_opt_datetime(raw.get("actual_start"), tid, "actual_start"),
            actual_finish=_opt_datetime(raw.get("actual_finish"), tid, "actual_finish"),
            remaining_minutes=None if rem is None else _int(rem, tid, "remaining_minutes"),
        )
    for key in ("calendar", "parent", "project", "name"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise _bad(f"expected a string, got {raw[key]!r}", tid, key)
    return Task(
        id=tid,
        name=raw.get("name") or "",
        duration_minutes=_int(raw.get("duration_minutes", 0), tid, "duration_minutes"),
        calendar=raw.get("calendar"),
        milestone=bool(raw.get("milestone", False)),
        constraint=constraint,
        parent=raw.get("parent"),
        progress=progress,
        project=raw.get("project"),
    )


def _link(raw: Any, j: int) -> Link:
    fld = f"links[{j}]"
    if not isinstance(raw, dict) or "from" not in raw or "to" not in raw:
        raise _bad("a link needs 'from' and 'to'", None, fld)
    unknown = set(raw) - _LINK_KEYS
    to = raw["to"]
    if unknown:
        raise _bad(f"unknown field(s) {sorted(unknown)}", str(to), f"{fld}.{sorted(unknown)[0]}")
    ltype = raw.get("type", "FS")
    if ltype not in LinkType.__members__:
        raise _bad(f"unknown link type {ltype!r}", str(to), f"{fld}.type")
    kind = raw.get("lag_kind", "working")
    if kind not in ("working", "elapsed"):
        raise _bad(f"lag_kind is 'working' or 'elapsed', got {kind!r}", str(to), f"{fld}.lag_kind")
    return Link(
        predecessor=str(raw["from"]),
        successor=str(to),
        type=LinkType[ltype],
        lag_minutes=_int(raw.get("lag_minutes"), str(to), f"{fld}.lag_minutes", 0),
        lag_elapsed=kind == "elapsed",
    )


def parse_network(data: Mapping[str, Any]) -> ScheduleInput:
    """Validate the decoded JSON document and return the engine input."""
    if not isinstance(data, Mapping):
        raise _bad("the network file must hold a JSON object")
    tasks = data.get("tasks")
    if not isinstance(tasks, list):
        raise _bad("expected a list of tasks", None, "tasks")
    links = data.get("links", [])
    if not isinstance(links, list):
        raise _bad("expected a list of links", None, "links")
    calendars = _calendars(data.get("calendars"))
    default = data.get("default_calendar") or (next(iter(calendars)) if calendars else "standard")
    return ScheduleInput(
        tasks=tuple(_task(t, j) for j, t in enumerate(tasks)),
        links=tuple(_link(k, j) for j, k in enumerate(links)),
        start=_opt_datetime(data.get("start"), None, "start"),
        finish=_opt_datetime(data.get("finish"), None, "finish"),
        calendars=calendars,
        default_calendar=default,
        status_date=_opt_datetime(data.get("status_date"), None, "status_date"),
    )


def loads_network(text: str) -> ScheduleInput:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(f"not valid JSON: {exc}") from None
    return parse_network(data)


def _iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="minutes")


def result_to_json(result: ScheduleResult) -> dict[str, Any]:
    """The result document (``docs/schemas/schedule-result.schema.json``)."""
    net = result.network
    cols = {
        c: result.dates(c)
        for c in ("start", "finish", "early_start", "early_finish", "late_start", "late_finish")
    }
    tasks = []
    for i, tid in enumerate(net.ids):
        dp = int(result.driving_predecessor[i])
        row: dict[str, Any] = {"id": tid}
        row.update({c: _iso(v[i]) for c, v in cols.items()})
        row.update(
            {
                "total_float_minutes": int(result.total_float[i]),
                "free_float_minutes": int(result.free_float[i]),
                "critical": bool(result.critical[i]),
                "summary": bool(net.summary[i]),
                "driving_predecessor": net.ids[dp] if dp >= 0 else None,
                "longest_path": bool(result.longest_path[i]),
            }
        )
        if net.status_instant is not None and not net.summary[i]:
            row.update(_progress_columns(result, i))
        tasks.append(row)
    out: dict[str, Any] = {
        "status": result.status.value,
        "start": _iso(result.project_start_date),
        "finish": _iso(result.project_finish_date),
    }
    if net.status_instant is not None:
        out["status_date"] = _iso(net.epoch + dt.timedelta(minutes=net.status_instant))
    out["tasks"] = tasks
    return out


def _progress_columns(result: ScheduleResult, i: int) -> dict[str, Any]:
    """Progress of one task at the status date: ``progress`` (not_started, in_progress,
    complete), ``duration_minutes`` (done + remaining, MS Project's rule) and
    ``remaining_minutes`` (working minutes scheduled after the status date)."""
    net = result.network
    rem = int(net.remaining[i])
    duration = int(net.duration[i])
    if net.afinish[i] != NONE:
        state, rem = "complete", 0
    elif rem >= 0:
        state = "in_progress"
    else:
        state, rem = "not_started", duration
    return {"progress": state, "duration_minutes": duration, "remaining_minutes": rem}
