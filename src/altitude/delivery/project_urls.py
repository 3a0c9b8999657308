"""Project workspace routes (micro altitude): overview and the Schedule, Tasks, Board and Resources tabs."""

from django.urls import path

from altitude.delivery import leveling_views, views
from altitude.delivery import workspace_views as ws

urlpatterns = [
    path("projects/", views.project_list, name="project-list"),
    path("projects/<int:project_id>/", views.project_detail, name="project-detail"),
    path("projects/<int:project_id>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:project_id>/schedule/", ws.project_schedule, name="project-schedule"),
    path("projects/<int:project_id>/schedule/data/", ws.project_gantt_data, name="project-gantt-data"),
    path("projects/<int:project_id>/tasks/", ws.project_tasks, name="project-tasks"),
    path("projects/<int:project_id>/tasks/<int:task_id>/", ws.task_row, name="task-row"),
    path("projects/<int:project_id>/tasks/<int:task_id>/edit/", ws.task_edit, name="task-edit"),
    path("projects/<int:project_id>/tasks/<int:task_id>/indent/", ws.task_indent, name="task-indent"),
    path("projects/<int:project_id>/tasks/<int:task_id>/outdent/", ws.task_outdent, name="task-outdent"),
    path("projects/<int:project_id>/board/", ws.project_board, name="project-board"),
    path("projects/<int:project_id>/board/<int:task_id>/move/", ws.board_move, name="board-move"),
    path("projects/<int:project_id>/resources/", ws.project_resources, name="project-resources"),
    path("projects/<int:project_id>/resources/leveling/apply/", leveling_views.project_apply,
         name="project-leveling-apply"),
    path("projects/<int:project_id>/resources/leveling/<int:application_id>/undo/", leveling_views.project_undo,
         name="project-leveling-undo"),
]
