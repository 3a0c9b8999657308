"""The demo organisation: one portfolio, two programs, seven planned projects, one persona per role.

Used by ``altitude demo`` and ``make run`` so a newcomer sees a realistic
portfolio at once; the browser tests walk the same data.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.module_loading import import_string

from altitude.accounts.models import User
from altitude.core.models import Role
from altitude.delivery.models import (
    Program,
    ProgramMembership,
    ProgramObjective,
    Project,
    ProjectMembership,
    Stage,
)
from altitude.strategy.models import Objective, Portfolio, PortfolioMembership


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    job_title: str
    role: str


# Loaders that add each app's demo rows (registers, actuals, ...) once the plans exist:
# dotted paths to ``load(portfolio, people)`` functions, run in this order.
DEMO_EXTENSIONS: tuple[str, ...] = (
    "altitude.resources.demo_actuals.load",
    "altitude.governance.demo.load",
    "altitude.reporting.demo.load",
)

PERSONAS = (
    Persona("portfolio", "Maria", "Keller", "Head of Portfolio Management", "portfolio manager"),
    Persona("program", "Priya", "Raman", "Program Manager, Digital Customer Experience", "program manager"),
    Persona("project", "Jonas", "Weber", "Project Manager", "project manager of DCX-01"),
    Persona("member", "Lena", "Fischer", "Senior Software Engineer", "team member"),
    Persona("executive", "Robert", "Chen", "Chief Financial Officer", "executive (read only)"),
    Persona("admin", "Ada", "Admin", "System Administrator", "administrator"),
)

# Further named people who run the rest of the demo (they do not sign in).
STAFF = (
    ("tortega", "Tomás", "Ortega", "Program Manager, Operations Modernisation"),
    ("abello", "Aisha", "Bello", "Project Manager"),
    ("ksato", "Kenji", "Sato", "Project Manager"),
    ("srossi", "Sofia", "Rossi", "Sustainability Lead"),
    ("mnowak", "Marek", "Nowak", "Logistics Engineer"),
)


def demo_password(explicit: str | None, host: str) -> str:
    """``ALTITUDE_DEMO_PASSWORD`` if set; ``demo`` on a loopback address; else a random one."""
    if explicit:
        return explicit
    if host in {"127.0.0.1", "localhost", "::1", "[::1]"}:
        return "demo"
    return secrets.token_urlsafe(12)


def has_data() -> bool:
    return Portfolio.objects.exists()


@transaction.atomic
def set_persona_passwords(password: str) -> list[Persona]:
    """(Re)set the demo personas' password so the one printed is the one that works."""
    for persona in PERSONAS:
        user = User.objects.filter(username=persona.username).first()
        if user is not None:
            user.set_password(password)
            user.save(update_fields=["password"])
    return list(PERSONAS)


@transaction.atomic
def load_demo(password: str, *, plans: bool = True) -> Portfolio:
    """Create the demo organisation; refuses to run on a database that already has data.

    ``plans``: also give every project its WBS, calendars, resources, baseline and
    progress, scheduled by the engine (``delivery.demo_plan``); tests that build their
    own small plans leave it out.
    """
    if has_data():
        raise RuntimeError("The database already holds portfolios; the demo loads only into an empty one.")
    people = _people(password)
    portfolio = Portfolio.objects.create(
        name="Northwind Group change portfolio",
        description="Every change initiative of Northwind Group, funded from the 2026-2027 investment budget.",
        owner=people["portfolio"],
    )
    PortfolioMembership.objects.create(portfolio=portfolio, user=people["portfolio"], role=Role.MANAGER)
    PortfolioMembership.objects.create(portfolio=portfolio, user=people["executive"], role=Role.VIEWER)
    objectives = _objectives(portfolio)
    dcx = Program.objects.create(
        portfolio=portfolio, name="Digital Customer Experience", manager=people["program"],
        goal="Double the share of revenue from digital channels by the end of 2027.", budget=Decimal("4200000"),
    )
    ops = Program.objects.create(
        portfolio=portfolio, name="Operations Modernisation", manager=people["tortega"],
        goal="Cut operating cost by 12 % through cloud ERP and warehouse automation.", budget=Decimal("6800000"),
    )
    ProgramMembership.objects.create(program=dcx, user=people["program"], role=Role.MANAGER)
    ProgramMembership.objects.create(program=ops, user=people["tortega"], role=Role.MANAGER)
    ProgramObjective.objects.create(program=dcx, objective=objectives["digital"], contribution=80)
    ProgramObjective.objects.create(program=ops, objective=objectives["cost"], contribution=70)
    projects = [
        ("DCX-01", "New e-commerce platform", dcx, "project", Stage.EXECUTING, 1, "1450000", "1380000", "3900000", 4, date(2026, 3, 2), date(2027, 2, 26),
         "Replace the 2014 web shop with a headless commerce platform and a new checkout."),
        ("DCX-02", "Mobile app relaunch", dcx, "ksato", Stage.PLANNING, 2, "900000", "950000", "2100000", 3, date(2026, 9, 1), date(2027, 6, 30),
         "Native iOS and Android apps on the new commerce APIs, with loyalty features."),
        ("DCX-03", "Customer data platform", dcx, "ksato", Stage.INITIATING, 3, "650000", "700000", "1600000", 3, date(2027, 1, 11), date(2027, 10, 29),
         "One consented customer profile across shop, app, stores and service."),
        ("OPS-01", "ERP migration to the cloud", ops, "abello", Stage.EXECUTING, 1, "3100000", "3350000", "5200000", 3, date(2026, 1, 12), date(2027, 4, 30),
         "Move finance, procurement and inventory from the on-premises ERP to its cloud edition."),
        ("OPS-02", "Warehouse automation", ops, "abello", Stage.PROPOSED, 2, "2400000", "2600000", "4100000", 2, date(2027, 3, 1), date(2028, 3, 31),
         "Goods-to-person robots and a new warehouse control system at the Leipzig hub."),
        ("OPS-03", "Mainframe decommissioning", ops, "tortega", Stage.CLOSING, 3, "800000", "760000", "1100000", 5, date(2025, 6, 2), date(2026, 12, 18),
         "Retire the last mainframe workloads after the ERP migration; archive the data."),
        ("ESG-01", "CSRD sustainability reporting", None, "srossi", Stage.CLOSED, 1, "380000", "365000", "0", 5, date(2025, 9, 1), date(2026, 6, 30),
         "Collect emissions and social data and publish the first CSRD-compliant report."),
    ]
    for code, name, program, manager, stage, priority, budget, cost, benefits, feasibility, start, finish, text in projects:
        project = Project.objects.create(
            portfolio=portfolio, program=program, code=code, name=name, description=text, manager=people[manager],
            sponsor=people["executive"], stage=stage, priority=priority, budget=Decimal(budget),
            estimated_cost=Decimal(cost), expected_benefits=Decimal(benefits), feasibility=feasibility,
            start_date=start, finish_date=finish,
        )
        ProjectMembership.objects.create(project=project, user=people[manager], role=Role.MANAGER)
        if code in {"DCX-01", "DCX-02"}:
            ProjectMembership.objects.create(project=project, user=people["member"], role=Role.MEMBER)
        if code.startswith("OPS"):
            ProjectMembership.objects.create(project=project, user=people["mnowak"], role=Role.MEMBER)
    if plans:
        from altitude.delivery.demo_plan import load_plans

        load_plans(portfolio, people)
        for dotted in DEMO_EXTENSIONS:
            import_string(dotted)(portfolio, people)
    return portfolio


def _people(password: str) -> dict[str, User]:
    people: dict[str, User] = {}
    for p in PERSONAS:
        user = User(username=p.username, first_name=p.first_name, last_name=p.last_name, job_title=p.job_title,
                    email=f"{p.username}@northwind.example")
        if p.username == "admin":
            user.is_superuser = user.is_staff = True
        user.set_password(password)
        user.save()
        people[p.username] = user
    for username, first, last, title in STAFF:
        user = User(username=username, first_name=first, last_name=last, job_title=title,
                    email=f"{username}@northwind.example")
        user.set_unusable_password()
        user.save()
        people[username] = user
    return people


def _objectives(portfolio: Portfolio) -> dict[str, Objective]:
    def make(name: str, weight: str, parent: Objective | None = None) -> Objective:
        return Objective.objects.create(portfolio=portfolio, name=name, weight=Decimal(weight), parent=parent)

    digital = make("Grow digital revenue", "0.45")
    make("Online share of sales above 35 %", "0.6", digital)
    make("Customer NPS above 50", "0.4", digital)
    cost = make("Lower operating cost", "0.35")
    make("Automate back-office processes", "0.5", cost)
    make("Retire legacy platforms", "0.5", cost)
    comply = make("Meet regulation and ESG commitments", "0.20")
    make("CSRD-compliant reporting", "1.0", comply)
    return {"digital": digital, "cost": cost, "comply": comply}
