"""Register pages of projects (and the program cockpit's forecast)."""

from django.urls import path

from altitude.governance import change_views, decision_views, forecast_views, lesson_views, views

app_name = "governance"
urlpatterns = [
    path("projects/<int:project_id>/risks/", views.project_risks, name="project-risks"),
    path("projects/<int:project_id>/risks/new/", views.risk_create, name="risk-create"),
    path("risks/<int:risk_id>/", views.risk_detail, name="risk-detail"),
    path("risks/<int:risk_id>/edit/", views.risk_edit, name="risk-edit"),
    path("risks/<int:risk_id>/escalate/", views.risk_escalate, name="risk-escalate"),
    path("projects/<int:project_id>/issues/", views.project_issues, name="project-issues"),
    path("projects/<int:project_id>/issues/new/", views.issue_create, name="issue-create"),
    path("issues/<int:issue_id>/", views.issue_detail, name="issue-detail"),
    path("issues/<int:issue_id>/edit/", views.issue_edit, name="issue-edit"),
    path("issues/<int:issue_id>/escalate/", views.issue_escalate, name="issue-escalate"),
    path("projects/<int:project_id>/changes/", change_views.project_changes, name="project-changes"),
    path("projects/<int:project_id>/changes/new/", change_views.change_create, name="change-create"),
    path("changes/<int:change_id>/", change_views.change_detail, name="change-detail"),
    path("changes/<int:change_id>/edit/", change_views.change_edit, name="change-edit"),
    path("changes/<int:change_id>/submit/", change_views.change_submit, name="change-submit"),
    path("changes/<int:change_id>/decide/", change_views.change_decide, name="change-decide"),
    path("changes/<int:change_id>/delete/", change_views.change_delete, name="change-delete"),
    path("projects/<int:project_id>/decisions/", decision_views.project_decisions, name="project-decisions"),
    path("projects/<int:project_id>/decisions/new/", decision_views.decision_create, name="decision-create"),
    path("programs/<int:program_id>/decisions/", decision_views.program_decisions, name="program-decisions"),
    path("programs/<int:program_id>/decisions/new/", decision_views.program_decision_create,
         name="program-decision-create"),
    path("decisions/<int:decision_id>/", decision_views.decision_detail, name="decision-detail"),
    path("decisions/<int:decision_id>/edit/", decision_views.decision_edit, name="decision-edit"),
    path("decisions/<int:decision_id>/decide/", decision_views.decision_decide, name="decision-decide"),
    path("decisions/<int:decision_id>/delete/", decision_views.decision_delete, name="decision-delete"),
    path("projects/<int:project_id>/lessons/", lesson_views.project_lessons, name="project-lessons"),
    path("projects/<int:project_id>/lessons/new/", lesson_views.lesson_create, name="lesson-create"),
    path("lessons/", lesson_views.lesson_search, name="lessons"),
    path("lessons/<int:lesson_id>/", lesson_views.lesson_detail, name="lesson-detail"),
    path("lessons/<int:lesson_id>/edit/", lesson_views.lesson_edit, name="lesson-edit"),
    path("lessons/<int:lesson_id>/delete/", lesson_views.lesson_delete, name="lesson-delete"),
    path("programs/<int:program_id>/forecast/", forecast_views.program_forecast, name="program-forecast"),
]
