"""The JSON contract of ``altitude simulate``: the schedule network plus uncertainty.

Input: the network of ``altitude schedule`` (``docs/schemas/network.schema.json``) with

* per task, optional ``"estimate": {"optimistic_minutes", "most_likely_minutes",
  "pessimistic_minutes", "distribution": "triangular" | "pert" | "pert_classic"}`` and
  ``"category"`` (a default band applies when a categorised task has no estimate);
* top level, optional ``"risks": [{"id", "name", "probability", "impacts": [{"task",
  "add_minutes", "multiplier"}]}]`` (negative ``add_minutes`` or a multiplier below 1:
  an opportunity), ``"drivers": [{"id", "tasks": {"TASK": correlation}}]`` and
  ``"targets": {"NAME": ["TASK", ...]}`` (finishes to report besides the program end,
  every milestone and every ``"project"``).

Output (``docs/schemas/simulation-result.schema.json``): ``"finish_percentiles"`` of the
program end (``{"P10": "...", ..., "P95": "..."}``), histogram, contingency, one entry per
target, per task ``"criticality"`` and ``"sensitivity"``, and the ranked risk drivers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from altitude.engine.errors import ScheduleValidationError
from altitude.engine.montecarlo import (
    PROGRAM,
    DistributionKind,
    FinishDistribution,
    RiskEvent,
    RiskImpact,
    SharedDriver,
    SimulationPlan,
    SimulationResult,
    ThreePointEstimate,
    UncertaintyModel,
)
from altitude.interop.network_json import parse_network

_EXTRA_TASK_KEYS = ("estimate", "category")


def _bad(msg: str, task: str | None = None, fld: str | None = None) -> ScheduleValidationError:
    return ScheduleValidationError(msg, task=task, field=fld)


def _number(value: Any, task: str | None, fld: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad(f"expected a number, got {value!r}", task, fld)
    return float(value)


def _estimate(raw: Any, tid: str) -> ThreePointEstimate:
    if not isinstance(raw, dict):
        raise _bad("expected an object", tid, "estimate")
    unknown = set(raw) - {"optimistic_minutes", "most_likely_minutes", "pessimistic_minutes",
                          "distribution"}
    if unknown:
        raise _bad(f"unknown field(s) {sorted(unknown)}", tid, f"estimate.{sorted(unknown)[0]}")
    values = []
    for key in ("optimistic_minutes", "most_likely_minutes", "pessimistic_minutes"):
        if key not in raw:
            raise _bad("missing", tid, f"estimate.{key}")
        values.append(_number(raw[key], tid, f"estimate.{key}"))
    kind = raw.get("distribution", "triangular")
    try:
        distribution = DistributionKind(kind.lower() if isinstance(kind, str) else kind)
    except ValueError:
        raise _bad(f"unknown distribution {kind!r}", tid, "estimate.distribution") from None
    try:
        return ThreePointEstimate(values[0], values[1], values[2], distribution)
    except ValueError as exc:
        raise _bad(str(exc), tid, "estimate") from None


def _risk(raw: Any, j: int) -> RiskEvent:
    fld = f"risks[{j}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise _bad("a risk needs a string id", None, fld)
    rid = raw["id"]
    prob = _number(raw.get("probability"), None, f"{fld}.probability")
    impacts_raw = raw.get("impacts", [])
    if not isinstance(impacts_raw, list):
        raise _bad("expected a list", None, f"{fld}.impacts")
    impacts = []
    for k, imp in enumerate(impacts_raw):
        ifld = f"{fld}.impacts[{k}]"
        if not isinstance(imp, dict) or not isinstance(imp.get("task"), str):
            raise _bad("an impact needs a task id", None, ifld)
        try:
            impacts.append(RiskImpact(
                task=imp["task"],
                add_minutes=_number(imp.get("add_minutes", 0), imp["task"], f"{ifld}.add_minutes"),
                multiplier=_number(imp.get("multiplier", 1), imp["task"], f"{ifld}.multiplier"),
            ))
        except ValueError as exc:
            if isinstance(exc, ScheduleValidationError):
                raise
            raise _bad(str(exc), imp["task"], ifld) from None
    try:
        return RiskEvent(id=rid, probability=prob, impacts=tuple(impacts),
                         name=str(raw.get("name") or ""))
    except ValueError as exc:
        raise _bad(str(exc), None, f"{fld}.probability") from None


def _driver(raw: Any, j: int) -> SharedDriver:
    fld = f"drivers[{j}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("tasks"), dict):
        raise _bad("a driver needs an id and a 'tasks' object {task: correlation}", None, fld)
    corr = {str(t): _number(v, str(t), f"{fld}.tasks") for t, v in raw["tasks"].items()}
    try:
        return SharedDriver(id=str(raw.get("id", j)), correlations=corr)
    except ValueError as exc:
        raise _bad(str(exc), None, f"{fld}.tasks") from None


def parse_simulation(data: Mapping[str, Any]) -> tuple[Any, UncertaintyModel, dict[str, list[str]]]:
    """Validate the document: (ScheduleInput, UncertaintyModel, targets)."""
    if not isinstance(data, Mapping):
        raise _bad("the network file must hold a JSON object")
    tasks = data.get("tasks")
    if not isinstance(tasks, list):
        raise _bad("expected a list of tasks", None, "tasks")
    estimates: dict[str, ThreePointEstimate] = {}
    categories: dict[str, str] = {}
    projects: dict[str, list[str]] = {}
    plain = []
    for raw in tasks:
        if not isinstance(raw, dict):
            plain.append(raw)
            continue
        tid = raw.get("id")
        if isinstance(tid, str):
            if raw.get("estimate") is not None:
                estimates[tid] = _estimate(raw["estimate"], tid)
            if raw.get("category") is not None:
                if not isinstance(raw["category"], str):
                    raise _bad("expected a string", tid, "category")
                categories[tid] = raw["category"]
            if isinstance(raw.get("project"), str) and not raw.get("parent"):
                projects.setdefault(f"project:{raw['project']}", []).append(tid)
        plain.append({k: v for k, v in raw.items() if k not in _EXTRA_TASK_KEYS})
    spec = parse_network({**data, "tasks": plain})
    risks_raw = data.get("risks", [])
    drivers_raw = data.get("drivers", [])
    if not isinstance(risks_raw, list):
        raise _bad("expected a list", None, "risks")
    if not isinstance(drivers_raw, list):
        raise _bad("expected a list", None, "drivers")
    targets: dict[str, list[str]] = dict(projects) if len(projects) > 1 else {}
    extra = data.get("targets", {})
    if not isinstance(extra, dict):
        raise _bad("expected an object {name: [task ids]}", None, "targets")
    for name, ids in extra.items():
        if not isinstance(ids, list) or not all(isinstance(t, str) for t in ids):
            raise _bad("expected a list of task ids", None, f"targets.{name}")
        targets[str(name)] = list(ids)
    model = UncertaintyModel(
        estimates=estimates, categories=categories,
        risks=tuple(_risk(r, j) for j, r in enumerate(risks_raw)),
        drivers=tuple(_driver(d, j) for j, d in enumerate(drivers_raw)),
    )
    return spec, model, targets


def loads_simulation(text: str) -> tuple[Any, UncertaintyModel, dict[str, list[str]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(f"not valid JSON: {exc}") from None
    return parse_simulation(data)


def _iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="minutes")


def _distribution(plan: SimulationPlan, d: FinishDistribution) -> dict[str, Any]:
    edges = d.histogram_edges
    return {
        "name": d.name,
        "deterministic_finish": _iso(plan.finish_date(d.deterministic)),
        "finish_percentiles": {f"P{q}": _iso(plan.finish_date(v)) for q, v in d.percentiles.items()},
        "percentile_offsets_minutes": {f"P{q}": v for q, v in d.percentiles.items()},
        "mean_minutes": d.mean,
        "std_minutes": d.std,
        "contingency_minutes": {f"P{q}": d.contingency(q) for q in (50, 80, 90)},
        "probability_on_plan": d.probability_by(d.deterministic),
        "histogram": [
            {"from": _iso(plan.finish_date(edges[i])), "to": _iso(plan.finish_date(edges[i + 1])),
             "runs": c}
            for i, c in enumerate(d.histogram_counts)
        ],
    }


def result_to_json(plan: SimulationPlan, result: SimulationResult,
                   target_date: dt.datetime | None = None) -> dict[str, Any]:
    """The result document (``docs/schemas/simulation-result.schema.json``)."""
    program = _distribution(plan, result.target(PROGRAM))
    doc: dict[str, Any] = {
        "status": result.status.value,
        "runs": result.runs,
        "seed": result.seed,
        **{k: v for k, v in program.items() if k != "name"},
    }
    if target_date is not None:
        off = plan.finish_offset(target_date)
        doc["target"] = {"date": _iso(target_date),
                         "probability": result.target(PROGRAM).probability_by(off)}
    doc["targets"] = [_distribution(plan, t) for t in result.targets[1:]]
    doc["tasks"] = [
        {"id": tid,
         "criticality": None if result.criticality is None else result.criticality[i],
         "sensitivity": result.sensitivity[i]}
        for i, tid in enumerate(result.task_ids)
    ]
    risks = {r.id: r for r in plan.model.risks}
    doc["risks"] = [
        {"rank": k + 1, "id": d.id, "name": risks[d.id].name,
         "type": "opportunity" if risks[d.id].is_opportunity else "threat",
         "probability": d.probability, "occurred_share": d.occurred_share,
         "finish_shift_minutes": d.finish_shift_minutes, "correlation": d.correlation}
        for k, d in enumerate(result.risk_drivers)
    ]
    return doc
