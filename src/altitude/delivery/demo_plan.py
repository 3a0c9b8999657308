"""The demo organisation's plans: a realistic WBS per project, calendars, people, progress.

Every project follows the same life cycle (initiation, requirements, design, a build
phase with one work package per feature, testing, deployment, closure) with its own
features, durations drawn from a seeded generator (the demo is the same every time),
links inside phases and between them, and links across projects where the real work
depends on another project.  Rows are bulk-created, then the services schedule, baseline
and progress them, so the demo also exercises the real code paths.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from decimal import Decimal

from altitude.accounts.models import User
from altitude.delivery import services
from altitude.delivery.models import (
    Calendar,
    CalendarException,
    Dependency,
    Program,
    Project,
    Task,
    TaskStatus,
)
from altitude.delivery.services.tasks import renumber
from altitude.resources.models import Assignment, Resource, ResourceKind
from altitude.strategy.models import Portfolio

DAY = 480
STATUS_DATE = dt.date(2026, 6, 12)
"""The demo's "as of" date for progress (a Friday): fixed, so the demo is reproducible."""

FEATURES = {
    "DCX-01": ["Catalogue", "Search", "Cart", "Checkout", "Payments", "Customer accounts", "Order tracking", "Promotions"],
    "DCX-02": ["Login", "Catalogue browsing", "Cart", "Loyalty", "Push notifications", "Store finder"],
    "DCX-03": ["Consent", "Identity resolution", "Shop events", "App events", "Store events", "Service events"],
    "OPS-01": ["Finance", "Procurement", "Inventory", "Sales orders", "Reporting", "Integrations", "Data migration"],
    "OPS-02": ["Racking", "Robots", "Warehouse control system", "Conveyors", "Safety systems"],
    "OPS-03": ["Batch jobs", "Billing", "Archive", "Interfaces"],
    "ESG-01": ["Scope 1 emissions", "Scope 2 emissions", "Scope 3 emissions", "Social data", "Governance data"],
}

# (phase, [(task, days), ...], closing milestone)
BEFORE = [
    ("Initiation", [("Project charter", 3), ("Stakeholder analysis", 2)], "Charter approved"),
    ("Requirements", [("Current-state analysis", 5), ("Requirements workshops", 8), ("Requirements document", 4)],
     "Requirements signed off"),
    ("Design", [("Solution architecture", 10), ("Detailed design", 10), ("Security review", 3)], "Design approved"),
]
AFTER = [
    ("Testing", [("System integration test", 10), ("Performance test", 5), ("User acceptance test", 10)], "Go/no-go decision"),
    ("Deployment", [("Cut-over rehearsal", 3), ("Cut-over", 2)], "Go-live"),
    ("Closure", [("Hypercare", 15), ("Lessons learned", 2)], "Project closed"),
]


@dataclass
class ProjectPlan:
    project: Project
    tasks: dict[str, Task]  # by name


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def german_holidays(years: range) -> list[tuple[str, dt.date]]:
    out: list[tuple[str, dt.date]] = []
    for y in years:
        e = easter(y)
        out += [("New Year's Day", dt.date(y, 1, 1)), ("Good Friday", e - dt.timedelta(days=2)),
                ("Easter Monday", e + dt.timedelta(days=1)), ("Labour Day", dt.date(y, 5, 1)),
                ("Ascension Day", e + dt.timedelta(days=39)), ("Whit Monday", e + dt.timedelta(days=50)),
                ("German Unity Day", dt.date(y, 10, 3)), ("Christmas Day", dt.date(y, 12, 25)),
                ("Boxing Day", dt.date(y, 12, 26))]
    return out


def make_calendars(portfolio: Portfolio, warehouse_project: Project) -> tuple[Calendar, Calendar]:
    standard = Calendar.objects.create(portfolio=portfolio, name="Northwind standard (Germany)")
    CalendarException.objects.bulk_create([
        CalendarException(calendar=standard, name=name, start=day) for name, day in german_holidays(range(2025, 2030))
    ])
    shifts = Calendar.objects.create(
        portfolio=portfolio, project=warehouse_project, name="Leipzig hub shifts", base=standard,
        week={d: [["06:00", "14:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")},
    )
    CalendarException.objects.create(calendar=shifts, name="Annual stock-take", start=dt.date(2027, 12, 30),
                                     end=dt.date(2027, 12, 31))
    return standard, shifts


def _wbs(project: Project, rng: random.Random) -> ProjectPlan:
    """Bulk-create the WBS of one project and the links inside it."""
    rows: list[tuple[str, str | None, int, bool]] = []  # (name, parent name, days, milestone)
    for phase, tasks, milestone in BEFORE:
        rows.append((phase, None, 0, False))
        rows += [(f"{name}", phase, days, False) for name, days in tasks]
        rows.append((milestone, phase, 0, True))
    rows.append(("Build", None, 0, False))
    for feature in FEATURES[project.code]:
        package = f"Feature: {feature}"
        rows.append((package, "Build", 0, False))
        rows += [(f"Build {feature}", package, rng.randint(8, 25), False),
                 (f"Test {feature}", package, rng.randint(3, 8), False)]
    rows.append(("Build complete", "Build", 0, True))
    for phase, tasks, milestone in AFTER:
        rows.append((phase, None, 0, False))
        rows += [(name, phase, days, False) for name, days in tasks]
        rows.append((milestone, phase, 0, True))
    made: dict[str, Task] = {}
    for level in (0, 1, 2):  # parents first, so children can point at their primary keys
        batch = []
        for position, (name, parent, days, is_milestone) in enumerate(rows, start=1):
            depth = 0 if parent is None else (1 if next(r for r in rows if r[0] == parent)[1] is None else 2)
            if depth == level:
                batch.append(Task(project=project, name=name, parent=made.get(parent) if parent else None,
                                  position=position, duration_minutes=days * DAY, milestone=is_milestone))
        for task in Task.objects.bulk_create(batch):
            made[task.name] = task
    renumber(project.pk)
    links: list[tuple[str, str, str, int]] = []
    for _phase, tasks, milestone in [*BEFORE, *AFTER]:
        chain = [name for name, _ in tasks] + [milestone]
        links += [(a, b, "FS", 0) for a, b in itertools.pairwise(chain)]
    links[links.index(("Solution architecture", "Detailed design", "FS", 0))] = (
        "Solution architecture", "Detailed design", "SS", 5 * DAY)  # detail starts once the big picture holds
    order = [p for p, _, _ in BEFORE] + ["Build"] + [p for p, _, _ in AFTER]
    closing = {p: m for p, _, m in [*BEFORE, *AFTER]} | {"Build": "Build complete"}
    opening = {p: t[0][0] for p, t, _ in [*BEFORE, *AFTER]}
    features = FEATURES[project.code]
    for a, b in itertools.pairwise(order):
        if b != "Build":
            links.append((closing[a], opening[b], "FS", 0))
    for k, feature in enumerate(features):
        links.append((f"Build {feature}", f"Test {feature}", "FS", 0))
        links.append((f"Test {feature}", "Build complete", "FS", 0))
        # Two teams: each feature waits for the one two places before it.
        before = closing["Design"] if k < 2 else f"Build {features[k - 2]}"
        links.append((before, f"Build {feature}", "FS", 0))
    Dependency.objects.bulk_create([
        Dependency(predecessor=made[a], successor=made[b], type=kind, lag_minutes=lag) for a, b, kind, lag in links
    ])
    return ProjectPlan(project, made)


CROSS_LINKS = [
    # (from project, task, to project, task): real dependencies between the demo's projects.
    ("DCX-01", "Build Checkout", "DCX-02", "Build Cart"),
    ("DCX-01", "Build Customer accounts", "DCX-02", "Build Login"),
    ("DCX-01", "Go-live", "DCX-02", "Cut-over"),
    ("DCX-02", "Build Push notifications", "DCX-03", "Build App events"),
    ("DCX-01", "Build Order tracking", "DCX-03", "Build Shop events"),
    ("OPS-01", "Build Inventory", "OPS-02", "Build Warehouse control system"),
    ("OPS-01", "Go-live", "OPS-03", "Build Archive"),
    ("OPS-01", "Build Sales orders", "DCX-01", "Build Order tracking"),  # across programs
]


def _people(portfolio: Portfolio, plans: dict[str, ProjectPlan], users: dict[str, User]) -> None:
    pool = {
        "Lena Fischer": (ResourceKind.PERSON, users.get("member"), "95", "1"),
        "Marek Nowak": (ResourceKind.PERSON, users.get("mnowak"), "80", "1"),
        "Commerce developers": (ResourceKind.PERSON, None, "85", "4"),
        "App developers": (ResourceKind.PERSON, None, "85", "3"),
        "ERP consultants (external)": (ResourceKind.PERSON, None, "140", "5"),
        "Business analysts": (ResourceKind.PERSON, None, "75", "3"),
        "Test team": (ResourceKind.PERSON, None, "70", "4"),
        "Robot integrator (external)": (ResourceKind.PERSON, None, "160", "2"),
        "Test lab": (ResourceKind.EQUIPMENT, None, "25", "1"),
    }
    resources = {name: Resource.objects.create(portfolio=portfolio, name=name, kind=kind, user=user,
                                               cost_rate=Decimal(rate), max_units=Decimal(units))
                 for name, (kind, user, rate, units) in pool.items()}
    builders = {"DCX-01": "Commerce developers", "DCX-02": "App developers", "DCX-03": "Commerce developers",
                "OPS-01": "ERP consultants (external)", "OPS-02": "Robot integrator (external)",
                "OPS-03": "ERP consultants (external)", "ESG-01": "Business analysts"}
    rows = []
    for code, plan in plans.items():
        for name, task in plan.tasks.items():
            if name.startswith("Build "):
                rows.append(Assignment(task=task, resource=resources[builders[code]], units=Decimal("2")))
            elif name.startswith("Test ") or name.endswith(" test"):
                rows.append(Assignment(task=task, resource=resources["Test team"]))
            elif name.startswith("Requirements") or name == "Current-state analysis":
                rows.append(Assignment(task=task, resource=resources["Business analysts"]))
        if code == "DCX-01":
            for name in ("Build Checkout", "Build Payments", "Test Checkout", "System integration test"):
                rows.append(Assignment(task=plan.tasks[name], resource=resources["Lena Fischer"]))
            rows.append(Assignment(task=plan.tasks["Performance test"], resource=resources["Test lab"]))
        if code.startswith("OPS"):
            rows.append(Assignment(task=plan.tasks["Cut-over"], resource=resources["Marek Nowak"]))
    Assignment.objects.bulk_create(rows)


def _progress(plan: ProjectPlan, status_date: dt.date) -> None:
    """Work before the status date is done (with actual dates), work across it half done."""
    leaves = [t for t in Task.objects.filter(project=plan.project, children__isnull=True) if t.start and t.finish]
    for task in leaves:
        start, finish = task.start.date(), task.finish.date()  # type: ignore[union-attr]
        if finish <= status_date:
            task.percent_complete, task.status = 100, TaskStatus.DONE
            task.actual_start, task.actual_finish = start, finish
        elif start <= status_date:
            task.percent_complete, task.status, task.actual_start = 50, TaskStatus.IN_PROGRESS, start
    Task.objects.bulk_update(leaves, ["percent_complete", "status", "actual_start", "actual_finish"])
    Project.objects.filter(pk=plan.project.pk).update(status_date=status_date)


def load_plans(portfolio: Portfolio, users: dict[str, User]) -> None:
    """WBS, calendars, resources, schedule, baseline and progress for every demo project."""
    admin = users["admin"]
    rng = random.Random(2026)
    projects = {p.code: p for p in Project.objects.filter(portfolio=portfolio)}
    standard, shifts = make_calendars(portfolio, projects["OPS-02"])
    Project.objects.filter(portfolio=portfolio).update(calendar=standard)
    Project.objects.filter(pk=projects["OPS-02"].pk).update(calendar=shifts)
    plans = {code: _wbs(project, rng) for code, project in sorted(projects.items())}
    Dependency.objects.bulk_create([
        Dependency(predecessor=plans[a].tasks[x], successor=plans[b].tasks[y]) for a, x, b, y in CROSS_LINKS
    ])
    _people(portfolio, plans, users)
    programs = list(Program.objects.filter(portfolio=portfolio).order_by("-name"))  # operations feed digital

    def reschedule() -> None:
        for program in programs:
            services.reschedule_program(admin, program.pk)
        for project in projects.values():
            if project.program_id is None:
                services.reschedule_project(admin, project.pk)

    reschedule()
    for _code, plan in plans.items():
        services.set_baseline(admin, plan.project.pk, "Approved plan")
        stage = plan.project.stage
        if stage in {"executing", "closing"}:
            _progress(plan, STATUS_DATE)
        elif stage == "closed":
            _progress(plan, plan.project.finish_date or STATUS_DATE)
    # The payment provider's certification took a week longer than planned: a visible slip.
    Task.objects.filter(pk=plans["DCX-01"].tasks["Build Payments"].pk).update(duration_minutes=plans["DCX-01"].tasks["Build Payments"].duration_minutes + 5 * DAY)
    reschedule()
