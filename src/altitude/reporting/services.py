"""Status report use cases: draft, edit, submit, discard, list; the latest report of each project.

Every call authorises through the policy table on the report's project. Writes validate
fully (an overridden rating needs a comment), run in one transaction, need the version
the client edited, and refuse to touch a submitted report (409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from altitude.core.errors import Conflict, InvalidInput, NotFound
from altitude.core.models import Role
from altitude.core.notifications import notify
from altitude.core.policy import Action, AnyUser, Resource, authorize
from altitude.core.services import check_version, update_versioned, validate_and_save
from altitude.delivery import services as delivery
from altitude.delivery.models import ProgramMembership, Project, Stage
from altitude.reporting.facts import snapshot
from altitude.reporting.models import RAG, RATED, ReportStatus, StatusReport
from altitude.strategy.models import PortfolioMembership

LABEL = "status report"
OVERDUE_DAYS = 14
# Stages in which the program expects a report at least every OVERDUE_DAYS days.
REPORTING_STAGES = (Stage.INITIATING, Stage.PLANNING, Stage.EXECUTING, Stage.CLOSING)
TEXT_FIELDS = ("summary", "accomplishments", "next_steps", "help_needed")
REPORT_FIELDS = frozenset({"period_start", "period_end", *TEXT_FIELDS,
                           *(f"{n}_rating" for n in RATED), *(f"{n}_comment" for n in RATED)})


def visible_reports(user: AnyUser) -> QuerySet[StatusReport]:
    return StatusReport.objects.select_related("project", "author", "submitted_by").filter(
        project__in=delivery.visible_projects(user).values("pk"))


@dataclass(frozen=True)
class ReportFilter:
    """One filter set for the Reports tab and ``GET /status-reports``."""

    project: int | None = None
    status: str | None = None

    def apply(self, qs: QuerySet[StatusReport]) -> QuerySet[StatusReport]:
        if self.project:
            qs = qs.filter(project_id=self.project)
        if self.status:
            qs = qs.filter(status=self.status)
        return qs


def list_reports(user: AnyUser, report_filter: ReportFilter | None = None,
                 project: Project | None = None) -> QuerySet[StatusReport]:
    """Visible reports, newest period first; with ``project``, that project's only."""
    qs = visible_reports(user)
    if project is not None:
        authorize(user, Resource.STATUS_REPORT, Action.VIEW, project, label=LABEL)
        qs = qs.filter(project=project)
    qs = report_filter.apply(qs) if report_filter else qs
    return qs.order_by("-period_end", "-pk")


def get_report(user: AnyUser, pk: int) -> StatusReport:
    report = visible_reports(user).filter(pk=pk).first()
    if report is None:
        raise NotFound("No status report with that id.")
    authorize(user, Resource.STATUS_REPORT, Action.VIEW, report.project, label=LABEL)
    return report


def default_period(project: Project, today: dt.date) -> tuple[dt.date, dt.date]:
    """Since the day after the last submitted report's period, else the current week (Monday on)."""
    last = (StatusReport.objects.filter(project=project, status=ReportStatus.SUBMITTED)
            .order_by("-period_end").values_list("period_end", flat=True).first())
    start = last + dt.timedelta(days=1) if last else today - dt.timedelta(days=today.weekday())
    return min(start, today), today


def draft_of(project: Project) -> StatusReport | None:
    return StatusReport.objects.filter(project=project, status=ReportStatus.DRAFT).first()


def suggested_values(project: Project, today: dt.date | None = None) -> dict[str, Any]:
    """What a new draft starts from: the default period and the ratings the figures suggest."""
    on = today or timezone.localdate()
    start, end = default_period(project, on)
    computed = snapshot(project, on).computed()
    values: dict[str, Any] = {"period_start": start, "period_end": end, "computed": computed}
    for name in RATED:
        if computed[name]["rating"]:
            values[f"{name}_rating"] = computed[name]["rating"]
    return values


def _project_for_create(user: AnyUser, project_id: Any) -> Project:
    try:
        return delivery.get_project(user, int(project_id or 0))
    except NotFound as exc:
        raise InvalidInput(f"project_id: no project with id {project_id}.", field="project_id") from exc


def _require_ratings(values: Mapping[str, Any], computed: Mapping[str, Any]) -> None:
    for name in RATED:
        if values.get(f"{name}_rating") not in RAG.values:
            reason = (computed.get(name) or {}).get("reason", "")
            raise InvalidInput(f"{name}_rating: the figures do not rate {name} ({reason}); choose green, amber or "
                               f"red and say in the comment what it is based on.", field=f"{name}_rating")


def create_report(user: AnyUser, fields: Mapping[str, Any], today: dt.date | None = None) -> StatusReport:
    """Start the project's draft; ratings not given take the suggestion of the figures."""
    project = _project_for_create(user, fields.get("project_id"))
    authorize(user, Resource.STATUS_REPORT, Action.CREATE, project, label=LABEL)
    if project.stage == Stage.CLOSED:
        raise Conflict(f"{project.code} is closed: it reports no more.", field="project_id")
    existing = draft_of(project)
    if existing is not None:
        raise Conflict(f"{project.code} already has a draft status report (id {existing.pk}): edit or submit it "
                       "first.", field="project_id")
    suggested = suggested_values(project, today)
    values = {**suggested, **{k: v for k, v in fields.items() if k in REPORT_FIELDS and v is not None}}
    _require_ratings(values, suggested["computed"])
    with transaction.atomic():
        return validate_and_save(StatusReport(project=project, author_id=user.pk if user.is_authenticated else None,
                                              **values))


def _refresh(report: StatusReport, changes: dict[str, Any], today: dt.date | None) -> dict[str, Any]:
    """New suggestions from today's figures; ratings that followed the old suggestion follow the new one."""
    snap = snapshot(report.project, today)
    computed = snap.computed()
    for name in RATED:
        key = f"{name}_rating"
        new = computed[name]["rating"]
        if key not in changes and not report.overridden(name) and new:
            changes[key] = new
    changes["computed"] = computed
    changes["_metrics"] = snap.metrics
    return changes


def _editable(user: AnyUser, pk: int, action: Action) -> StatusReport:
    report = get_report(user, pk)
    authorize(user, Resource.STATUS_REPORT, action, report.project, label=LABEL)
    if not report.is_draft:
        raise Conflict(f"This status report was submitted on {timezone.localtime(report.submitted_at):%Y-%m-%d}; "
                       "it is read-only. Start a new one for the next period.", field="status")
    return report


def update_report(user: AnyUser, pk: int, version: int | None, changes: Mapping[str, Any],
                  today: dt.date | None = None) -> StatusReport:
    report = _editable(user, pk, Action.CHANGE)
    check_version(report.version, version, LABEL)
    values = {k: v for k, v in changes.items() if k in REPORT_FIELDS}
    for key in [k for k in values if k.endswith("_rating")]:
        if values[key] not in RAG.values:
            raise InvalidInput(f"{key}: choose green, amber or red.", field=key)
    values = _refresh(report, values, today)
    values.pop("_metrics")
    with transaction.atomic():
        return update_versioned(report, version, values, LABEL)


def delete_report(user: AnyUser, pk: int, version: int | None) -> None:
    """Discard a draft (the version the user saw, so nobody's newer edits vanish unseen);
    a submitted report stays on record (409)."""
    report = _editable(user, pk, Action.DELETE)
    check_version(report.version, version, LABEL)
    with transaction.atomic():
        report.delete()


def submit_report(user: AnyUser, pk: int, version: int | None, today: dt.date | None = None,
                  now: dt.datetime | None = None) -> StatusReport:
    """Freeze the metrics (as of ``today``), mark it submitted (at ``now``), tell the program's managers."""
    report = _editable(user, pk, Action.SUBMIT)
    check_version(report.version, version, LABEL)
    if not report.summary.strip():
        raise InvalidInput("summary: write a summary before submitting.", field="summary")
    values = _refresh(report, {}, today)
    values["metrics"] = values.pop("_metrics")
    values.update(status=ReportStatus.SUBMITTED, submitted_at=now or timezone.now(),
                  submitted_by=user if user.is_authenticated else None)
    with transaction.atomic():
        saved = update_versioned(report, version, values, LABEL)
        who = getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "Someone")
        overall = RAG(saved.overall_rating).name.lower()
        text = (f"{who} submitted the {saved.project.code} status report for {saved.period_start:%Y-%m-%d} to "
                f"{saved.period_end:%Y-%m-%d}: overall {overall}.")
        if saved.help_needed.strip():
            text += f" Help needed: {saved.help_needed.strip()}"
        notify(oversight(saved.project), text, reverse("reporting:report-detail", args=[saved.pk]), actor=user)
    return saved


def oversight(project: Project) -> list[int | None]:
    """Who hears about the project's reports and closure: its program's managers, else its portfolio's."""
    if project.program_id:
        program = project.program
        ids: list[int | None] = [program.manager_id] if program else []
        return ids + list(ProgramMembership.objects.filter(program_id=project.program_id, role=Role.MANAGER)
                          .values_list("user_id", flat=True))
    return list(PortfolioMembership.objects.filter(portfolio_id=project.portfolio_id, role=Role.MANAGER)
                .values_list("user_id", flat=True))


def latest_submitted(project_ids: Iterable[int]) -> dict[int, StatusReport]:
    """The newest submitted report of each project, one query (no permission check: callers pass visible ids)."""
    newest = (StatusReport.objects.filter(project=OuterRef("project"), status=ReportStatus.SUBMITTED)
              .order_by("-submitted_at", "-pk").values("pk")[:1])
    rows = StatusReport.objects.filter(project_id__in=list(project_ids), status=ReportStatus.SUBMITTED,
                                       pk=Subquery(newest))
    return {r.project_id: r for r in rows}


@dataclass(frozen=True)
class ReportRow:
    """One project in the cockpit's "Status reports" section."""

    project: Project
    report: StatusReport | None
    age_days: int | None
    overdue: bool

    @property
    def state(self) -> str:
        """In words (never colour alone)."""
        if self.project.stage not in REPORTING_STAGES:
            return f"Not expected ({self.project.get_stage_display().lower()})"
        if self.report is None:
            return "Overdue: no report yet"
        days = f"{self.age_days} day{'s' if self.age_days != 1 else ''} ago"
        return f"Overdue: last one {days}" if self.overdue else f"Up to date ({days})"


def report_rows(projects: Iterable[Project], today: dt.date | None = None) -> list[ReportRow]:
    on = today or timezone.localdate()
    projects = list(projects)
    latest = latest_submitted(p.pk for p in projects)
    rows = []
    for p in projects:
        report = latest.get(p.pk)
        age = (on - timezone.localtime(report.submitted_at).date()).days if report and report.submitted_at else None
        expected = p.stage in REPORTING_STAGES
        rows.append(ReportRow(p, report, age, expected and (age is None or age > OVERDUE_DAYS)))
    return rows
