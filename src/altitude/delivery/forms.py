"""Forms of the project pages: the same rules as the API, errors attached to fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from altitude.delivery.models import Project, Task, TaskStatus


class ProjectForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Project
        fields = [
            "name", "description", "stage", "priority", "manager", "sponsor", "budget",
            "estimated_cost", "expected_benefits", "feasibility", "start_date", "finish_date",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "finish_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def changes(self) -> dict[str, object]:
        """Cleaned values keyed as the service expects (``manager_id`` ...)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        for person in ("manager", "sponsor"):
            user = data.pop(person, None)
            data[f"{person}_id"] = user.pk if user else None
        return data


MINUTES_PER_DAY = 480


class TaskRowForm(forms.Form):
    """The task list's inline edit: name, duration in days, % complete, status, levelling priority,
    predecessors."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(max_length=200)
    duration_days = forms.DecimalField(label="Duration (days)", min_value=Decimal("0"), max_digits=8, decimal_places=2)
    percent_complete = forms.IntegerField(label="% complete", min_value=0, max_value=100)
    status = forms.ChoiceField(choices=TaskStatus.choices)
    leveling_priority = forms.IntegerField(
        label="Levelling priority", min_value=0, max_value=1000, required=False,
        help_text="0 to 1000 (MS Project's): when people are short, levelling serves higher-priority tasks first; "
                  "1000: do not level.")
    predecessors = forms.CharField(required=False, max_length=500,
                                   help_text="Row IDs with type and lag, e.g. 12FS+2d, 3SS-1d, 7")

    # service field -> form field, to attach a service error to the right input
    FIELD_OF = {"duration_minutes": "duration_days", "milestone": "duration_days"}

    @classmethod
    def for_task(cls, task: Task, predecessors: str, data: Any = None, *, summary: bool = False) -> TaskRowForm:
        initial = {"version": task.version, "name": task.name, "duration_days": Decimal(task.duration_minutes) / MINUTES_PER_DAY,
                   "percent_complete": task.percent_complete, "status": task.status, "predecessors": predecessors,
                   "leveling_priority": task.leveling_priority}
        form = cls(data, initial=initial, prefix=f"t{task.pk}")
        for bound in form.fields.values():
            bound.widget.attrs["form"] = f"edit-{task.pk}"  # the inputs sit in table cells, the form in one of them
        if summary:  # a summary spans its subtasks: its duration is computed, not typed, and it is not levelled
            form.fields["duration_days"].disabled = True
            form.fields["leveling_priority"].disabled = True
        return form

    def changes(self, task: Task) -> dict[str, object]:
        """Only what the user changed (an untouched status is not re-sent as progress)."""
        data = self.cleaned_data
        values = {"name": data["name"], "duration_minutes": round(data["duration_days"] * MINUTES_PER_DAY),
                  "percent_complete": data["percent_complete"], "status": data["status"],
                  "leveling_priority": data["leveling_priority"]}
        return {k: v for k, v in values.items() if v is not None and getattr(task, k) != v}

    def attach(self, field: str | None, message: str) -> None:
        name = self.FIELD_OF.get(field or "", field or "")
        self.add_error(name if name in self.fields and name != "version" else None, message)
