from django.urls import path

from altitude.delivery import views

app_name = "delivery"
urlpatterns = [
    path("programs/", views.program_list, name="program-list"),
    path("programs/<int:program_id>/", views.program_detail, name="program-detail"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/<int:project_id>/", views.project_detail, name="project-detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="project-edit"),
]
