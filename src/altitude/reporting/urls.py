"""Status report and closure pages of the project workspace."""

from django.urls import path

from altitude.reporting import views

app_name = "reporting"
urlpatterns = [
    path("projects/<int:project_id>/reports/", views.project_reports, name="project-reports"),
    path("projects/<int:project_id>/reports/new/", views.report_create, name="report-create"),
    path("reports/<int:report_id>/", views.report_detail, name="report-detail"),
    path("reports/<int:report_id>/edit/", views.report_edit, name="report-edit"),
    path("reports/<int:report_id>/submit/", views.report_submit, name="report-submit"),
    path("reports/<int:report_id>/delete/", views.report_delete, name="report-delete"),
    path("projects/<int:project_id>/closure/", views.project_closure, name="project-closure"),
    path("projects/<int:project_id>/closure/close/", views.project_close, name="project-close"),
]
