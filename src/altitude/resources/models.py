"""Resources (people, equipment, material, cost) and their assignments to tasks."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from altitude.core.models import VersionedModel
from altitude.strategy.models import Portfolio


class ResourceKind(models.TextChoices):
    PERSON = "person", "Person"
    EQUIPMENT = "equipment", "Equipment"
    MATERIAL = "material", "Material"
    COST = "cost", "Cost"


class Resource(VersionedModel):
    """A member of the portfolio's resource pool; ``max_units`` 1.0 is one full-time unit."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="resources")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=ResourceKind.choices, default=ResourceKind.PERSON)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="resources",
        help_text="The person's account: assigned people update the progress of their tasks.",
    )
    max_units = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0"))],
    )
    calendar = models.ForeignKey(
        "delivery.Calendar", null=True, blank=True, on_delete=models.PROTECT, related_name="resources",
    )
    cost_rate = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))],
        help_text="Cost per working hour.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["portfolio", "name"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "name"], name="uniq_resource_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.calendar_id and self.calendar and self.calendar.portfolio_id != self.portfolio_id:
            raise ValidationError({"calendar_id": "The calendar belongs to another portfolio."})


class Assignment(VersionedModel):
    """``resource`` works on ``task`` at ``units`` (1.0 = full time) for ``work_minutes``."""

    task = models.ForeignKey("delivery.Task", on_delete=models.CASCADE, related_name="assignments")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="assignments")
    units = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.01"))],
    )
    work_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Planned work; empty: the task's duration times the units.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["task", "resource"]
        constraints = [models.UniqueConstraint(fields=["task", "resource"], name="uniq_assignment")]

    def __str__(self) -> str:
        return f"{self.resource_id} on {self.task_id}"

    def planned_work(self, duration_minutes: int) -> int:
        if self.work_minutes is not None:
            return self.work_minutes
        return round(duration_minutes * self.units)

    def clean(self) -> None:
        if self.task_id and self.resource_id and self.task.project.portfolio_id != self.resource.portfolio_id:
            raise ValidationError({"resource_id": "The resource belongs to another portfolio's pool."})


MINUTES_PER_DAY = 24 * 60


class TimeEntry(VersionedModel):
    """Actual work: ``user`` spent ``minutes`` on ``task`` on ``date``.

    ``resource`` is the pool entry the time is costed at (the user's resource in the
    task's portfolio, set by the service); actual cost = minutes / 60 x its ``cost_rate``.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries")
    task = models.ForeignKey("delivery.Task", on_delete=models.CASCADE, related_name="time_entries")
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries",
        help_text="The resource whose cost rate prices this time (empty: the user has none in this pool).",
    )
    date = models.DateField()
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "time entries"
        ordering = ["-date", "task"]
        indexes = [models.Index(fields=["user", "date"]), models.Index(fields=["task", "date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gte=1, minutes__lte=MINUTES_PER_DAY), name="time_entry_minutes_range"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date} {self.minutes} min on {self.task_id}"

    def clean(self) -> None:
        if self.minutes is not None and not 1 <= self.minutes <= MINUTES_PER_DAY:
            raise ValidationError({"minutes": "Enter between 1 minute and 24 hours."})


def one_scope(name: str) -> models.CheckConstraint:
    """Exactly one of ``project``, ``program``, ``portfolio``: what a levelling was of."""
    return models.CheckConstraint(
        condition=models.Q(project__isnull=False, program__isnull=True, portfolio__isnull=True)
        | models.Q(project__isnull=True, program__isnull=False, portfolio__isnull=True)
        | models.Q(project__isnull=True, program__isnull=True, portfolio__isnull=False),
        name=name,
    )


class LevelingApplication(models.Model):
    """One "apply levelling" on a project, a program or a portfolio: the start-no-earlier-than constraints
    it set (with each task's constraint before and version after), so that it can be undone
    for every task nobody has changed since."""

    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="leveling_applications",
    )
    program = models.ForeignKey(
        "delivery.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="leveling_applications",
    )
    portfolio = models.ForeignKey(
        Portfolio, null=True, blank=True, on_delete=models.CASCADE, related_name="leveling_applications",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    within_float = models.BooleanField(default=False)
    changes = models.JSONField(
        default=list, help_text='[{"task": id, "label": "WBS name", "type": before, "date": before, "version": after}]',
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            one_scope("leveling_application_one_scope"),
        ]

    def __str__(self) -> str:
        return f"levelling {self.pk} ({len(self.changes)} tasks)"


class LevelingRunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class LevelingRun(models.Model):
    """One "optimise levelling" job: the exact mode (genetic algorithm beside CP-SAT) for a
    budget of seconds, run by a background worker, its preview kept to show and to apply.

    ``stamp`` fingerprints the plan the worker read; applying the run is refused once the
    plan has changed since (the result would be for another plan).
    """

    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="leveling_runs",
    )
    program = models.ForeignKey(
        "delivery.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="leveling_runs",
    )
    portfolio = models.ForeignKey(
        Portfolio, null=True, blank=True, on_delete=models.CASCADE, related_name="leveling_runs",
    )
    project_ids = models.JSONField(default=list, help_text="The projects levelled together, fixed when asked.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    within_float = models.BooleanField(default=False)
    seconds = models.PositiveSmallIntegerField(help_text="The solver's time budget.")
    state = models.CharField(max_length=8, choices=LevelingRunState.choices, default=LevelingRunState.QUEUED)
    stamp = models.CharField(max_length=64, blank=True, help_text="Fingerprint of the plan the run levelled.")
    result = models.JSONField(null=True, blank=True, help_text="The levelling preview, as the API returns it.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            one_scope("leveling_run_one_scope"),
        ]

    def __str__(self) -> str:
        return f"levelling run {self.pk} ({self.state})"

    @property
    def scope(self) -> tuple[str, int]:
        """``("project" | "program" | "portfolio", its id)``: what the run levels."""
        return next((kind, pk) for kind, pk in (("project", self.project_id), ("program", self.program_id),
                                                 ("portfolio", self.portfolio_id)) if pk is not None)

    @property
    def finished(self) -> bool:
        return self.state in (LevelingRunState.DONE, LevelingRunState.FAILED)
