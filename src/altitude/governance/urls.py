"""Register pages of projects (and the program cockpit's forecast)."""

from django.urls import path

from altitude.governance import forecast_views, views

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
    path("programs/<int:program_id>/forecast/", forecast_views.program_forecast, name="program-forecast"),
]
