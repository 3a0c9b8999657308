"""Demo risks and issues: threats and opportunities linked to the plans, some escalated.

Rows go through the services as the personas (the project manager raises and escalates
on their project, the program manager on the program), so the demo exercises the real
rules. Works with and without plans: task links are made only where the tasks exist.
Three-point estimates are added to the open work of the Digital Customer Experience
projects so that the program cockpit's forecast has uncertainty to show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from altitude.accounts.models import User
from altitude.delivery.models import Program, Project, Task
from altitude.governance import services
from altitude.governance.models import Issue, Risk
from altitude.strategy.models import Portfolio

DAY = 480

# (project code, title, kind, probability, impact, schedule days per linked task, cost, response, status,
#  linked task names, owner, mitigation plan)
RISKS: list[tuple[Any, ...]] = [
    ("DCX-01", "Payment provider certification slips", "threat", 4, 5, 10, 60000, "mitigate", "mitigating",
     ["Build Payments", "Test Payments"], "project",
     "Weekly call with the provider's certification team; a fallback provider is pre-approved."),
    ("DCX-01", "Peak-season code freeze blocks the cut-over", "threat", 3, 4, 15, 25000, "avoid", "open",
     ["Cut-over"], "project", "Agree the cut-over window with retail operations before design sign-off."),
    ("DCX-01", "Search vendor's relevance tuning needs more sprints", "threat", 3, 2, 5, 18000, "accept", "open",
     ["Build Search"], "member", ""),
    ("DCX-01", "Reuse the design system of the mobile app", "opportunity", 3, 3, -5, -30000, "exploit", "open",
     ["Build Catalogue"], "member", "Align component names with the app team in the design phase."),
    ("DCX-01", "Load test environment not sized like production", "threat", 2, 3, 3, 8000, "transfer", "closed",
     ["Performance test"], "project", "Hosting partner provides a production-sized environment under the contract."),
    ("DCX-02", "App store review rejects the loyalty feature", "threat", 3, 3, 5, 5000, "mitigate", "open",
     ["Build Loyalty"], "ksato", "Pre-review the loyalty rules against the store guidelines."),
    ("DCX-02", "Shared APIs from DCX-01 late", "threat", 4, 4, 10, 40000, "mitigate", "open",
     ["Build Cart"], "ksato", "Build against the API contract with mocks; weekly integration drops."),
    ("DCX-03", "Consent rules change with the new ePrivacy regulation", "threat", 2, 4, 10, 30000, "accept", "open",
     ["Build Consent"], "ksato", ""),
    ("OPS-01", "Data migration quality below the acceptance threshold", "threat", 4, 4, 10, 120000, "mitigate",
     "open", ["Build Data migration", "Test Data migration"], "abello",
     "Three trial migrations with data-quality dashboards; data owners sign off each."),
    ("OPS-01", "Vendor offers an accelerator for the finance templates", "opportunity", 2, 3, -8, -45000, "enhance",
     "open", ["Build Finance"], "abello", "Ask for the accelerator in the next steering committee."),
    ("OPS-02", "Robot supplier capacity for 2027 is sold out", "threat", 3, 5, 20, 200000, "transfer", "open",
     ["Build Robots"], "abello", "Penalty clause and a reserved production slot in the contract."),
    ("OPS-03", "Archive retrieval fails the audit test", "threat", 2, 3, 5, 15000, "mitigate", "occurred",
     ["Build Archive"], "tortega", "Re-run the retrieval test with the auditors' sample."),
    ("ESG-01", "Scope 3 supplier data incomplete", "threat", 4, 2, 0, 10000, "accept", "closed",
     [], "srossi", "Estimate with spend-based factors where suppliers did not report."),
]

ISSUES: list[tuple[Any, ...]] = [
    # (project code, title, severity, status, owner, linked risk title)
    ("DCX-01", "Payment provider certification failed the first run", "high", "in_progress", "project",
     "Payment provider certification slips"),
    ("DCX-01", "Two developers on sick leave this sprint", "medium", "open", "project", None),
    ("DCX-02", "Push notification certificates expired in the test tenant", "low", "resolved", "ksato", None),
    ("OPS-01", "Cloud ERP sandbox not available for two weeks", "critical", "open", "abello", None),
    ("OPS-03", "Archive retrieval failed the audit test", "high", "in_progress", "tortega",
     "Archive retrieval fails the audit test"),
]


def load(portfolio: Portfolio, people: dict[str, User]) -> None:
    projects = {p.code: p for p in Project.objects.filter(portfolio=portfolio)}
    tasks = {(code, name): pk for code, name, pk in Task.objects.filter(project__portfolio=portfolio).values_list(
        "project__code", "name", "pk")}
    admin = people["admin"]
    risks: dict[str, int] = {}
    for (code, title, kind, p, i, days, cost, response, status, linked, owner, plan) in RISKS:
        if code not in projects:
            continue
        risk = services.create_risk(admin, {
            "project_id": projects[code].pk, "title": title, "kind": kind, "probability": p, "impact": i,
            "schedule_impact_minutes": days * DAY, "cost_impact": cost, "response": response, "status": status,
            "owner_id": people[owner].pk, "mitigation_plan": plan,
            "task_ids": [tasks[(code, n)] for n in linked if (code, n) in tasks],
            "due_date": dt.date(2026, 7, 31) if status in ("open", "mitigating") else None,
            "description": f"{title}. Raised in the {projects[code].name} risk workshop.",
        })
        risks[title] = risk.pk
    for code, title, severity, status, owner, risk_title in ISSUES:
        if code not in projects:
            continue
        services.create_issue(admin, {
            "project_id": projects[code].pk, "title": title, "severity": severity, "status": status,
            "owner_id": people[owner].pk, "risk_id": risks.get(risk_title or ""),
            "due_date": dt.date(2026, 6, 30),
        })
    dcx = Program.objects.filter(portfolio=portfolio, name="Digital Customer Experience").first()
    if dcx is not None:
        services.create_risk(people["program"], {
            "program_id": dcx.pk, "title": "Key architects shared between DCX-01 and DCX-02",
            "kind": "threat", "probability": 3, "impact": 4, "response": "mitigate", "status": "open",
            "owner_id": people["program"].pk, "schedule_impact_minutes": 5 * DAY,
            "task_ids": [pk for key, pk in tasks.items() if key in {("DCX-02", "Solution architecture")}],
            "mitigation_plan": "Hire a second solution architect; stagger the design phases.",
        })
    # Escalations: the project managers ask their program for help.
    if "Payment provider certification slips" in risks:
        risk = services.get_entry(Risk, people["project"], risks["Payment provider certification slips"])
        services.escalate_risk(people["project"], risk.pk, risk.version,
                               "A fallback provider needs program budget and the DCX-02 app team depends on the "
                               "payment APIs: the program must decide.")
    ops_issue = Issue.objects.filter(project__code="OPS-01", title__startswith="Cloud ERP sandbox").first()
    if ops_issue is not None:
        services.escalate_issue(people["abello"], ops_issue.pk, ops_issue.version,
                                "The vendor escalation path runs through the program's contract owner.")
    from altitude.governance import register_demo

    register_demo.load(portfolio, people)
    _estimates(portfolio)
    if tasks:  # forecasts need plans; stored so the cockpits show P50/P80 at once
        from altitude.governance.forecast import ForecastUnavailable, run_forecast

        for program in Program.objects.filter(portfolio=portfolio, projects__isnull=False).distinct():
            try:
                run_forecast(program, admin)
            except ForecastUnavailable:
                break  # the cockpit offers to run it later; the demo itself must load regardless


def _estimates(portfolio: Portfolio) -> None:
    """Three-point estimates for the open work of the digital program (build -15/+50 %, the rest -10/+30 %)."""
    changed = []
    for task in Task.objects.filter(project__portfolio=portfolio, project__program__name="Digital Customer Experience",
                                    milestone=False, duration_minutes__gt=0, percent_complete__lt=100):
        d = task.duration_minutes
        low, high = (0.85, 1.5) if task.name.startswith("Build ") else (0.9, 1.3)
        task.optimistic_minutes, task.most_likely_minutes, task.pessimistic_minutes = int(d * low), d, int(d * high)
        changed.append(task)
    Task.objects.bulk_update(changed, ["optimistic_minutes", "most_likely_minutes", "pessimistic_minutes"])
