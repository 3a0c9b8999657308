"""Demo status reports: a few submitted (some amber and red), one project overdue, one draft.

Reports go through the services as each project manager, so the ratings start from
the demo plans' figures and every override carries its comment. Dates are relative to
the day the demo is loaded (the cockpit judges "overdue" against today); rows are
created in a fixed order, so their ids are the same on every load.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from altitude.accounts.models import User
from altitude.delivery.models import Project
from altitude.reporting import services
from altitude.reporting.models import RATED
from altitude.strategy.models import Portfolio

# (project code, manager, days ago submitted (None: the open draft), overrides and narrative)
REPORTS: list[tuple[str, str, int | None, dict[str, Any]]] = [
    ("OPS-03", "tortega", 30, {
        "summary": "Archive retrieval failed the audit test; the re-run with the auditors' sample is being prepared.",
        "accomplishments": "Payroll and fixed-asset workloads moved off the mainframe.",
        "next_steps": "Re-run the retrieval test; switch the mainframe to read-only.",
        "risk_rating": "red", "risk_comment": "The audit finding blocks the decommissioning date."}),
    ("DCX-01", "project", 16, {
        "summary": "Design signed off; catalogue and search build started on time.",
        "accomplishments": "Design sign-off; platform environments provisioned.",
        "next_steps": "Build catalogue, search and payments in parallel."}),
    ("DCX-02", "ksato", 6, {
        "summary": "Planning continues; the app depends on the DCX-01 commerce APIs.",
        "next_steps": "Agree the API contract with DCX-01; solution architecture review.",
        "schedule_rating": "amber",
        "schedule_comment": "The shared API dates from DCX-01 are not confirmed yet."}),
    ("DCX-03", "ksato", 4, {
        "summary": "Initiation: business case and consent model drafted.",
        "next_steps": "Stakeholder workshop on the consent rules."}),
    ("OPS-01", "abello", 3, {
        "summary": "The cloud ERP sandbox is unavailable for two weeks; the data migration trial slips.",
        "accomplishments": "Finance templates configured.",
        "next_steps": "Second trial migration once the sandbox is back.",
        "help_needed": "Escalate the sandbox outage through the program's contract owner.",
        "overall_rating": "red", "overall_comment": "Sandbox outage and migration quality together put go-live at risk."}),
    ("DCX-01", "project", 2, {
        "summary": "Payment provider certification failed the first run; everything else on plan.",
        "accomplishments": "Catalogue and search feature-complete in the test environment.",
        "next_steps": "Second certification run; start the load test.",
        "help_needed": "A decision on funding the fallback payment provider.",
        "risk_rating": "amber", "risk_comment": "Certification is escalated to the program."}),
    ("DCX-01", "project", None, {
        "summary": "Second certification run booked for next week.",
        "next_steps": "Load test; cut-over rehearsal planning."}),
]


def _fill_unrated(values: dict[str, Any], computed: dict[str, Any]) -> dict[str, Any]:
    """Dimensions the figures cannot rate get the manager's amber and a comment (the rule requires one)."""
    for name in RATED:
        if not computed[name]["rating"] and f"{name}_rating" not in values:
            values[f"{name}_rating"] = "amber"
            values[f"{name}_comment"] = "Not rated by the figures yet; watched by the project manager."
    return values


def load(portfolio: Portfolio, people: dict[str, User]) -> None:
    projects = {p.code: p for p in Project.objects.filter(portfolio=portfolio)}
    today = timezone.localdate()
    now = timezone.now()
    for code, manager, days_ago, fields in REPORTS:
        project = projects.get(code)
        if project is None:
            continue
        on = today - dt.timedelta(days=days_ago or 0)
        user = people[manager]
        values = _fill_unrated(dict(fields), services.suggested_values(project, on)["computed"])
        report = services.create_report(user, {"project_id": project.pk, **values}, on)
        if days_ago is None:
            continue
        period_start = on - dt.timedelta(days=13)
        report = services.update_report(user, report.pk, report.version, {"period_start": period_start}, on)
        services.submit_report(user, report.pk, report.version, on, now - dt.timedelta(days=days_ago))
