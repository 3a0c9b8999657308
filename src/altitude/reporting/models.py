"""Status reports and closure records of projects.

A status report covers a period and rates the project green/amber/red on five
dimensions plus overall. Each rating starts from what the figures say
(``altitude.engine.health``, the same rules as the portfolio board and the program
cockpit; the suggestion is kept in ``computed``); the project manager may rate
differently but must then say why in the dimension's comment. At submission the
report freezes a ``metrics`` snapshot and becomes read-only. A project has at most one
draft at a time.

A ``ProjectClosure`` is written once, in the same transaction that moves the project to
the closed stage: the closure report, the checklist as it stood and, if the checklist
did not pass, the reason for closing anyway.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from altitude.core.models import VersionedModel
from altitude.delivery.models import Project

DIMENSIONS = ("schedule", "cost", "scope", "risk", "benefits")
RATED = ("overall", *DIMENSIONS)


class RAG(models.TextChoices):
    GREEN = "green", "Green: on track"
    AMBER = "amber", "Amber: at risk"
    RED = "red", "Red: off track"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


def _rating(name: str) -> models.CharField:  # type: ignore[type-arg]
    return models.CharField(max_length=5, choices=RAG.choices, verbose_name=f"{name} rating")


def _comment(name: str) -> models.TextField:  # type: ignore[type-arg]
    return models.TextField(blank=True, verbose_name=f"{name} comment",
                            help_text="Required when the rating differs from the one the figures suggest.")


class StatusReport(VersionedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_reports")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    overall_rating = _rating("overall")
    overall_comment = _comment("overall")
    schedule_rating = _rating("schedule")
    schedule_comment = _comment("schedule")
    cost_rating = _rating("cost")
    cost_comment = _comment("cost")
    scope_rating = _rating("scope")
    scope_comment = _comment("scope")
    risk_rating = _rating("risk")
    risk_comment = _comment("risk")
    benefits_rating = _rating("benefits")
    benefits_comment = _comment("benefits")
    summary = models.TextField(blank=True, help_text="The state of the project in two or three sentences.")
    accomplishments = models.TextField(blank=True, help_text="What was done in this period.")
    next_steps = models.TextField(blank=True, help_text="What comes in the next period.")
    help_needed = models.TextField(blank=True, verbose_name="help needed from the program",
                                   help_text="Decisions, money or people the program must provide.")
    computed = models.JSONField(default=dict, blank=True, editable=False,
                                help_text="Ratings the figures suggest: {dimension: {rating, reason}}.")
    metrics = models.JSONField(default=dict, blank=True, editable=False,
                               help_text="Figures frozen at submission (finish dates, progress, counts, money).")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end", "-pk"]
        indexes = [models.Index(fields=["project", "status", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(fields=["project"], condition=models.Q(status="draft"),
                                    name="one_draft_status_report_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} status report {self.period_start} to {self.period_end}"

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    def suggested(self, name: str) -> str | None:
        """The rating the figures suggest for ``name`` (None: not assessed)."""
        value = (self.computed.get(name) or {}).get("rating")
        return value if value in RAG.values else None

    def overridden(self, name: str) -> bool:
        return bool(getattr(self, f"{name}_rating") != self.suggested(name))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "The period ends before it starts."
        for name in RATED:
            rating = getattr(self, f"{name}_rating")
            if rating not in RAG.values or not self.overridden(name) or getattr(self, f"{name}_comment").strip():
                continue
            hint = self.computed.get(name) or {}
            if self.suggested(name) is None:
                errors[f"{name}_comment"] = (f"The figures do not rate {name} ({hint.get('reason', 'not assessed')}): "
                                             "say what your rating is based on.")
            else:
                errors[f"{name}_comment"] = (
                    f"You rated {name} {RAG(rating).name.lower()} where the figures suggest "
                    f"{hint['rating']} ({hint.get('reason', '')}): say why.")
        if errors:
            raise ValidationError(errors)


class ObjectivesMet(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class ProjectClosure(VersionedModel):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="closure")
    outcome_summary = models.TextField(help_text="What the project delivered and how it ended.")
    objectives_met = models.CharField(max_length=6, choices=ObjectivesMet.choices)
    objectives_comment = models.TextField(blank=True, help_text="Required when the objectives were met partly or not.")
    handover_notes = models.TextField(blank=True, help_text="Who owns what from now on: operations, support, open items.")
    override_reason = models.TextField(blank=True, help_text="Why the project closed although the checklist did not pass.")
    checklist = models.JSONField(default=list, blank=True, editable=False, help_text="The checklist as it stood at closing.")
    closed_at = models.DateTimeField(editable=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", editable=False)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"closure of {self.project.code}"

    def clean(self) -> None:
        if self.objectives_met in (ObjectivesMet.PARTLY, ObjectivesMet.NO) and not self.objectives_comment.strip():
            raise ValidationError({"objectives_comment": "Say which objectives were not met and why."})
