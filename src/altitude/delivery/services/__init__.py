"""Delivery use cases (programs, projects, the plan); views and API routers call these.

``from altitude.delivery import services`` gives every use case: structure (programs,
projects), tasks, links, calendars, baselines and scheduling live in their own modules.
"""

from altitude.delivery.services.baselines import (
    compare_to_baseline,
    delete_baseline,
    get_baseline,
    list_baselines,
    set_baseline,
)
from altitude.delivery.services.calendars import (
    create_calendar,
    delete_calendar,
    get_calendar,
    update_calendar,
    visible_calendars,
)
from altitude.delivery.services.links import (
    create_dependency,
    delete_dependency,
    get_dependency,
    list_dependencies,
    update_dependency,
)
from altitude.delivery.services.scheduling import (
    program_schedule,
    project_schedule,
    reschedule_program,
    reschedule_project,
)
from altitude.delivery.services.structure import (
    ProjectFilter,
    create_program,
    create_project,
    delete_program,
    delete_project,
    filter_programs,
    get_program,
    get_project,
    update_program,
    update_project,
    visible_programs,
    visible_projects,
)
from altitude.delivery.services.tasks import (
    BulkItem,
    TaskFilter,
    bulk_update_tasks,
    create_task,
    delete_task,
    get_task,
    list_tasks,
    move_task,
    task_history,
    update_progress,
    update_task,
    visible_tasks,
)

__all__ = [
    "BulkItem", "ProjectFilter", "TaskFilter", "bulk_update_tasks", "compare_to_baseline", "create_calendar",
    "create_dependency", "create_program", "create_project", "create_task", "delete_baseline", "delete_calendar",
    "delete_dependency", "delete_program", "delete_project", "delete_task", "filter_programs", "get_baseline",
    "get_calendar", "get_dependency", "get_program", "get_project", "get_task", "list_baselines",
    "list_dependencies", "list_tasks", "move_task", "program_schedule", "project_schedule", "reschedule_program",
    "reschedule_project", "set_baseline", "task_history", "update_calendar", "update_dependency", "update_program",
    "update_progress", "update_project", "update_task", "visible_calendars", "visible_programs",
    "visible_projects", "visible_tasks",
]
