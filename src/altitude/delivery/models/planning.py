"""The plan itself: WBS tasks, dependencies between them, and the record of each reschedule.

User-editable fields are validated here (``clean``); the computed ones (early/late dates,
floats, critical flag, WBS code) are written only by ``delivery.services`` after the
engine ran, never by a form or an API payload.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from altitude.core.models import VersionedModel


class ConstraintType(models.TextChoices):
    ASAP = "asap", "As soon as possible"
    ALAP = "alap", "As late as possible"
    SNET = "snet", "Start no earlier than"
    SNLT = "snlt", "Start no later than"
    FNET = "fnet", "Finish no earlier than"
    FNLT = "fnlt", "Finish no later than"
    MSO = "mso", "Must start on"
    MFO = "mfo", "Must finish on"


UNDATED_CONSTRAINTS = frozenset({ConstraintType.ASAP, ConstraintType.ALAP})


class TaskStatus(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"


class Task(VersionedModel):
    """A WBS element: a summary (it has children), a work task, or a milestone."""

    project = models.ForeignKey("delivery.Project", on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(default=1, help_text="1-based place among its siblings.")
    name = models.CharField(max_length=200)
    duration_minutes = models.PositiveIntegerField(default=0, help_text="Working minutes; 0 with milestone.")
    milestone = models.BooleanField(default=False)
    optimistic_minutes = models.PositiveIntegerField(null=True, blank=True)
    most_likely_minutes = models.PositiveIntegerField(null=True, blank=True)
    pessimistic_minutes = models.PositiveIntegerField(null=True, blank=True)
    constraint_type = models.CharField(max_length=4, choices=ConstraintType.choices, default=ConstraintType.ASAP)
    constraint_date = models.DateField(null=True, blank=True)
    calendar = models.ForeignKey(
        "delivery.Calendar", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks",
        help_text="Empty: the project's calendar.",
    )
    percent_complete = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    actual_start = models.DateField(null=True, blank=True)
    actual_finish = models.DateField(null=True, blank=True)
    remaining_minutes = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.TODO)
    deliverable = models.CharField(max_length=200, blank=True)
    acceptance_criteria = models.TextField(blank=True)
    leveling_priority = models.PositiveSmallIntegerField(
        default=500, validators=[MaxValueValidator(1000)],
        help_text="0 to 1000, as in MS Project: when people or equipment are short, levelling serves "
                  "higher-priority tasks first (within a project's priority); 1000: do not level "
                  "(never delayed for a resource; an over-allocation it makes is reported).",
    )
    # Derived: WBS code and outline order (renumbered on every structural change).
    wbs = models.CharField(max_length=60, blank=True, editable=False)
    outline = models.PositiveIntegerField(default=0, editable=False, help_text="Pre-order index in the project.")
    # Computed by the engine (reschedule); never edited directly.
    start = models.DateTimeField(null=True, blank=True, editable=False)
    finish = models.DateTimeField(null=True, blank=True, editable=False)
    early_start = models.DateTimeField(null=True, blank=True, editable=False)
    early_finish = models.DateTimeField(null=True, blank=True, editable=False)
    late_start = models.DateTimeField(null=True, blank=True, editable=False)
    late_finish = models.DateTimeField(null=True, blank=True, editable=False)
    total_float_minutes = models.IntegerField(null=True, blank=True, editable=False)
    free_float_minutes = models.IntegerField(null=True, blank=True, editable=False)
    critical = models.BooleanField(default=False, editable=False)
    driving_predecessor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    scheduled_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=[
        "start", "finish", "early_start", "early_finish", "late_start", "late_finish", "total_float_minutes",
        "free_float_minutes", "critical", "driving_predecessor", "scheduled_at", "outline", "wbs",
    ])

    class Meta:
        ordering = ["project", "outline"]
        indexes = [models.Index(fields=["project", "outline"]), models.Index(fields=["parent", "position"])]

    def __str__(self) -> str:
        return f"{self.wbs} {self.name}".strip()

    @property
    def label(self) -> str:
        """How errors name the task: WBS code and name."""
        return str(self)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        o, m, p = self.optimistic_minutes, self.most_likely_minutes, self.pessimistic_minutes
        if o is not None and m is not None and o > m:
            errors["optimistic_minutes"] = "The optimistic estimate is longer than the most likely one."
        elif m is not None and p is not None and m > p:
            errors["pessimistic_minutes"] = "The pessimistic estimate is shorter than the most likely one."
        elif o is not None and p is not None and o > p:
            errors["pessimistic_minutes"] = "The pessimistic estimate is shorter than the optimistic one."
        if self.constraint_type not in UNDATED_CONSTRAINTS and self.constraint_date is None:
            errors["constraint_date"] = f"The constraint '{self.get_constraint_type_display()}' needs a date."
        if self.constraint_type in UNDATED_CONSTRAINTS and self.constraint_date is not None:
            errors["constraint_date"] = "Only a dated constraint (start/finish no earlier/later than, must start/finish on) takes a date."
        if self.milestone and self.duration_minutes:
            errors["duration_minutes"] = "A milestone has no duration (0)."
        if self.actual_start and self.actual_finish and self.actual_finish < self.actual_start:
            errors["actual_finish"] = "The actual finish is before the actual start."
        if self.actual_finish and not self.actual_start:
            errors["actual_start"] = "A finished task needs its actual start."
        if self.parent_id is not None:
            if self.parent_id == self.pk:
                errors["parent_id"] = "A task cannot be its own parent."
            elif self.parent and self.parent.project_id != self.project_id:
                errors["parent_id"] = "The parent task belongs to another project."
        if self.calendar_id and self.calendar and self.project and self.calendar.portfolio_id != self.project.portfolio_id:
            errors["calendar_id"] = "The calendar belongs to another portfolio."
        if errors:
            raise ValidationError(errors)


class LinkType(models.TextChoices):
    FS = "FS", "Finish-to-start"
    SS = "SS", "Start-to-start"
    FF = "FF", "Finish-to-finish"
    SF = "SF", "Start-to-finish"


class Dependency(VersionedModel):
    """``predecessor`` drives ``successor``; may join tasks of different projects and programs."""

    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predecessor_links")
    type = models.CharField(max_length=2, choices=LinkType.choices, default=LinkType.FS)
    lag_minutes = models.IntegerField(default=0, help_text="Working minutes (elapsed if lag_elapsed); negative = lead.")
    lag_elapsed = models.BooleanField(default=False, help_text="Count the lag in calendar time (e.g. concrete curing).")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "dependencies"
        ordering = ["successor", "predecessor"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="uniq_dependency"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")), name="no_self_dependency"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} {self.type} {self.successor_id}"

    def clean(self) -> None:
        if self.predecessor_id is not None and self.predecessor_id == self.successor_id:
            raise ValidationError({"successor_id": "A task cannot depend on itself."})


class RunStatus(models.TextChoices):
    OK = "ok", "Scheduled"
    NEGATIVE_FLOAT = "negative_float", "Scheduled, constraints missed (negative float)"
    FAILED = "failed", "Failed"


class ScheduleRun(models.Model):
    """One reschedule: what was scheduled, by whom, how long it took, what came out."""

    project = models.ForeignKey("delivery.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="schedule_runs")
    program = models.ForeignKey("delivery.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="schedule_runs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    task_count = models.PositiveIntegerField(default=0)
    query_count = models.PositiveIntegerField(default=0, help_text="Database queries of the run (0 when not counted).")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.OK)
    finish = models.DateTimeField(null=True, blank=True, help_text="The scheduled finish of the project or program.")
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"run {self.pk} {self.status}"
