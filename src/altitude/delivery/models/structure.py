"""Programs, projects and memberships: where strategy becomes delivered change."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from altitude.core.models import MembershipBase, VersionedModel
from altitude.strategy.models import Objective, Portfolio, PortfolioMembership

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Program(VersionedModel):
    """Interrelated projects managed together toward one strategic goal."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(max_length=200)
    goal = models.TextField(blank=True, help_text="The strategic outcome the program exists for.")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="managed_programs",
    )
    objectives = models.ManyToManyField(Objective, through="ProgramObjective", blank=True)
    budget = models.DecimalField(default=Decimal("0"), **MONEY)  # type: ignore[arg-type]
    history = HistoricalRecords()

    class Meta:
        ordering = ["portfolio", "name"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "name"], name="uniq_program_name")]

    def __str__(self) -> str:
        return self.name

    def membership_chain(self) -> Iterable[models.QuerySet]:  # type: ignore[type-arg]
        return [
            ProgramMembership.objects.filter(program_id=self.pk),
            PortfolioMembership.objects.filter(portfolio_id=self.portfolio_id),
        ]

    def parent_scope(self) -> Portfolio:
        return self.portfolio


class ProgramObjective(models.Model):
    """How much a program contributes to an objective (0-100 %)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE)
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE)
    contribution = models.PositiveSmallIntegerField(
        default=100, validators=[MaxValueValidator(100)], help_text="Percent of the objective this program delivers."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "objective"], name="uniq_program_objective")]


class ProgramMembership(MembershipBase):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "user"], name="uniq_program_member")]


class Stage(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    INITIATING = "initiating", "Initiating"
    PLANNING = "planning", "Planning"
    EXECUTING = "executing", "Executing"
    CLOSING = "closing", "Closing"
    CLOSED = "closed", "Closed"


class Project(VersionedModel):
    """A temporary endeavour with its own scope, schedule, budget and team."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="projects")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="projects",
        help_text="Leave empty for a project that stands alone in the portfolio.",
    )
    code = models.SlugField(max_length=20, unique=True, help_text="Short unique reference, e.g. ERP-01.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="managed_projects",
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="sponsored_projects",
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.PROPOSED)
    priority = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 (highest) to 5 (lowest)."
    )
    budget = models.DecimalField(default=Decimal("0"), **MONEY)  # type: ignore[arg-type]
    estimated_cost = models.DecimalField(default=Decimal("0"), **MONEY)  # type: ignore[arg-type]
    expected_benefits = models.DecimalField(default=Decimal("0"), **MONEY)  # type: ignore[arg-type]
    feasibility = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 (doubtful) to 5 (certain)."
    )
    start_date = models.DateField(null=True, blank=True)
    finish_date = models.DateField(null=True, blank=True)
    calendar = models.ForeignKey(
        "delivery.Calendar", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The project's default calendar; tasks without their own calendar use it.",
    )
    status_date = models.DateField(
        null=True, blank=True, help_text="The date progress was last reported as of; rescheduling uses it.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "name"]
        indexes = [models.Index(fields=["portfolio", "stage"]), models.Index(fields=["program", "stage"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.finish_date and self.finish_date < self.start_date:
            errors["finish_date"] = "The finish date is before the start date."
        if self.program_id and self.program and self.program.portfolio_id != self.portfolio_id:
            errors["program"] = "The program belongs to another portfolio."
        if errors:
            raise ValidationError(errors)

    def membership_chain(self) -> Iterable[models.QuerySet]:  # type: ignore[type-arg]
        chain: list[models.QuerySet] = [ProjectMembership.objects.filter(project_id=self.pk)]  # type: ignore[type-arg]
        if self.program_id:
            chain.append(ProgramMembership.objects.filter(program_id=self.program_id))
        chain.append(PortfolioMembership.objects.filter(portfolio_id=self.portfolio_id))
        return chain

    def parent_scope(self) -> Program | Portfolio:
        return self.program if self.program_id and self.program else self.portfolio


class ProjectMembership(MembershipBase):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="uniq_project_member")]
