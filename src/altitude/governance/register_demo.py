"""Demo rows of the change, decision, lesson, stakeholder and quality registers.

Called from ``governance.demo.load``. Rows go through the services as the personas
(the team member requests, the project manager assesses and decides), so the demo
exercises the real workflow. Works with and without plans.
"""

from __future__ import annotations

from typing import Any

from altitude.accounts.models import User
from altitude.delivery.models import Project, Task
from altitude.governance import changes
from altitude.strategy.models import Portfolio

# (project, requester, title, reason, scope impact, schedule days, cost, affected task names,
#  steps as (who, target, comment), re-baseline when implemented)
CHANGES: list[tuple[Any, ...]] = [
    ("DCX-01", "member", "Accept gift cards at checkout",
     "Retail wants the gift cards sold in the stores to work online before Christmas.",
     "Gift card payment method, balance check, partial payments.", 8, 45000, ["Build Payments", "Test Payments"],
     [("member", "submitted", ""), ("project", "assessed", "Eight days on Payments; the provider supports it."),
      ("program", "approved", "Worth it for the Christmas season; funded from the program reserve."),
      ("project", "implemented", "")], True),
    ("DCX-01", "project", "Move the wishlist to release 2",
     "Frees the search team for relevance tuning.", "Wishlist leaves release 1.", -4, -15000, ["Build Search"],
     [("project", "submitted", "")], False),
    ("DCX-01", "member", "Dark mode for the storefront", "Customer survey asks for it.", "Second colour theme.", 3,
     6000, [], [], False),
    ("DCX-02", "ksato", "Apple Pay and Google Pay in the app", "Half of the app users pay by wallet.",
     "Two wallet payment methods.", 6, 22000, ["Build Cart"],
     [("ksato", "submitted", ""), ("ksato", "assessed", "Depends on the DCX-01 payment APIs; six days.")], False),
    ("OPS-01", "abello", "Add the Swiss entity to the first wave", "Finance asks to close the Swiss books in the ERP.",
     "One more legal entity, CHF ledger.", 15, 90000, [],
     [("abello", "submitted", ""), ("abello", "assessed", "Fifteen days; the data migration gets a third source."),
      ("tortega", "rejected", "Not in the first wave: the migration risk is already the program's biggest.")], False),
]


def load(portfolio: Portfolio, people: dict[str, User]) -> None:
    projects = {p.code: p for p in Project.objects.filter(portfolio=portfolio)}
    tasks = {(code, name): pk for code, name, pk in Task.objects.filter(project__portfolio=portfolio).values_list(
        "project__code", "name", "pk")}
    _changes(projects, tasks, people)


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
