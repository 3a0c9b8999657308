"""The project edit form: the same rules as the API, errors attached to fields."""

from __future__ import annotations

from django import forms

from altitude.delivery.models import Project


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
