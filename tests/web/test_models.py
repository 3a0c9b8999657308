"""Model rules: validation, history, the demo's shape."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from altitude.core.errors import InvalidInput, StaleVersion
from altitude.core.services import update_versioned
from altitude.delivery.models import Program, Project, Stage
from altitude.strategy.models import Objective, Portfolio
from tests.personas import Demo

pytestmark = pytest.mark.django_db


def test_demo_shape(demo: Demo) -> None:
    assert Portfolio.objects.count() == 1
    assert Program.objects.count() == 2
    assert Project.objects.count() == 7
    assert len({p.stage for p in Project.objects.all()}) >= 5
    assert Project.objects.filter(program__isnull=True).count() == 1
    assert Objective.objects.filter(parent__isnull=True).count() == 3


def test_project_finish_before_start_is_invalid(demo: Demo) -> None:
    project = demo.dcx01
    project.finish_date = project.start_date.replace(year=project.start_date.year - 1)  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as caught:
        project.full_clean()
    assert "finish_date" in caught.value.message_dict


def test_project_program_must_be_in_its_portfolio(demo: Demo) -> None:
    other = Portfolio.objects.create(name="Other")
    project = Project(portfolio=other, program=demo.dcx, code="X-1", name="X")
    with pytest.raises(ValidationError) as caught:
        project.full_clean()
    assert "program" in caught.value.message_dict


def test_objective_cannot_be_its_own_ancestor(demo: Demo) -> None:
    root = Objective.objects.get(name="Grow digital revenue")
    child = root.children.first()
    assert child is not None
    root.parent = child
    with pytest.raises(ValidationError) as caught:
        root.full_clean()
    assert "parent" in caught.value.message_dict


def test_update_versioned_is_all_or_nothing(demo: Demo) -> None:
    with pytest.raises(InvalidInput) as caught:
        update_versioned(demo.dcx01, 1, {"name": "Renamed", "priority": 42}, "project")
    assert caught.value.field == "priority"
    demo.dcx01.refresh_from_db()
    assert (demo.dcx01.name, demo.dcx01.version) == ("New e-commerce platform", 1)
    saved = update_versioned(demo.dcx01, 1, {"stage": Stage.CLOSING, "budget": Decimal("1")}, "project")
    assert saved.version == 2
    with pytest.raises(StaleVersion):
        update_versioned(demo.dcx01, 1, {"stage": Stage.CLOSED}, "project")


def test_history_records_who_changed_what(demo: Demo) -> None:
    update_versioned(demo.dcx01, 1, {"name": "Renamed"}, "project")
    latest, previous = demo.dcx01.history.all()[:2]
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "New e-commerce platform", "Renamed")]
    assert (previous.version, latest.version) == (1, 2)
