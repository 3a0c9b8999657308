"""Health ratings: the worked examples of docs/workspaces/portfolio.md, boundaries and validation."""

from __future__ import annotations

import datetime as dt

import pytest

from altitude.engine.health import (
    Dimension,
    HealthThresholds,
    ProjectFacts,
    Rating,
    RiskFacts,
    assess,
    worst,
)

STATUS = dt.date(2026, 6, 12)


def example_a() -> ProjectFacts:
    """Worked example A (docs): an executing project that slipped a week."""
    return ProjectFacts(
        status_date=STATUS, planned_finish=dt.date(2027, 2, 26), forecast_finish=dt.date(2027, 3, 5),
        baseline_finish=dt.date(2027, 2, 26), budget=1_450_000, estimated_cost=1_380_000, actual_cost=30_000,
        expected_benefits=3_900_000, work_tasks=40, overdue_tasks=3,
        risk=RiskFacts(open_threats=4, total_score=38, worst_score=16, escalated=1),
    )


def test_worked_example_a() -> None:
    result = assess(example_a())
    assert [(d.dimension.value, d.rating.value, d.value) for d in result.dimensions] == [
        ("schedule", "amber", 7.0),
        ("cost", "green", -4.8),
        ("scope", "amber", 7.5),
        ("risk", "red", 38.0),
        ("benefits", "green", 2.83),
    ]
    assert result.overall is Rating.RED
    assert result[Dimension.SCHEDULE].reason == "Forecast finish 2027-03-05 is 7 days after the planned finish 2027-02-26."
    assert result["cost"].reason == "Forecast cost 1,380,000 is 4.8 % under the budget 1,450,000."
    assert result["risk"].reason == "4 open threats, total score 38, worst 16, 1 escalated."


def test_worked_example_b_closed_project_without_risk_data() -> None:
    """Worked example B (docs): closed on time, a little over budget, risks not assessed."""
    facts = ProjectFacts(status_date=dt.date(2026, 6, 30), closed=True, planned_finish=dt.date(2026, 6, 30),
                         forecast_finish=dt.date(2026, 6, 30), baseline_finish=dt.date(2026, 6, 30),
                         budget=380_000, estimated_cost=365_000, actual_cost=395_000, work_tasks=30, overdue_tasks=0)
    result = assess(facts)
    assert [(d.rating.value, d.value) for d in result.dimensions] == [
        ("green", 0.0), ("amber", 3.9), ("green", 0.0), ("n/a", None), ("n/a", None)]
    assert facts.forecast_cost == 395_000  # actuals beyond the estimate become the forecast
    assert result.overall is Rating.AMBER
    assert result["benefits"].reason.startswith("Closed")


def test_worked_example_c_baseline_slip_wins_over_plan() -> None:
    """Worked example C (docs): ahead of the planned date, but 25 days behind the baseline."""
    facts = ProjectFacts(status_date=STATUS, planned_finish=dt.date(2027, 6, 30), forecast_finish=dt.date(2027, 5, 26),
                         baseline_finish=dt.date(2027, 5, 1), budget=900_000, estimated_cost=1_000_000,
                         expected_benefits=1_200_000, work_tasks=20, overdue_tasks=4,
                         risk=RiskFacts(open_threats=2, total_score=12, worst_score=8))
    result = assess(facts)
    assert [(d.rating.value, d.value) for d in result.dimensions] == [
        ("red", 25.0), ("red", 11.1), ("red", 20.0), ("green", 12.0), ("amber", 1.2)]


@pytest.mark.parametrize(("days", "rating"), [(-3, "green"), (5, "green"), (6, "amber"), (20, "amber"), (21, "red")])
def test_schedule_boundaries(days: int, rating: str) -> None:
    plan = dt.date(2027, 1, 1)
    facts = ProjectFacts(status_date=STATUS, planned_finish=plan, forecast_finish=plan + dt.timedelta(days=days))
    assert assess(facts)["schedule"].rating.value == rating


@pytest.mark.parametrize(("total", "worst_score", "escalated", "rating"), [
    (0, 0, 0, "green"), (19, 9, 0, "green"), (20, 9, 0, "amber"), (8, 10, 0, "amber"), (8, 8, 1, "amber"),
    (40, 9, 0, "red"), (15, 15, 0, "red")])
def test_risk_rules(total: int, worst_score: int, escalated: int, rating: str) -> None:
    facts = ProjectFacts(status_date=STATUS, risk=RiskFacts(3, total, worst_score, escalated))
    assert assess(facts)["risk"].rating.value == rating


def test_open_changes_make_scope_amber() -> None:
    facts = ProjectFacts(status_date=STATUS, work_tasks=10, open_changes=3)
    assert assess(facts)["scope"].rating is Rating.AMBER
    assert "3 change requests open" in assess(facts)["scope"].reason


def test_missing_facts_are_not_assessed_and_do_not_count() -> None:
    result = assess(ProjectFacts(status_date=STATUS))
    assert {d.rating for d in result.dimensions} == {Rating.NOT_ASSESSED}
    assert result.overall is Rating.NOT_ASSESSED
    assert worst([Rating.NOT_ASSESSED, Rating.AMBER, Rating.GREEN]) is Rating.AMBER
    assert worst([]) is Rating.NOT_ASSESSED
    assert Rating.RED.letter == "R" and Rating.NOT_ASSESSED.letter == "-"


def test_thresholds_change_the_rating() -> None:
    strict = HealthThresholds(schedule_amber_days=0, schedule_red_days=5)
    assert assess(example_a(), strict)["schedule"].rating is Rating.RED


@pytest.mark.parametrize("bad", [
    lambda: ProjectFacts(status_date=STATUS, budget=-1),
    lambda: ProjectFacts(status_date=STATUS, work_tasks=2, overdue_tasks=3),
    lambda: RiskFacts(worst_score=26),
    lambda: HealthThresholds(cost_amber_percent=20, cost_red_percent=10),
    lambda: HealthThresholds(benefits_amber_ratio=0.5, benefits_red_ratio=1.0),
])
def test_invalid_input_is_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        bad()  # type: ignore[operator]
