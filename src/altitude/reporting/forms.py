"""Status report and closure forms: they parse; the services own every rule."""

from __future__ import annotations

from typing import Any

from django import forms

from altitude.reporting.models import RAG, RATED, ObjectivesMet, StatusReport

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RATING_CHOICES = [("", "— choose —"), *RAG.choices]


class StatusReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    period_start = forms.DateField(widget=DATE, label="Period from")
    period_end = forms.DateField(widget=DATE, label="Period to")
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="The state of the project in two or three sentences (needed to submit).")
    accomplishments = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                      label="Accomplishments this period")
    next_steps = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Next steps")
    help_needed = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  label="Help needed from the program",
                                  help_text="Decisions, money or people the program must provide; the program manager is told.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in RATED:
            self.fields[f"{name}_rating"] = forms.ChoiceField(choices=RATING_CHOICES, label=f"{name.capitalize()} rating")
            self.fields[f"{name}_comment"] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 2}), label=f"{name.capitalize()} comment")

    def rating_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(name, self[f"{name}_rating"], self[f"{name}_comment"]) for name in RATED]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("summary", "accomplishments", "next_steps", "help_needed")]

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    @staticmethod
    def initial_from(report: StatusReport) -> dict[str, Any]:
        fields = ["period_start", "period_end", "summary", "accomplishments", "next_steps", "help_needed",
                  *(f"{n}_rating" for n in RATED), *(f"{n}_comment" for n in RATED)]
        return {"version": report.version, **{f: getattr(report, f) for f in fields}}


class SubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="This report is ready: submit it (it becomes read-only and the program's managers are told).",
        error_messages={"required": "Tick the box to confirm the submission."})


class ClosureForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, help_text="The project's version.")
    outcome_summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Outcome summary",
                                      help_text="What the project delivered and how it ended.")
    objectives_met = forms.ChoiceField(choices=ObjectivesMet.choices, widget=forms.RadioSelect,
                                       label="Objectives met")
    objectives_comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                         label="Objectives comment",
                                         help_text="Required when they were met partly or not.")
    handover_notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                     label="Handover notes",
                                     help_text="Who owns what from now on: operations, support, open items.")
    override_reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                      label="Reason to close although the checklist does not pass",
                                      help_text="Only needed when a check above fails.")

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "override_reason")}
