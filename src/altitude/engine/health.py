"""Project health: a red/amber/green rating per dimension (schedule, cost, scope, risk, benefits).

Framework-free: the web layer gathers the facts of each project (dates from the last
schedule and the baseline, money, task counts, open threats) into :class:`ProjectFacts`
and :func:`assess` rates them against :class:`HealthThresholds`. Every rating carries the
figure it came from and a sentence saying why, so a board can show "R" *and* the reason,
never a colour alone. The rules and worked examples are in docs/workspaces/portfolio.md.

Dimensions (each ``NOT_ASSESSED`` when its facts are missing):

- schedule: slip in calendar days of the forecast finish (last schedule) past the planned
  finish date and past the baseline finish; the larger slip is rated.
- cost: the forecast cost at completion is the larger of the estimate and the actual cost
  booked so far; its overrun over the budget, in percent, is rated.
- scope: share of the work tasks (leaves) that should have finished by the status date
  but are not done, in percent, plus open (unapproved) change requests.
- risk: open threats' total score (sum of probability x impact on the 5x5 map), the worst
  single score, and threats escalated above the project.
- benefits: expected benefits per unit of forecast cost; a closed project is not rated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Rating(StrEnum):
    """Ordered from good to bad; ``NOT_ASSESSED`` is outside the order (no facts)."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_ASSESSED = "n/a"

    @property
    def letter(self) -> str:
        return {"green": "G", "amber": "A", "red": "R", "n/a": "-"}[self.value]

    @property
    def label(self) -> str:
        return {"green": "green", "amber": "amber", "red": "red", "n/a": "not assessed"}[self.value]

    @property
    def rank(self) -> int:
        return {"green": 0, "amber": 1, "red": 2, "n/a": -1}[self.value]


class Dimension(StrEnum):
    SCHEDULE = "schedule"
    COST = "cost"
    SCOPE = "scope"
    RISK = "risk"
    BENEFITS = "benefits"


@dataclass(frozen=True)
class HealthThresholds:
    """Where amber and red begin. A value *above* the amber limit is amber, above red is red.

    ``schedule_*_days``: slip in calendar days (default amber > 5, red > 20).
    ``cost_*_percent``: overrun of the forecast cost over the budget (amber > 2 %, red > 10 %).
    ``scope_*_percent``: overdue work tasks among all work tasks (amber > 5 %, red > 15 %);
    ``scope_changes_amber``: open change requests that make scope amber (3 or more).
    ``risk_*_total``: sum of open threat scores (amber >= 20, red >= 40);
    ``risk_*_worst``: the worst single threat score (amber >= 10, red >= 15); any escalated
    threat makes risk at least amber.
    ``benefits_*_ratio``: expected benefits / forecast cost (amber < 1.5, red < 1.0).
    """

    schedule_amber_days: int = 5
    schedule_red_days: int = 20
    cost_amber_percent: float = 2.0
    cost_red_percent: float = 10.0
    scope_amber_percent: float = 5.0
    scope_red_percent: float = 15.0
    scope_changes_amber: int = 3
    risk_amber_total: int = 20
    risk_red_total: int = 40
    risk_amber_worst: int = 10
    risk_red_worst: int = 15
    benefits_amber_ratio: float = 1.5
    benefits_red_ratio: float = 1.0

    def __post_init__(self) -> None:
        pairs = [("schedule_days", self.schedule_amber_days, self.schedule_red_days),
                 ("cost_percent", self.cost_amber_percent, self.cost_red_percent),
                 ("scope_percent", self.scope_amber_percent, self.scope_red_percent),
                 ("risk_total", self.risk_amber_total, self.risk_red_total),
                 ("risk_worst", self.risk_amber_worst, self.risk_red_worst),
                 ("benefits_ratio", self.benefits_red_ratio, self.benefits_amber_ratio)]
        for name, low, high in pairs:
            if low > high:
                raise ValueError(f"thresholds {name}: the amber limit must come before the red one ({low} vs {high})")


@dataclass(frozen=True)
class RiskFacts:
    """Open threats of the project (see ``governance.services.RiskExposure``)."""

    open_threats: int = 0
    total_score: int = 0
    worst_score: int = 0
    escalated: int = 0

    def __post_init__(self) -> None:
        if min(self.open_threats, self.total_score, self.worst_score, self.escalated) < 0:
            raise ValueError("risk facts: counts and scores are >= 0")
        if self.worst_score > 25:
            raise ValueError(f"risk facts: worst_score is at most 25 (5 x 5), got {self.worst_score}")


@dataclass(frozen=True)
class ProjectFacts:
    """What the board knows about one project as of ``status_date``. Money in one currency."""

    status_date: dt.date
    closed: bool = False
    planned_finish: dt.date | None = None
    forecast_finish: dt.date | None = None
    baseline_finish: dt.date | None = None
    budget: float = 0.0
    estimated_cost: float = 0.0
    actual_cost: float = 0.0
    expected_benefits: float = 0.0
    work_tasks: int = 0
    overdue_tasks: int = 0
    open_changes: int = 0
    risk: RiskFacts | None = None

    def __post_init__(self) -> None:
        for name in ("budget", "estimated_cost", "actual_cost", "expected_benefits"):
            if getattr(self, name) < 0:
                raise ValueError(f"project facts: {name} cannot be negative")
        if not 0 <= self.overdue_tasks <= self.work_tasks:
            raise ValueError("project facts: overdue_tasks must be between 0 and work_tasks")
        if self.open_changes < 0:
            raise ValueError("project facts: open_changes cannot be negative")

    @property
    def forecast_cost(self) -> float:
        """Estimate at completion: the estimate, or the actuals once they exceed it."""
        return max(self.estimated_cost, self.actual_cost)


@dataclass(frozen=True)
class DimensionHealth:
    dimension: Dimension
    rating: Rating
    value: float | None
    reason: str


@dataclass(frozen=True)
class HealthResult:
    """Ratings per dimension and ``overall`` = the worst assessed one (``NOT_ASSESSED`` if none)."""

    dimensions: tuple[DimensionHealth, ...] = field(default_factory=tuple)

    def __getitem__(self, dimension: Dimension | str) -> DimensionHealth:
        for d in self.dimensions:
            if d.dimension == dimension:
                return d
        raise KeyError(dimension)

    @property
    def overall(self) -> Rating:
        rated = [d.rating for d in self.dimensions if d.rating is not Rating.NOT_ASSESSED]
        return max(rated, key=lambda r: r.rank) if rated else Rating.NOT_ASSESSED


def _above(value: float, amber: float, red: float) -> Rating:
    return Rating.RED if value > red else Rating.AMBER if value > amber else Rating.GREEN


def schedule_health(f: ProjectFacts, t: HealthThresholds) -> DimensionHealth:
    if f.forecast_finish is None or (f.planned_finish is None and f.baseline_finish is None):
        return DimensionHealth(Dimension.SCHEDULE, Rating.NOT_ASSESSED, None, "Not scheduled, or no planned finish to compare with.")
    slips: list[tuple[int, str]] = []
    if f.planned_finish is not None:
        slips.append(((f.forecast_finish - f.planned_finish).days, f"planned finish {f.planned_finish}"))
    if f.baseline_finish is not None:
        slips.append(((f.forecast_finish - f.baseline_finish).days, f"baseline finish {f.baseline_finish}"))
    days, against = max(slips)
    rating = _above(days, t.schedule_amber_days, t.schedule_red_days)
    when = f"{days} days after" if days > 0 else ("on" if days == 0 else f"{-days} days before")
    return DimensionHealth(Dimension.SCHEDULE, rating, float(days), f"Forecast finish {f.forecast_finish} is {when} the {against}.")


def cost_health(f: ProjectFacts, t: HealthThresholds) -> DimensionHealth:
    if f.budget <= 0:
        return DimensionHealth(Dimension.COST, Rating.NOT_ASSESSED, None, "No budget to compare with.")
    overrun = round((f.forecast_cost / f.budget - 1) * 100, 1)
    rating = _above(overrun, t.cost_amber_percent, t.cost_red_percent)
    word = f"{overrun:g} % over" if overrun > 0 else f"{-overrun:g} % under"
    return DimensionHealth(Dimension.COST, rating, overrun,
                           f"Forecast cost {f.forecast_cost:,.0f} is {word} the budget {f.budget:,.0f}.")


def scope_health(f: ProjectFacts, t: HealthThresholds) -> DimensionHealth:
    if f.work_tasks == 0:
        return DimensionHealth(Dimension.SCOPE, Rating.NOT_ASSESSED, None, "No work tasks planned yet.")
    share = round(f.overdue_tasks / f.work_tasks * 100, 1)
    rating = _above(share, t.scope_amber_percent, t.scope_red_percent)
    reason = f"{f.overdue_tasks} of {f.work_tasks} work tasks ({share:g} %) are past their finish and not done."
    if f.open_changes >= t.scope_changes_amber and rating is Rating.GREEN:
        rating = Rating.AMBER
    if f.open_changes:
        reason += f" {f.open_changes} change request{'s' if f.open_changes != 1 else ''} open."
    return DimensionHealth(Dimension.SCOPE, rating, share, reason)


def risk_health(f: ProjectFacts, t: HealthThresholds) -> DimensionHealth:
    r = f.risk
    if r is None:
        return DimensionHealth(Dimension.RISK, Rating.NOT_ASSESSED, None, "Risks not assessed.")
    by_total = Rating.RED if r.total_score >= t.risk_red_total else Rating.AMBER if r.total_score >= t.risk_amber_total else Rating.GREEN
    by_worst = Rating.RED if r.worst_score >= t.risk_red_worst else Rating.AMBER if r.worst_score >= t.risk_amber_worst else Rating.GREEN
    by_escalation = Rating.AMBER if r.escalated else Rating.GREEN
    rating = max((by_total, by_worst, by_escalation), key=lambda x: x.rank)
    reason = (f"{r.open_threats} open threat{'s' if r.open_threats != 1 else ''}, total score {r.total_score}, "
              f"worst {r.worst_score}")
    reason += f", {r.escalated} escalated." if r.escalated else "."
    return DimensionHealth(Dimension.RISK, rating, float(r.total_score), reason)


def benefits_health(f: ProjectFacts, t: HealthThresholds) -> DimensionHealth:
    if f.closed:
        return DimensionHealth(Dimension.BENEFITS, Rating.NOT_ASSESSED, None, "Closed: benefits are tracked as realised, not forecast.")
    if f.forecast_cost <= 0:
        return DimensionHealth(Dimension.BENEFITS, Rating.NOT_ASSESSED, None, "No cost estimate to compare with.")
    ratio = round(f.expected_benefits / f.forecast_cost, 2)
    rating = (Rating.RED if ratio < t.benefits_red_ratio else Rating.AMBER if ratio < t.benefits_amber_ratio
              else Rating.GREEN)
    return DimensionHealth(Dimension.BENEFITS, rating, ratio,
                           f"Expected benefits are {ratio:g} x the forecast cost.")


def assess(facts: ProjectFacts, thresholds: HealthThresholds | None = None) -> HealthResult:
    """Rate every dimension of one project."""
    t = thresholds or HealthThresholds()
    return HealthResult((schedule_health(facts, t), cost_health(facts, t), scope_health(facts, t),
                         risk_health(facts, t), benefits_health(facts, t)))


def worst(ratings: list[Rating]) -> Rating:
    """Roll-up of several projects' ratings (a program's): the worst assessed one."""
    rated = [r for r in ratings if r is not Rating.NOT_ASSESSED]
    return max(rated, key=lambda r: r.rank) if rated else Rating.NOT_ASSESSED
