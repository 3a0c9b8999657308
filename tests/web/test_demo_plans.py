"""The demo portfolio's plans: realistic WBS sizes, cross-project links, calendars, people, progress."""

from __future__ import annotations

import pytest
from django.db.models import Count, F, Q

from altitude.delivery.models import (
    Baseline,
    CalendarException,
    Dependency,
    Project,
    ScheduleRun,
    Task,
)
from altitude.demo import load_demo
from altitude.resources.models import Assignment

pytestmark = pytest.mark.django_db


def test_demo_projects_are_planned_scheduled_baselined_and_progressed() -> None:
    load_demo("x")
    sizes = dict(Project.objects.annotate(n=Count("tasks")).values_list("code", "n"))
    assert len(sizes) == 7 and all(30 <= n <= 150 for n in sizes.values()), sizes
    assert not Task.objects.filter(start__isnull=True).exists()  # every task scheduled
    assert Task.objects.filter(milestone=True).count() >= 7 * 6
    assert Task.objects.filter(parent__isnull=True, children__isnull=False).distinct().count() == 7 * 7  # phases
    across = Dependency.objects.exclude(predecessor__project=F("successor__project"))
    assert across.filter(predecessor__project__program=F("successor__project__program")).count() >= 5
    assert across.exclude(predecessor__project__program=F("successor__project__program")).exists()
    assert CalendarException.objects.filter(name="Good Friday").count() >= 4
    dcx01 = Project.objects.get(code="DCX-01")
    assert Assignment.objects.filter(task__project=dcx01, resource__user__username="member").count() >= 3
    assert Baseline.objects.count() == 7
    assert Task.objects.filter(project=dcx01, percent_complete=100).exists()
    assert Task.objects.filter(project=dcx01, percent_complete__gt=0, percent_complete__lt=100).exists()
    assert dcx01.status_date is not None
    assert ScheduleRun.objects.filter(Q(status="ok")).count() == ScheduleRun.objects.count()
    # The cross-project link DCX-01 Checkout -> DCX-02 Cart holds in the stored dates.
    checkout = Task.objects.get(project=dcx01, name="Build Checkout")
    cart = Task.objects.get(project__code="DCX-02", name="Build Cart")
    assert cart.start is not None and checkout.finish is not None and cart.start > checkout.finish
