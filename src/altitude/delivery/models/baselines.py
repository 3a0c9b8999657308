"""Baselines: named snapshots of a project's dates, work and cost, several per project."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from altitude.core.models import VersionedModel


class Baseline(VersionedModel):
    """A named snapshot ("Approved plan", "After CR-12") to measure slips against."""

    project = models.ForeignKey("delivery.Project", on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="uniq_baseline_name")]

    def __str__(self) -> str:
        return self.name


class BaselineTask(models.Model):
    """One task as it was when the baseline was set (the task may be deleted since)."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey("delivery.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="baseline_rows")
    task_name = models.CharField(max_length=200)
    wbs = models.CharField(max_length=60, blank=True)
    start = models.DateTimeField(null=True, blank=True)
    finish = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(default=0)
    work_minutes = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["baseline", "task"], name="uniq_baseline_task")]

    def __str__(self) -> str:
        return f"{self.baseline_id}: {self.wbs} {self.task_name}"
