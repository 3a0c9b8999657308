"""Program forecast: Monte Carlo P50/P80 of the program finish, its projects and milestones.

The adapter turns the stored program (tasks, links, calendars, progress: the same input as
the program reschedule), the tasks' three-point estimates and the open risks of the
program and its projects into the engine's :class:`UncertaintyModel`:

* a task with optimistic / most likely / pessimistic minutes varies (triangular); a task
  without them keeps its planned duration (no invented uncertainty);
* an open or mitigating risk with a schedule impact and linked tasks becomes a
  :class:`RiskEvent`: it occurs with its forecast probability (the override, else
  10/30/50/70/90 % from the 1-5 scale) and then adds its impact to each linked task
  (negative for an opportunity). Closed and occurred risks are left out (an occurred risk
  is in the plan already, as an issue or a longer task).

Results are stored per program with a fingerprint of their inputs (last schedule run,
register and plan changes), so the cockpit shows them at once and says when they are
out of date; a new computation is one button press (a modest number of runs).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from altitude.core.errors import InvalidInput
from altitude.core.policy import Action, AnyUser, Resource, authorize_visible
from altitude.delivery.adapters import load_plan, to_engine
from altitude.delivery.models import Program, ScheduleRun, Task
from altitude.delivery.services import get_program
from altitude.delivery.services.scheduling import program_project_ids
from altitude.engine import network as en
from altitude.engine.errors import SchedulingError
from altitude.governance.models import ACTIVE_RISK, ProgramForecast, Risk

if TYPE_CHECKING:  # the engine is imported when a forecast runs, so pages never depend on it
    from altitude.engine.montecarlo import SimulationResult, UncertaintyModel

RUNS = 2000
SEED = 20260612


class ForecastUnavailable(InvalidInput):
    """The simulation engine cannot be loaded (pages keep working without a forecast)."""


@dataclass(frozen=True)
class SimulationInput:
    network: en.Network
    model: UncertaintyModel
    targets: dict[str, list[str]]
    labels: dict[str, str]


def fingerprint(program: Program) -> tuple[str, int | None]:
    """What the forecast depends on, in 3 queries: last run, register and plan changes."""
    run_id = ScheduleRun.objects.filter(program=program).values_list("pk", flat=True).first()
    risks = Risk.objects.filter(Q(program=program) | Q(project__program=program)).aggregate(n=Count("pk"), at=Max("updated_at"))
    tasks = Task.objects.filter(project__program=program).aggregate(n=Count("pk"), at=Max("updated_at"))
    return f"run {run_id}; risks {risks['n']} {_stamp(risks['at'])}; tasks {tasks['n']} {_stamp(tasks['at'])}", run_id


def _stamp(value: dt.datetime | None) -> str:
    return value.isoformat() if value else "-"


def simulation_input(program: Program) -> SimulationInput:
    """The engine input of the program (see the module docstring for the rules)."""
    from altitude.engine.montecarlo import (
        RiskEvent,
        RiskImpact,
        ThreePointEstimate,
        UncertaintyModel,
    )

    project_ids = program_project_ids(program)
    if not project_ids:
        raise InvalidInput("The program has no project to forecast.", field="program_id")
    plan = load_plan(project_ids)
    try:
        network = en.build_network(to_engine(plan))
    except SchedulingError as exc:
        raise InvalidInput(f"The program cannot be scheduled: {exc}", field="schedule") from exc
    parents = {t[2] for t in plan.tasks if t[2] is not None}
    codes = {pk: p["code"] for pk, p in plan.projects.items()}
    targets: dict[str, list[str]] = {}
    for t in plan.tasks:
        if t[0] not in parents:
            targets.setdefault(codes[t[1]], []).append(str(t[0]))
    estimates: dict[str, Any] = {}
    for pk, o, m, p in (Task.objects.filter(project_id__in=project_ids, optimistic_minutes__isnull=False,
                                            most_likely_minutes__isnull=False, pessimistic_minutes__isnull=False)
                        .exclude(pk__in=parents)
                        .values_list("pk", "optimistic_minutes", "most_likely_minutes", "pessimistic_minutes")):
        if o is not None and m is not None and p is not None and o <= m <= p:
            estimates[str(pk)] = ThreePointEstimate(float(o), float(m), float(p))
    own = {str(t[0]) for t in plan.tasks if t[0] not in parents}
    events = []
    for risk in (Risk.objects.filter(Q(program=program) | Q(project_id__in=project_ids), status__in=ACTIVE_RISK)
                 .exclude(schedule_impact_minutes=0).select_related("project").prefetch_related("tasks").order_by("pk")):
        impacts = tuple(RiskImpact(task=str(t.pk), add_minutes=float(risk.schedule_impact_minutes))
                        for t in risk.tasks.all() if str(t.pk) in own)
        if impacts:
            where = risk.project.code if risk.project else "Program"
            events.append(RiskEvent(id=str(risk.pk), probability=risk.simulation_probability / 100, impacts=impacts,
                                    name=f"{where} {risk.code} {risk.title}"))
    return SimulationInput(network=network, model=UncertaintyModel(estimates=estimates, risks=tuple(events)),
                           targets=targets, labels=plan.labels)


def _day(when: dt.datetime) -> str:
    return when.date().isoformat()


def summarise(sim: SimulationInput, plan: Any, result: SimulationResult, risks: dict[str, str]) -> dict[str, Any]:
    """The stored, template-ready figures: dates of P50/P80 per target, top risk drivers."""
    from altitude.engine.montecarlo import PROGRAM

    rows: list[dict[str, Any]] = []
    for target in result.targets:
        if target.name == PROGRAM:
            kind, label = "program", "Program finish"
        elif target.name in sim.targets:
            kind, label = "project", f"{target.name} finish"
        else:
            kind, label = "milestone", sim.labels.get(target.name, target.name)
        rows.append({
            "kind": kind, "name": label, "planned": _day(plan.finish_date(target.deterministic)),
            "p50": _day(plan.finish_date(target.percentiles[50])), "p80": _day(plan.finish_date(target.percentiles[80])),
            "contingency_days": round(target.contingency(80.0) / 480, 1),
            "on_time_percent": round(target.probability_by(target.deterministic) * 100),
        })
    order = {"program": 0, "project": 1, "milestone": 2}
    rows.sort(key=lambda r: (order[str(r["kind"])], str(r["p80"]), str(r["name"])))
    drivers = [{"risk_id": int(d.id), "name": risks.get(d.id, d.id), "shift_days": round(d.finish_shift_minutes / 480, 1),
                "occurred_percent": round(d.occurred_share * 100)} for d in result.risk_drivers[:5]]
    return {"rows": rows, "drivers": drivers, "estimates": len(sim.model.estimates), "risks": len(sim.model.risks)}


def run_forecast(program: Program, user: AnyUser | None = None, *, runs: int = RUNS, seed: int = SEED) -> ProgramForecast:
    """Compute and store the program's forecast (no permission check: see ``compute``)."""
    try:
        from altitude.engine.montecarlo import prepare, simulate
    except ImportError as exc:  # pragma: no cover - only while the engine is being rebuilt
        raise ForecastUnavailable(f"The forecast engine is not available: {exc}", field="schedule") from exc

    clock = time.perf_counter()
    stamp, run_id = fingerprint(program)
    sim = simulation_input(program)
    try:
        plan = prepare(sim.network, sim.model, targets=sim.targets)
        result = simulate(plan, runs=runs, seed=seed)
    except SchedulingError as exc:
        raise InvalidInput(f"The forecast failed: {exc}", field="schedule") from exc
    names = {r.id: r.name for r in sim.model.risks}
    data = summarise(sim, plan, result, names)
    return ProgramForecast.objects.create(
        program=program, schedule_run_id=run_id, fingerprint=stamp, runs=runs, seed=seed, computed_at=timezone.now(),
        computed_by=user if user is not None and user.is_authenticated else None,  # type: ignore[misc]
        duration_ms=int((time.perf_counter() - clock) * 1000), data=data,
    )


def compute(user: AnyUser, program_id: int) -> ProgramForecast:
    """Anyone who sees the program's schedule may refresh its forecast (it only reads the plan)."""
    program = get_program(user, program_id)
    authorize_visible(user, Resource.SCHEDULE, Action.VIEW, program, label="program schedule")
    return run_forecast(program, user)


def latest(program: Program) -> tuple[ProgramForecast | None, bool]:
    """The last stored forecast and whether it is still current (same inputs)."""
    stored = ProgramForecast.objects.filter(program=program).first()
    if stored is None:
        return None, False
    return stored, stored.fingerprint == fingerprint(program)[0]


def drivers_for(user: AnyUser, stored: ProgramForecast | None) -> list[dict[str, Any]]:
    """The stored top risk drivers this user may open (1 query); the others are not named to them."""
    if stored is None:
        return []
    from altitude.governance.services import visible_risks

    drivers = [dict(d) for d in stored.data.get("drivers", [])]
    seen = set(visible_risks(user).filter(pk__in=[d["risk_id"] for d in drivers]).values_list("pk", flat=True))
    for d in drivers:
        d["visible"] = d["risk_id"] in seen
    return [d for d in drivers if d["visible"]]
