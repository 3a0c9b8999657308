"""Days off in a person's own calendar are levelling capacity (``altitude.resources.days_off``).

The plan (``tests.web.planning``): DCX-01's Design (5 d) -> Build (3 d, Lena full-time) ->
Go-live, on the standard Monday-Friday calendar. Lena gets a calendar of her own: leave,
a half day, a holiday the plan's calendar also has, a different working week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.test import Client

from altitude.delivery.models import Calendar, CalendarException, Project, Task
from altitude.delivery.services import reschedule_project
from altitude.engine.calendars import Calendar as EngineCalendar
from altitude.engine.calendars import CalendarException as EngineException
from altitude.engine.calendars import WorkingTime
from altitude.resources import leveling
from altitude.resources import services as pool
from altitude.resources.days_off import days_off
from altitude.resources.models import Assignment, Resource
from tests.personas import Demo
from tests.web.planning import Plan

Clients = Callable[[str], Client]


def _lena_calendar(demo: Demo, plan: Plan, *exceptions: CalendarException, **fields: object) -> Calendar:
    calendar = Calendar.objects.create(portfolio=demo.portfolio, name="Lena (Saxony)", **fields)
    for exc in exceptions:
        exc.calendar = calendar
        exc.save()
    Resource.objects.filter(pk=plan.resource.pk).update(calendar=calendar)
    return calendar


def _build_day(plan: Plan) -> dt.date:
    build = Task.objects.get(pk=plan.build.pk)
    assert build.start is not None
    return build.start.date()


def _next_weekday(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_leave_over_a_task_moves_it_after_the_leave(client_for: Clients, demo: Demo, plan: Plan) -> None:
    """Lena is on leave for a week from Build's first day: Build (unsplit) starts on the first
    working day after her leave, and Go-live follows; nothing else holds her."""
    first = _build_day(plan)
    last = first + dt.timedelta(days=6)
    _lena_calendar(demo, plan, CalendarException(name="Leave", start=first, end=last))

    result = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    delayed = {d.label: d for d in result.delayed}
    build = delayed["1.2 Build"]
    assert build.resource == "Lena Fischer" and build.competing == ()
    assert build.levelled_start.date() == _next_weekday(last)
    assert delayed["2 Go-live"].predecessor == "1.2 Build"
    assert [(o.resource, o.load_percent, o.capacity_percent) for o in result.before] == [("Lena Fischer", 100, 0)]
    assert result.after == () and result.status != "infeasible"
    assert result.days_off == (("Lena Fischer", 5),)

    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode()
    assert 'data-fact="days-off">Lena Fischer 5 days<' in html
    assert "Lena Fischer has too little capacity left then (days off in their calendar" in html
    api = client_for("project").get(f"/api/v1/projects/{demo.dcx01.pk}/leveling-preview").json()
    assert api["days_off"] == [["Lena Fischer", 5]]
    assert leveling.from_json(leveling.to_json(result)).days_off == result.days_off
    kept = leveling.to_json(result)
    del kept["days_off"]
    assert leveling.from_json(kept).days_off == (), "a run kept before days off still reads"
    program = pool.level_program_preview(demo.user("admin"), demo.dcx.pk)
    assert program.days_off == (("Lena Fischer", 5),) and "1.2 Build" in {
        d.label.split(" ", 1)[1] for d in program.delayed}

    pool.apply_leveling(demo.user("project"), demo.dcx01.pk)
    moved = Task.objects.get(pk=plan.build.pk)
    assert (moved.constraint_type, moved.constraint_date) == ("snet", _next_weekday(last))
    again = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert again.before == () and again.delayed == (), "applied, the plan keeps clear of her leave"


def test_a_half_day_takes_half_the_person(demo: Demo, plan: Plan) -> None:
    """A 4-hour working exception on an 8-hour weekday leaves Lena 50 %: a full-time Build
    over it waits, a half-time one does not."""
    day = _build_day(plan)
    _lena_calendar(demo, plan, CalendarException(name="Christmas Eve", start=day, working=True,
                                                 intervals=[["08:00", "12:00"]]))
    result = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert [(o.load_percent, o.capacity_percent) for o in result.before] == [(100, 50)]
    assert "1.2 Build" in {d.label for d in result.delayed}

    Assignment.objects.filter(pk=plan.assignment.pk).update(units=Decimal("0.5"))
    half = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert half.before == () and half.delayed == () and half.days_off == (("Lena Fischer", 1),)


def test_her_own_working_week_is_what_full_time_means(demo: Demo, plan: Plan) -> None:
    """A 9:00-17:30 week (or a holiday the plan's calendar has too) takes nothing off: units are
    a share of the person's own working time, and a day the plan does not work needs no one."""
    holiday = _build_day(plan)
    project_calendar = Calendar.objects.create(portfolio=demo.portfolio, name="DCX calendar")
    CalendarException.objects.create(calendar=project_calendar, name="Founders' day", start=holiday)
    Project.objects.filter(pk=demo.dcx01.pk).update(calendar=project_calendar)
    reschedule_project(demo.user("project"), demo.dcx01.pk)
    _lena_calendar(demo, plan, CalendarException(name="Founders' day", start=holiday),
                   week={d: [["09:00", "17:30"]] for d in ("mon", "tue", "wed", "thu")})
    result = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert result.before == () and result.delayed == () and result.days_off == ()


def test_a_task_under_way_over_her_leave_stays_and_says_why(client_for: Clients, demo: Demo, plan: Plan) -> None:
    """Build has started; Lena's leave falls on its second day: the over-allocation stays, and
    the page says she has nothing then and that Build is under way."""
    first = _build_day(plan)
    Project.objects.filter(pk=demo.dcx01.pk).update(status_date=first + dt.timedelta(days=1))
    Task.objects.filter(pk=plan.build.pk).update(actual_start=plan.build.start, percent_complete=30)
    Task.objects.filter(pk=plan.design.pk).update(actual_finish=plan.design.finish, percent_complete=100,
                                                  actual_start=plan.design.start)
    reschedule_project(demo.user("project"), demo.dcx01.pk)
    leave = _next_weekday(first)
    _lena_calendar(demo, plan, CalendarException(name="Sick leave", start=leave))

    result = pool.level_preview(demo.user("project"), demo.dcx01.pk)
    assert result.status == "infeasible"
    (over,) = result.after
    assert over.tasks == ("1.2 Build",) and over.capacity_percent == 0
    assert set(over.reasons) == {"1.2 Build needs 100 % where Lena Fischer has 0 % (days off or work elsewhere)",
                                 "1.2 Build: under way"}
    html = client_for("project").get(f"/projects/{demo.dcx01.pk}/resources/?level=1").content.decode()
    assert "1.2 Build needs 100 % where Lena Fischer has 0 %" in html


def test_the_days_off_of_a_calendar_on_the_plans_axis() -> None:
    """Engine calendars only: leave takes the whole day, a short day its share, extra working
    time and days before the plan or when the plan does not work count for nothing."""
    epoch = dt.datetime(2026, 6, 1)  # a Monday
    axis = WorkingTime(EngineCalendar(exceptions=(EngineException(dt.date(2026, 6, 5)),)), epoch)
    own = EngineCalendar(exceptions=(
        EngineException(dt.date(2026, 5, 29)),  # before the plan
        EngineException(dt.date(2026, 6, 2)),  # leave: Tuesday
        EngineException(dt.date(2026, 6, 3), working=True, intervals=((480, 600),)),  # 2 of 8 hours
        EngineException(dt.date(2026, 6, 5)),  # a holiday of the plan too
        EngineException(dt.date(2026, 6, 6), working=True),  # a Saturday worked: no more than the units
    ))
    found = [(d.day, d.begin, d.end, d.share) for d in days_off(own, axis)]
    assert found == [(dt.date(2026, 6, 2), 480, 960, 1.0), (dt.date(2026, 6, 3), 960, 1440, 0.75)]
