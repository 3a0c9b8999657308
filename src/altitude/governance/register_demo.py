"""Demo rows of the change, decision, lesson, stakeholder and quality registers.

Called from ``governance.demo.load``. Rows go through the services as the personas
(the team member requests, the project manager assesses and decides), so the demo
exercises the real workflow. Works with and without plans.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from altitude.accounts.models import User
from altitude.delivery.models import Program, Project, Task
from altitude.governance import changes, decisions, lessons, quality, stakeholders
from altitude.strategy.models import Portfolio

# (project, requester, title, reason, scope impact, schedule days, cost, affected task names,
#  steps as (who, target, comment), re-baseline when implemented). The demo takes no new baseline:
# every project keeps measuring its slip against its "Approved plan".
CHANGES: list[tuple[Any, ...]] = [
    ("DCX-01", "project", "Accept gift cards at checkout",
     "Retail wants the gift cards sold in the stores to work online before Christmas.",
     "Gift card payment method, balance check, partial payments.", 8, 45000, ["Build Payments", "Test Payments"],
     [("member", "submitted", ""), ("project", "assessed", "Eight days on Payments; the provider supports it."),
      ("program", "approved", "Worth it for the Christmas season; funded from the program reserve.")], False),
    ("DCX-01", "project", "Move the wishlist to release 2",
     "Frees the search team for relevance tuning.", "Wishlist leaves release 1.", -4, -15000, ["Build Search"],
     [("project", "submitted", "")], False),
    ("DCX-01", "member", "Dark mode for the storefront", "Customer survey asks for it.", "Second colour theme.", 3,
     6000, [], [], False),
    ("DCX-02", "ksato", "Apple Pay and Google Pay in the app", "Half of the app users pay by wallet.",
     "Two wallet payment methods.", 6, 22000, ["Build Cart"],
     [("ksato", "submitted", ""), ("ksato", "assessed", "Depends on the DCX-01 payment APIs; six days."),
      ("program", "approved", "Approved while the app is still in planning: cheaper now than after launch."),
      ("ksato", "implemented", "")], False),
    ("OPS-01", "abello", "Add the Swiss entity to the first wave", "Finance asks to close the Swiss books in the ERP.",
     "One more legal entity, CHF ledger.", 15, 90000, [],
     [("abello", "submitted", ""), ("abello", "assessed", "Fifteen days; the data migration gets a third source."),
      ("tortega", "rejected", "Not in the first wave: the migration risk is already the program's biggest.")], False),
]

# (project code or "program:<name>", recorder, title, context, options, owner, due date, decided by and text or None)
DECISIONS: list[tuple[Any, ...]] = [
    ("program:Digital Customer Experience", "program", "Fallback payment provider: contract now or wait for the "
     "certification rerun?", "The certification of the main provider failed its first run (issue on DCX-01).",
     "Contract the fallback now: 40k, safe date.\nWait for the rerun: no cost, two weeks of risk.", "program",
     dt.date(2026, 5, 15), None),
    ("program:Digital Customer Experience", "program", "Share one release train between the web shop and the app",
     "DCX-01 and DCX-02 release on different cadences; the shared APIs break the app.",
     "One train every two weeks.\nKeep separate trains with contract tests.", "program", dt.date(2027, 1, 29), None),
    ("DCX-01", "project", "Search vendor: extend the contract or switch at go-live?",
     "The relevance tuning takes longer than planned.", "Extend by six months.\nSwitch to the platform's search.",
     "project", dt.date(2027, 1, 15), None),
    ("DCX-01", "member", "Hosting region for the shop", "Latency tests from the three markets.",
     "Frankfurt.\nAmsterdam.", "project", dt.date(2026, 3, 31),
     ("project", "Frankfurt: lowest latency for two of three markets, same region as the ERP.")),
    ("OPS-01", "abello", "Keep the legacy finance reports for one more quarter?", "Auditors asked for parallel runs.",
     "Keep them (one extra quarter of licences).\nStop at go-live.", "abello", dt.date(2026, 9, 30), None),
]

# (project, author, title, category, effect, tags, what happened, what we learned)
LESSONS: list[tuple[str, ...]] = [
    ("OPS-03", "tortega", "Auditors' sample data found the retrieval gaps", "quality", "negative", "archive, audit, testing",
     "The archive retrieval passed our own tests and failed the auditors' sample.",
     "Ask the auditors for their sample in the first month and test with it from the start."),
    ("OPS-03", "tortega", "Decommissioning plan agreed with every data owner", "people", "positive",
     "migration, stakeholders", "Each data owner signed the retirement date of their mainframe jobs.",
     "A signed date per owner prevents the last-minute 'one more report' requests."),
    ("OPS-01", "abello", "Trial migrations caught data quality early", "technical", "positive",
     "erp, migration, data-quality", "Three trial runs with dashboards showed the bad master data months ahead.",
     "Plan at least three trial migrations and let the data owners sign each one off."),
    ("ESG-01", "srossi", "Supplier data came late for scope 3", "supplier", "negative", "reporting, suppliers, data",
     "A third of the suppliers reported after the deadline.",
     "Send the data request with the contract renewal and use spend-based estimates as the fallback."),
    ("DCX-01", "project", "Payment provider certification takes two runs", "schedule", "negative",
     "payments, certification, platform", "The first certification run failed on 3-D Secure.",
     "Plan two certification runs and book the provider's test slots early."),
]

# (project, name, organisation, role, influence, interest, current, desired, channel, frequency, owner)
STAKEHOLDERS: list[tuple[Any, ...]] = [
    ("DCX-01", "Head of Retail Operations", "Northwind Retail", "owns the stores and the peak-season freeze", 5, 4,
     "neutral", "supportive", "Steering committee", "Monthly", "project"),
    ("DCX-01", "Store managers", "Northwind Retail", "click-and-collect in the stores", 2, 5, "resistant", "supportive",
     "Newsletter and store visits", "Every release", "member"),
    ("DCX-01", "Payment provider account manager", "PayCo", "certification and fees", 4, 2, "supportive", "supportive",
     "One-to-one call", "Weekly", "project"),
    ("DCX-01", "Works council", "Northwind Group", "consulted on staff-facing changes", 4, 3, "unaware", "neutral",
     "Formal consultation", "Per milestone", "project"),
    ("OPS-01", "Chief Accountant", "Finance", "signs off the migrated ledgers", 5, 5, "supportive", "leading",
     "Steering committee", "Fortnightly", "abello"),
    ("OPS-01", "External auditors", "Audit firm", "review of the migration controls", 4, 2, "neutral", "neutral",
     "Audit meeting", "Quarterly", "abello"),
]

# (project, task name, criterion, method, planned date, result, who records it, notes). Needs the plans.
CHECKS: list[tuple[Any, ...]] = [
    ("DCX-01", "Test Payments", "Every payment method passes the provider's certification suite", "Provider test run",
     dt.date(2026, 6, 5), "failed", "member", "3-D Secure challenge flow times out on two card brands."),
    ("DCX-01", "Performance test", "Checkout answers within 2 s at 3x the peak load", "Load test", dt.date(2026, 9, 18),
     "pending", "", ""),
    ("DCX-01", "Build Search", "Top-10 relevance of 85 % on the merchandisers' query set", "Review with merchandisers",
     dt.date(2026, 5, 22), "passed", "member", "88 % on 200 queries."),
    ("OPS-03", "Build Archive", "Auditors retrieve any record of the sample within 24 h", "Audit sample test",
     dt.date(2026, 4, 30), "waived", "tortega", "Auditors accepted 48 h for records older than ten years (minutes of 2026-04-28)."),
]


def load(portfolio: Portfolio, people: dict[str, User]) -> None:
    projects = {p.code: p for p in Project.objects.filter(portfolio=portfolio)}
    tasks = {(code, name): pk for code, name, pk in Task.objects.filter(project__portfolio=portfolio).values_list(
        "project__code", "name", "pk")}
    _changes(projects, tasks, people)
    _checks(projects, tasks, people)
    _decisions(portfolio, projects, people)
    for code, name, org, role, influence, interest, now, desired, channel, frequency, owner in STAKEHOLDERS:
        if code in projects:
            manager = projects[code].manager or people["admin"]
            stakeholders.create_stakeholder(manager, {
                "project_id": projects[code].pk, "name": name, "organisation": org, "role": role,
                "influence": influence, "interest": interest, "current_engagement": now, "desired_engagement": desired,
                "channel": channel, "frequency": frequency, "communication_owner_id": people[owner].pk})
    for code, author, title, category, effect, tags, happened, learned in LESSONS:
        if code in projects:
            lessons.create_lesson(people[author], {
                "project_id": projects[code].pk, "title": title, "category": category, "effect": effect, "tags": tags,
                "what_happened": happened, "learned": learned})


def _changes(projects: dict[str, Project], tasks: dict[tuple[str, str], int], people: dict[str, User]) -> None:
    for code, requester, title, reason, scope, days, cost, affected, steps, rebaseline in CHANGES:
        if code not in projects:
            continue
        change = changes.create_change_request(people[requester], {
            "project_id": projects[code].pk, "title": title, "reason": reason, "scope_impact": scope,
            "schedule_impact_days": days, "cost_impact": cost,
            "task_ids": [tasks[(code, n)] for n in affected if (code, n) in tasks],
        })
        for who, target, comment in steps:
            change = changes.transition(people[who], change.pk, change.version, target, comment=comment,
                                        rebaseline=rebaseline and target == "implemented")


def _decisions(portfolio: Portfolio, projects: dict[str, Project], people: dict[str, User]) -> None:
    programs = {p.name: p for p in Program.objects.filter(portfolio=portfolio)}
    for where, recorder, title, context, options, owner, due, decided in DECISIONS:
        if where.startswith("program:"):
            if where[8:] not in programs:
                continue
            scope: dict[str, Any] = {"program_id": programs[where[8:]].pk}
        elif where in projects:
            scope = {"project_id": projects[where].pk}
        else:
            continue
        decision = decisions.create_decision(people[recorder], {
            **scope, "title": title, "context": context, "options": options, "owner_id": people[owner].pk,
            "due_date": due,
        })
        if decided is not None:
            decisions.decide(people[decided[0]], decision.pk, decision.version, decided[1])


def _checks(projects: dict[str, Project], tasks: dict[tuple[str, str], int], people: dict[str, User]) -> None:
    for code, task, criterion, method, planned, result, who, notes in CHECKS:
        if code not in projects or (code, task) not in tasks:
            continue
        check = quality.create_check(projects[code].manager or people["admin"], {
            "project_id": projects[code].pk, "task_id": tasks[(code, task)], "criterion": criterion, "method": method,
            "planned_date": planned})
        if result != "pending":
            quality.record_result(people[who], check.pk, check.version, result, notes)
