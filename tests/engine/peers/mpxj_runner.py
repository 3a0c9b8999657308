"""Schedule networks with MPXJ's MicrosoftScheduler; run as a SUBPROCESS (the JVM cannot restart).

stdin: a JSON list of network documents (our file contract, one calendar, FS/SS/FF/SF links,
lags in working minutes).  stdout: a JSON list, per network ``{task id: {early_start,
early_finish, late_start, late_finish}}`` as ISO local date-times, or ``{"error": "..."}``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Any


def main() -> None:
    import jpype
    import mpxj  # noqa: F401 - puts MPXJ's jars on the class path

    jpype.startJVM("-Xss16m")
    from java.time import DayOfWeek, LocalDate, LocalDateTime, LocalTime
    from org.mpxj import Duration, LocalTimeRange, ProjectFile, Relation, RelationType, TimeUnit
    from org.mpxj.cpm import MicrosoftScheduler

    types = {
        "FS": RelationType.FINISH_START,
        "SS": RelationType.START_START,
        "FF": RelationType.FINISH_FINISH,
        "SF": RelationType.START_FINISH,
    }
    days = {
        "mon": DayOfWeek.MONDAY,
        "tue": DayOfWeek.TUESDAY,
        "wed": DayOfWeek.WEDNESDAY,
        "thu": DayOfWeek.THURSDAY,
        "fri": DayOfWeek.FRIDAY,
        "sat": DayOfWeek.SATURDAY,
        "sun": DayOfWeek.SUNDAY,
    }

    def iso(value: Any) -> str | None:
        return None if value is None else str(value.toString())[:16]

    def hhmm(text: str) -> Any:
        h, m = text.split(":")
        return LocalTime.of(int(h) % 24, int(m))

    out: list[dict[str, Any]] = []
    for doc in json.load(sys.stdin):
        try:
            pf = ProjectFile()
            cal = pf.addDefaultBaseCalendar()
            body = next(iter(doc["calendars"].values()))
            for name, day in days.items():
                hours = body["week"].get(name, [])
                cal.setWorkingDay(day, bool(hours))
                ch = cal.getCalendarHours(day) or cal.addCalendarHours(day)
                ch.clear()
                for a, b in hours:
                    ch.add(LocalTimeRange(hhmm(a), hhmm(b)))
            for exc in body.get("exceptions", []):
                d = dt.date.fromisoformat(exc["date"])
                cal.addCalendarException(LocalDate.of(d.year, d.month, d.day))
            pf.setDefaultCalendar(cal)
            tasks = {}
            for t in doc["tasks"]:
                task = pf.addTask()
                task.setName(t["id"])
                minutes = t["duration_minutes"]
                task.setDuration(Duration.getInstance(minutes, TimeUnit.MINUTES))
                task.setActualDuration(Duration.getInstance(0, TimeUnit.MINUTES))
                task.setRemainingDuration(Duration.getInstance(minutes, TimeUnit.MINUTES))
                task.setPercentageComplete(jpype.JDouble(0.0))
                if t["duration_minutes"] == 0:
                    task.setMilestone(True)
                tasks[t["id"]] = task
            for k in doc["links"]:
                builder = (
                    Relation.Builder()
                    .predecessorTask(tasks[k["from"]])
                    .type(types[k.get("type", "FS")])
                    .lag(Duration.getInstance(k.get("lag_minutes", 0), TimeUnit.MINUTES))
                )
                tasks[k["to"]].addPredecessor(builder)
            start = dt.datetime.fromisoformat(doc["start"])
            began = time.perf_counter()
            MicrosoftScheduler().schedule(
                pf, LocalDateTime.of(start.year, start.month, start.day, start.hour, start.minute)
            )
            seconds = time.perf_counter() - began
            if doc.get("timing_only"):
                out.append({"seconds": seconds})
                continue
            out.append(
                {
                    tid: {
                        "early_start": iso(task.getEarlyStart()),
                        "early_finish": iso(task.getEarlyFinish()),
                        "late_start": iso(task.getLateStart()),
                        "late_finish": iso(task.getLateFinish()),
                        "start": iso(task.getStart()),
                        "finish": iso(task.getFinish()),
                    }
                    for tid, task in tasks.items()
                }
            )
        except Exception as exc:
            out.append({"error": f"{type(exc).__name__}: {exc}"})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
