"""Register forms: plain forms (the services validate), schedule impact in working days.

The services own every rule (kind vs response, signs, linked tasks); a form only parses
and hands ``changes()`` over, so the page and the API give the same answers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from altitude.accounts.models import User
from altitude.delivery.models import Task
from altitude.governance.models import IssueStatus, ResponseStrategy, RiskKind, RiskStatus, Severity
from altitude.governance.register_models import (
    CheckResult,
    Engagement,
    LessonCategory,
    LessonEffect,
)

DAY = 480
SCALE = [(i, str(i)) for i in range(1, 6)]


class PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class TaskChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.project.code} {obj.wbs} {obj.name}"


class EntryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = PersonChoice(queryset=User.objects.none(), required=False, empty_label="— nobody yet —")
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people if people is not None else User.objects.filter(is_active=True)  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        owner = data.pop("owner", None)
        data["owner_id"] = owner.pk if owner else None
        return data


class RiskForm(EntryForm):
    kind = forms.ChoiceField(choices=RiskKind.choices)
    probability = forms.TypedChoiceField(choices=SCALE, coerce=int, initial=3, help_text="1 rare … 5 almost certain.")
    impact = forms.TypedChoiceField(choices=SCALE, coerce=int, initial=3, help_text="1 negligible … 5 severe.")
    probability_percent = forms.IntegerField(
        required=False, min_value=0, max_value=100, label="Probability for the forecast (%)",
        help_text="Empty: from the scale (1-5 = 10, 30, 50, 70, 90 %).")
    schedule_impact_days = forms.DecimalField(
        required=False, max_digits=7, decimal_places=1, label="Schedule impact (working days)",
        help_text="Added to each linked task if it occurs: positive for a threat, negative (a saving) for an opportunity.")
    cost_impact = forms.DecimalField(required=False, max_digits=14, decimal_places=2,
                                     help_text="Positive for a threat, negative (a saving) for an opportunity.")
    tasks = TaskChoice(queryset=Task.objects.none(), required=False, label="Linked tasks",
                       widget=forms.SelectMultiple(attrs={"size": 6}),
                       help_text="The tasks the schedule impact applies to in the forecast.")
    response = forms.ChoiceField(choices=ResponseStrategy.choices,
                                 help_text="Threats: avoid, mitigate, transfer, accept. Opportunities: exploit, enhance, share, accept.")
    mitigation_plan = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Response plan")
    status = forms.ChoiceField(choices=RiskStatus.choices)
    field_order = ["title", "description", "kind", "probability", "impact", "probability_percent",
                   "schedule_impact_days", "cost_impact", "tasks", "owner", "response", "mitigation_plan",
                   "due_date", "status"]

    def __init__(self, *args: Any, tasks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tasks is not None:
            self.fields["tasks"].queryset = tasks  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        data = super().changes()
        days = data.pop("schedule_impact_days", None)
        data["schedule_impact_minutes"] = round((days or Decimal(0)) * DAY)
        data["cost_impact"] = data.get("cost_impact") or Decimal(0)
        data["task_ids"] = [t.pk for t in data.pop("tasks", [])]
        return data

    @staticmethod
    def initial_from(risk: Any) -> dict[str, Any]:
        return {
            "version": risk.version, "title": risk.title, "description": risk.description, "kind": risk.kind,
            "probability": risk.probability, "impact": risk.impact, "probability_percent": risk.probability_percent,
            "schedule_impact_days": Decimal(risk.schedule_impact_minutes) / DAY, "cost_impact": risk.cost_impact,
            "tasks": list(risk.tasks.all()), "owner": risk.owner_id, "response": risk.response,
            "mitigation_plan": risk.mitigation_plan, "due_date": risk.due_date, "status": risk.status,
        }


class IssueForm(EntryForm):
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM)
    status = forms.ChoiceField(choices=IssueStatus.choices)
    risk: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        queryset=None, required=False, label="Risk that occurred", empty_label="— none —")
    field_order = ["title", "description", "severity", "owner", "due_date", "status", "risk"]

    def __init__(self, *args: Any, risks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from altitude.governance.models import Risk

        self.fields["risk"].queryset = risks if risks is not None else Risk.objects.none()  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        data = super().changes()
        risk = data.pop("risk", None)
        data["risk_id"] = risk.pk if risk else None
        return data

    @staticmethod
    def initial_from(issue: Any) -> dict[str, Any]:
        return {"version": issue.version, "title": issue.title, "description": issue.description,
                "severity": issue.severity, "owner": issue.owner_id, "due_date": issue.due_date,
                "status": issue.status, "risk": issue.risk_id}


class EscalateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why the level above must act",
                             max_length=2000)


class ChangeRequestForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What changes")
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Why it is needed")
    requested_by = PersonChoice(queryset=User.objects.none(), required=False, empty_label="— me —")
    scope_impact = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Impact on scope",
                                   help_text="What is added to or removed from the deliverables.")
    schedule_impact_days = forms.IntegerField(
        required=False, min_value=-9999, max_value=9999, label="Impact on schedule (working days)",
        help_text="Positive: the finish moves later; negative: earlier.")
    cost_impact = forms.DecimalField(required=False, max_digits=14, decimal_places=2, label="Impact on cost",
                                     help_text="Positive: extra cost; negative: a saving.")
    tasks = TaskChoice(queryset=Task.objects.none(), required=False, label="Affected tasks",
                       widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args: Any, people: Any = None, tasks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requested_by"].queryset = people if people is not None else User.objects.filter(is_active=True)  # type: ignore[attr-defined]
        if tasks is not None:
            self.fields["tasks"].queryset = tasks  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        person = data.pop("requested_by", None)
        if person is not None:
            data["requested_by_id"] = person.pk
        data["schedule_impact_days"] = data.get("schedule_impact_days") or 0
        data["cost_impact"] = data.get("cost_impact") or Decimal(0)
        data["task_ids"] = [t.pk for t in data.pop("tasks", [])]
        return data

    @staticmethod
    def initial_from(change: Any) -> dict[str, Any]:
        return {
            "version": change.version, "title": change.title, "description": change.description,
            "reason": change.reason, "requested_by": change.requested_by_id, "scope_impact": change.scope_impact,
            "schedule_impact_days": change.schedule_impact_days, "cost_impact": change.cost_impact,
            "tasks": list(change.tasks.all()),
        }


class TransitionForm(forms.Form):
    """One workflow step of a change request; the service checks the step and the comment."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    rebaseline = forms.BooleanField(required=False, label="Take a new baseline of the project now")
    baseline_name = forms.CharField(required=False, max_length=100, label="Baseline name",
                                    help_text="Empty: “After CR-…”.")


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(max_length=200, label="What needs deciding")
    context = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Background: why a decision is needed, and by whom it is affected.")
    options = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Options considered",
                              help_text="One per line, with their pros and cons.")
    owner = PersonChoice(queryset=User.objects.none(), required=False, empty_label="— nobody yet —",
                         label="Decision owner", help_text="Who must take the decision.")
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Needed by")

    def __init__(self, *args: Any, people: Any = None, decided: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people if people is not None else User.objects.filter(is_active=True)  # type: ignore[attr-defined]
        if decided:  # the text of a taken decision may be corrected, not emptied
            self.fields["decision"] = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Decision")

    def changes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        owner = data.pop("owner", None)
        data["owner_id"] = owner.pk if owner else None
        return data

    @staticmethod
    def initial_from(decision: Any) -> dict[str, Any]:
        return {"version": decision.version, "title": decision.title, "context": decision.context,
                "options": decision.options, "owner": decision.owner_id, "due_date": decision.due_date,
                "decision": decision.decision}


class DecideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                               label="What was decided, and why")


class LessonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=LessonCategory.choices)
    effect = forms.ChoiceField(choices=LessonEffect.choices, label="Outcome")
    tags = forms.CharField(required=False, max_length=300,
                           help_text="Comma-separated, e.g. “erp, data migration”; stored in lower case.")
    what_happened = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    learned = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              label="What we learned / recommendation")

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    @staticmethod
    def initial_from(lesson: Any) -> dict[str, Any]:
        return {"version": lesson.version, "title": lesson.title, "category": lesson.category,
                "effect": lesson.effect, "tags": ", ".join(lesson.tag_list), "what_happened": lesson.what_happened,
                "learned": lesson.learned}


class StakeholderForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(max_length=200)
    organisation = forms.CharField(max_length=200, required=False)
    role = forms.CharField(max_length=200, required=False, help_text="Their role towards the project.")
    contact = forms.CharField(max_length=200, required=False, help_text="E-mail address or phone number.")
    influence = forms.TypedChoiceField(choices=SCALE, coerce=int, initial=3, help_text="1 none … 5 can stop the project.")
    interest = forms.TypedChoiceField(choices=SCALE, coerce=int, initial=3, help_text="1 barely affected … 5 deeply.")
    current_engagement = forms.ChoiceField(choices=Engagement.choices, initial=Engagement.NEUTRAL)
    desired_engagement = forms.ChoiceField(choices=Engagement.choices, initial=Engagement.SUPPORTIVE)
    channel = forms.CharField(max_length=100, required=False, label="Communication channel",
                              help_text="Steering committee, e-mail update, one-to-one …")
    frequency = forms.CharField(max_length=100, required=False, label="How often", help_text="Weekly, monthly, per milestone …")
    communication_owner = PersonChoice(queryset=User.objects.none(), required=False, empty_label="— nobody yet —",
                                       help_text="Who on the team keeps them informed.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["communication_owner"].queryset = people if people is not None else User.objects.filter(is_active=True)  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        owner = data.pop("communication_owner", None)
        data["communication_owner_id"] = owner.pk if owner else None
        return data

    @staticmethod
    def initial_from(s: Any) -> dict[str, Any]:
        names = ["name", "organisation", "role", "contact", "influence", "interest", "current_engagement",
                 "desired_engagement", "channel", "frequency", "notes", "version"]
        return {**{n: getattr(s, n) for n in names}, "communication_owner": s.communication_owner_id}


class QualityCheckForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    task = forms.ModelChoiceField(queryset=Task.objects.none(), label="Task / deliverable",
                                  empty_label="— choose the task —")
    criterion = forms.CharField(max_length=300, help_text="What must be true, e.g. “checkout answers in under 2 s”.")
    method = forms.CharField(max_length=200, required=False, help_text="Review, test, inspection, demo …")
    planned_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, tasks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks if tasks is not None else Task.objects.none()  # type: ignore[attr-defined]
        self.fields["task"].label_from_instance = lambda t: f"{t.wbs} {t.name}"  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["task_id"] = data.pop("task").pk
        return data

    @staticmethod
    def initial_from(check: Any) -> dict[str, Any]:
        return {"version": check.version, "task": check.task_id, "criterion": check.criterion, "method": check.method,
                "planned_date": check.planned_date}


class ResultForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(choices=CheckResult.choices)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000,
                            label="Findings (the reason, when waived)")
