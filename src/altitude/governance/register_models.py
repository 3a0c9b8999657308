"""Project registers beyond risks and issues: change requests, decisions, lessons, stakeholders.

Imported by ``governance.models`` so that Django finds them; kept apart so each module
stays readable. Sign conventions of a change request's impact as for risks: positive
``schedule_impact_days`` means the project finishes later, positive ``cost_impact``
means it costs more; negative values are savings.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from altitude.core.models import VersionedModel
from altitude.delivery.models import Program, Project


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ASSESSED = "assessed", "Assessed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    IMPLEMENTED = "implemented", "Implemented"


# target status -> the statuses it may be reached from
CHANGE_FLOW: dict[str, tuple[str, ...]] = {
    ChangeStatus.SUBMITTED: (ChangeStatus.DRAFT,),
    ChangeStatus.ASSESSED: (ChangeStatus.SUBMITTED,),
    ChangeStatus.APPROVED: (ChangeStatus.ASSESSED,),
    ChangeStatus.REJECTED: (ChangeStatus.ASSESSED,),
    ChangeStatus.IMPLEMENTED: (ChangeStatus.APPROVED,),
}
# Details can be edited until the change is assessed; after that the decision is about fixed facts.
CHANGE_EDITABLE = (ChangeStatus.DRAFT, ChangeStatus.SUBMITTED)
OPEN_CHANGE = (ChangeStatus.DRAFT, ChangeStatus.SUBMITTED, ChangeStatus.ASSESSED, ChangeStatus.APPROVED)

USER = settings.AUTH_USER_MODEL


class ChangeRequest(VersionedModel):
    """A proposed change to a project's scope, schedule or cost, and its way to a decision."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_requests")
    code = models.CharField(max_length=20, blank=True, help_text="Reference in the register; given automatically.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What changes.")
    reason = models.TextField(blank=True, help_text="Why the change is needed.")
    requested_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    scope_impact = models.TextField(blank=True, help_text="What is added to or removed from the scope.")
    schedule_impact_days = models.IntegerField(
        default=0, help_text="Working days the finish moves: positive later, negative earlier.")
    cost_impact = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"),
                                      help_text="Extra cost (negative: a saving).")
    tasks = models.ManyToManyField("delivery.Task", blank=True, related_name="change_requests",
                                   help_text="Tasks of the project the change affects.")
    status = models.CharField(max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.DRAFT, editable=False)
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    assessed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    editable=False)
    assessed_at = models.DateTimeField(null=True, blank=True, editable=False)
    assessment = models.TextField(blank=True, editable=False, help_text="The manager's assessment of the impact.")
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_comment = models.TextField(blank=True, editable=False)
    implemented_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                       editable=False)
    implemented_at = models.DateTimeField(null=True, blank=True, editable=False)
    baseline = models.ForeignKey("delivery.Baseline", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", editable=False, help_text="Baseline taken when implemented.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["project", "status"])]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="uniq_change_request_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def scope(self) -> Project:
        return self.project

    @property
    def editable(self) -> bool:
        return self.status in CHANGE_EDITABLE


class DecisionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Decision(VersionedModel):
    """A decision a project or program needs (pending) or took (decided), with its context and options."""

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    code = models.CharField(max_length=20, blank=True, help_text="Reference in the log; given automatically.")
    title = models.CharField(max_length=200, help_text="The question to decide.")
    context = models.TextField(blank=True, help_text="Background: why a decision is needed.")
    options = models.TextField(blank=True, help_text="Options considered, one per line, with pros and cons.")
    decision = models.TextField(blank=True, help_text="What was decided and why.")
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              help_text="Who must take the decision.")
    due_date = models.DateField(null=True, blank=True, help_text="When the decision is needed by.")
    status = models.CharField(max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.PENDING,
                              editable=False)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["project", "status"]), models.Index(fields=["program", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, program__isnull=True)
                | models.Q(project__isnull=True, program__isnull=False), name="decision_one_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def scope(self) -> Project | Program:
        scope = self.project if self.project_id else self.program
        assert scope is not None
        return scope

    @property
    def is_overdue(self) -> bool:
        """Still pending after its due date (today in the site's time zone)."""
        return bool(self.status == DecisionStatus.PENDING and self.due_date and self.due_date < timezone.localdate())


class LessonCategory(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    COST = "cost", "Cost"
    SCOPE = "scope", "Scope"
    QUALITY = "quality", "Quality"
    RISK = "risk", "Risk"
    PEOPLE = "people", "People"
    SUPPLIER = "supplier", "Supplier"
    TECHNICAL = "technical", "Technical"
    OTHER = "other", "Other"


class LessonEffect(models.TextChoices):
    POSITIVE = "positive", "Went well (repeat it)"
    NEGATIVE = "negative", "Went badly (avoid it)"


class Lesson(VersionedModel):
    """What a project learned, tagged so that later projects find it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=10, choices=LessonCategory.choices, default=LessonCategory.OTHER)
    tags = models.CharField(max_length=300, blank=True,
                            help_text="Comma-separated, stored lower-case and sorted: 'erp,migration'.")
    what_happened = models.TextField(blank=True)
    learned = models.TextField(blank=True, help_text="What we learned, and the recommendation for the next project.")
    effect = models.CharField(max_length=8, choices=LessonEffect.choices, default=LessonEffect.NEGATIVE)
    author = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["project", "category"]), models.Index(fields=["category"])]

    def __str__(self) -> str:
        return self.title

    @property
    def scope(self) -> Project:
        return self.project

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class Engagement(models.TextChoices):
    UNAWARE = "unaware", "Unaware"
    RESISTANT = "resistant", "Resistant"
    NEUTRAL = "neutral", "Neutral"
    SUPPORTIVE = "supportive", "Supportive"
    LEADING = "leading", "Leading"


ENGAGEMENT_ORDER = [e.value for e in Engagement]
SCALE_1_5 = [MinValueValidator(1), MaxValueValidator(5)]


def quadrant(influence: int, interest: int) -> str:
    """The classic power/interest strategy: 3 or more counts as high on the 1-5 scales."""
    if influence >= 3:
        return "Manage closely" if interest >= 3 else "Keep satisfied"
    return "Keep informed" if interest >= 3 else "Monitor"


class Stakeholder(VersionedModel):
    """A person or group affected by the project, how much they matter and how we keep them engaged."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True, help_text="Their role towards the project, e.g. 'works council'.")
    contact = models.CharField(max_length=200, blank=True, help_text="E-mail address or phone number.")
    influence = models.PositiveSmallIntegerField(default=3, validators=SCALE_1_5,
                                                 help_text="Power over the project: 1 (none) to 5 (can stop it).")
    interest = models.PositiveSmallIntegerField(default=3, validators=SCALE_1_5,
                                                help_text="How much the outcome affects them: 1 (barely) to 5 (deeply).")
    current_engagement = models.CharField(max_length=10, choices=Engagement.choices, default=Engagement.NEUTRAL)
    desired_engagement = models.CharField(max_length=10, choices=Engagement.choices, default=Engagement.SUPPORTIVE)
    channel = models.CharField(max_length=100, blank=True, help_text="How we communicate: steering committee, e-mail …")
    frequency = models.CharField(max_length=100, blank=True, help_text="How often: weekly, at each milestone …")
    communication_owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                            help_text="Who on the team keeps them informed.")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-influence", "-interest", "name"]
        indexes = [models.Index(fields=["project", "influence", "interest"])]

    def __str__(self) -> str:
        return self.name

    @property
    def scope(self) -> Project:
        return self.project

    @property
    def quadrant(self) -> str:
        return quadrant(self.influence, self.interest)

    @property
    def engagement_gap(self) -> int:
        """Steps from the current to the desired engagement (positive: we must win them over)."""
        return ENGAGEMENT_ORDER.index(self.desired_engagement) - ENGAGEMENT_ORDER.index(self.current_engagement)


class CheckResult(models.TextChoices):
    PENDING = "pending", "Pending"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    WAIVED = "waived", "Waived"


class QualityCheck(VersionedModel):
    """One acceptance check of a task's deliverable: what is checked, how, when, and the outcome."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="quality_checks")
    task = models.ForeignKey("delivery.Task", on_delete=models.CASCADE, related_name="quality_checks",
                             help_text="The task whose deliverable is checked.")
    criterion = models.CharField(max_length=300, help_text="What must be true, e.g. 'checkout answers in < 2 s'.")
    method = models.CharField(max_length=200, blank=True, help_text="How it is checked: review, test, inspection …")
    planned_date = models.DateField(null=True, blank=True)
    result = models.CharField(max_length=8, choices=CheckResult.choices, default=CheckResult.PENDING, editable=False)
    notes = models.TextField(blank=True, editable=False, help_text="Findings; the reason when waived.")
    checked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   editable=False)
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("planned_date").asc(nulls_last=True), "pk"]
        indexes = [models.Index(fields=["project", "result"])]

    def __str__(self) -> str:
        return self.criterion

    @property
    def scope(self) -> Project:
        return self.project
