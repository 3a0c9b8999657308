"""Risk and issue registers of projects and programs.

A register entry belongs to exactly one scope: a project, or a program for the risks
and issues that concern the program as a whole. Entries escalate upwards (project ->
program -> portfolio) with a reason; the scope never changes, only the level of
attention. Sign conventions (one rule everywhere, tests and the simulation use it):
``schedule_impact_minutes`` and ``cost_impact`` say what happens *if the risk occurs*:
positive means later / more expensive, negative earlier / cheaper. A threat therefore
has impacts >= 0 and an opportunity impacts <= 0 (its savings).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from altitude.core.models import VersionedModel
from altitude.delivery.models import Program, Project, ScheduleRun
from altitude.governance.register_models import ChangeRequest, Decision  # noqa: F401  (found by Django here)


class RiskKind(models.TextChoices):
    THREAT = "threat", "Threat"
    OPPORTUNITY = "opportunity", "Opportunity"


class ResponseStrategy(models.TextChoices):
    AVOID = "avoid", "Avoid"
    MITIGATE = "mitigate", "Mitigate"
    TRANSFER = "transfer", "Transfer"
    EXPLOIT = "exploit", "Exploit"
    ENHANCE = "enhance", "Enhance"
    SHARE = "share", "Share"
    ACCEPT = "accept", "Accept"


RESPONSES: dict[str, frozenset[str]] = {
    RiskKind.THREAT: frozenset({"avoid", "mitigate", "transfer", "accept"}),
    RiskKind.OPPORTUNITY: frozenset({"exploit", "enhance", "share", "accept"}),
}


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATING = "mitigating", "Mitigating"
    OCCURRED = "occurred", "Occurred"
    CLOSED = "closed", "Closed"


ACTIVE_RISK = (RiskStatus.OPEN, RiskStatus.MITIGATING)


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class IssueStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


ACTIVE_ISSUE = (IssueStatus.OPEN, IssueStatus.IN_PROGRESS)


class Level(models.TextChoices):
    """Who has to act on an entry: its project, its program, or the portfolio board."""

    PROJECT = "project", "Project"
    PROGRAM = "program", "Program"
    PORTFOLIO = "portfolio", "Portfolio"


LEVEL_ORDER = [Level.PROJECT, Level.PROGRAM, Level.PORTFOLIO]

# Probability on the 1-5 scale -> chance of occurring used by the simulation unless overridden.
PROBABILITY_PERCENT = {1: 10, 2: 30, 3: 50, 4: 70, 5: 90}
SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class RegisterEntry(VersionedModel):
    """What risks and issues share: scope, owner, dates, escalation."""

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="%(class)ss")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.CASCADE, related_name="%(class)ss")
    code = models.CharField(max_length=20, blank=True, help_text="Reference in the register; given automatically.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    escalation_level = models.CharField(max_length=10, choices=Level.choices, default=Level.PROJECT, editable=False)
    escalated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalation_reason = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def scope(self) -> Project | Program:
        """The project or program whose register holds the entry (policy scope)."""
        scope = self.project if self.project_id else self.program
        assert scope is not None
        return scope

    @property
    def home_level(self) -> str:
        return Level.PROJECT if self.project_id else Level.PROGRAM

    @property
    def escalated(self) -> bool:
        return self.escalation_level != self.home_level

    def clean_scope(self, errors: dict[str, str]) -> None:
        if bool(self.project_id) == bool(self.program_id):
            errors["project_id"] = "Give exactly one scope: a project, or a program for program-level entries."


class Risk(RegisterEntry):
    """A threat or an opportunity: probability x impact on the 5x5 map, plus simulation data."""

    kind = models.CharField(max_length=12, choices=RiskKind.choices, default=RiskKind.THREAT)
    probability = models.PositiveSmallIntegerField(default=3, validators=SCALE, help_text="1 (rare) to 5 (almost certain).")
    impact = models.PositiveSmallIntegerField(default=3, validators=SCALE, help_text="1 (negligible) to 5 (severe).")
    score = models.PositiveSmallIntegerField(default=9, editable=False, help_text="probability x impact (1-25).")
    probability_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text="Chance of occurring used by the Monte Carlo forecast; empty: from the 1-5 scale (10/30/50/70/90 %).",
    )
    schedule_impact_minutes = models.IntegerField(
        default=0, help_text="Working minutes added to each linked task if it occurs (negative: an opportunity's saving).",
    )
    cost_impact = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0"),
        help_text="Extra cost if it occurs (negative: an opportunity's saving).",
    )
    tasks = models.ManyToManyField("delivery.Task", blank=True, related_name="risks",
                                   help_text="Tasks the schedule impact applies to.")
    response = models.CharField(max_length=10, choices=ResponseStrategy.choices, default=ResponseStrategy.ACCEPT)
    mitigation_plan = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-score", "code"]
        indexes = [models.Index(fields=["project", "status"]), models.Index(fields=["program", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, program__isnull=True)
                | models.Q(project__isnull=True, program__isnull=False), name="risk_one_scope"),
        ]

    @property
    def simulation_probability(self) -> int:
        """Percent chance used by the forecast: the override, else the scale's default."""
        if self.probability_percent is not None:
            return self.probability_percent
        return PROBABILITY_PERCENT.get(self.probability, 50)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RISK

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.score = (self.probability or 0) * (self.impact or 0)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.clean_scope(errors)
        allowed = RESPONSES.get(self.kind, frozenset())
        if self.response not in allowed:
            names = ", ".join(sorted(allowed))
            errors["response"] = f"A {self.kind} takes one of these responses: {names}."
        sign = 1 if self.kind == RiskKind.THREAT else -1
        if self.schedule_impact_minutes and self.schedule_impact_minutes * sign < 0:
            errors["schedule_impact_minutes"] = (
                "A threat delays (0 or more minutes)." if sign > 0 else "An opportunity saves time (0 or fewer minutes).")
        if self.cost_impact and self.cost_impact * sign < 0:
            errors["cost_impact"] = (
                "A threat costs (0 or more)." if sign > 0 else "An opportunity saves money (0 or less).")
        if errors:
            raise ValidationError(errors)


class Issue(RegisterEntry):
    """Something that is happening now and needs action (often a risk that occurred)."""

    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.SET_NULL, related_name="issues",
                             help_text="The risk that occurred, if any.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["project", "status"]), models.Index(fields=["program", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, program__isnull=True)
                | models.Q(project__isnull=True, program__isnull=False), name="issue_one_scope"),
        ]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ISSUE

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.clean_scope(errors)
        if self.risk_id and self.risk is not None and (
                self.risk.project_id != self.project_id or self.risk.program_id != self.program_id):
            errors["risk_id"] = "The linked risk belongs to another register."
        if errors:
            raise ValidationError(errors)


class ProgramForecast(models.Model):
    """One stored Monte Carlo forecast of a program (the latest is shown)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="forecasts")
    schedule_run = models.ForeignKey(ScheduleRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    fingerprint = models.CharField(max_length=200, help_text="Inputs it was computed from; differs = out of date.")
    runs = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    duration_ms = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"forecast {self.pk} of program {self.program_id}"
