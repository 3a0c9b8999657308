"""``/api/v1`` for the plan: tasks, dependencies, calendars, baselines, reschedule and schedules.

Thin handlers: parse, call one service, return.  Rules live in the services and the
policy table; domain errors become 4xx in ``core.api``.
"""


from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from altitude.core.api import expected_version
from altitude.delivery import services
from altitude.delivery.models import Baseline, Calendar, Dependency, ScheduleRun, Task, TaskStatus
from altitude.delivery.planning_schemas import (
    BaselineIn,
    BaselineOut,
    BulkIn,
    CalendarIn,
    CalendarOut,
    CalendarPatch,
    DeletedOut,
    DependencyIn,
    DependencyOut,
    DependencyPatch,
    HistoryOut,
    MoveIn,
    PredecessorsIn,
    ProgressIn,
    RescheduleIn,
    ScheduleOut,
    ScheduleRunOut,
    TaskIn,
    TaskOut,
    TaskPatch,
    VarianceOut,
)

router = Router(tags=["planning"])


class TaskFilters(Schema):
    q: str | None = None
    status: TaskStatus | None = None
    parent: int | None = None
    critical: bool | None = None
    milestone: bool | None = None


class CalendarFilters(Schema):
    portfolio: int | None = None
    project: int | None = None


def _changes(request: HttpRequest, payload: Schema) -> tuple[int | None, dict[str, object]]:
    changes = payload.dict(exclude_unset=True)
    return expected_version(request, changes.pop("version", None)), changes


# -- tasks --------------------------------------------------------------------------

@router.get("/projects/{project_id}/tasks", response=list[TaskOut])
@paginate(PageNumberPagination, page_size=100)
def list_tasks(request: HttpRequest, project_id: int, filters: Query[TaskFilters]) -> object:
    return services.list_tasks(request.user, project_id, services.TaskFilter(**filters.dict()))


@router.get("/tasks/{task_id}", response=TaskOut)
def get_task(request: HttpRequest, task_id: int) -> Task:
    return services.get_task(request.user, task_id)


@router.post("/projects/{project_id}/tasks", response={201: TaskOut})
def create_task(request: HttpRequest, project_id: int, payload: TaskIn) -> Task:
    return services.create_task(request.user, project_id, payload.dict(exclude_unset=True) | {"name": payload.name})


@router.patch("/tasks/{task_id}", response=TaskOut)
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> Task:
    version, changes = _changes(request, payload)
    return services.update_task(request.user, task_id, version, changes)


@router.post("/tasks/{task_id}/move", response=TaskOut)
def move_task(request: HttpRequest, task_id: int, payload: MoveIn) -> Task:
    version = expected_version(request, payload.version)
    return services.move_task(request.user, task_id, version, payload.parent_id, payload.position)


@router.put("/tasks/{task_id}/predecessors", response=TaskOut)
def set_predecessors(request: HttpRequest, task_id: int, payload: PredecessorsIn) -> Task:
    """Replace the task's links from its own project in one go (the Tasks tab's predecessors column)."""
    version = expected_version(request, payload.version)
    return services.replace_predecessors(request.user, task_id, version, payload.predecessors)


@router.post("/projects/{project_id}/tasks/bulk", response=list[TaskOut])
def bulk_update_tasks(request: HttpRequest, project_id: int, payload: BulkIn) -> list[Task]:
    items = []
    for item in payload.items:
        changes = item.dict(exclude_unset=True)
        items.append(services.BulkItem(id=changes.pop("id"), version=changes.pop("version", None), changes=changes))
    return services.bulk_update_tasks(request.user, project_id, items)


@router.post("/tasks/{task_id}/progress", response=TaskOut)
def update_progress(request: HttpRequest, task_id: int, payload: ProgressIn) -> Task:
    version, changes = _changes(request, payload)
    status_date = changes.pop("status_date", None)
    return services.update_progress(request.user, task_id, version, changes, status_date)  # type: ignore[arg-type]


@router.delete("/tasks/{task_id}", response=DeletedOut)
def delete_task(request: HttpRequest, task_id: int) -> dict[str, int]:
    """Deletes the task, its subtasks, and every link and assignment of them (the counts come back)."""
    return services.delete_task(request.user, task_id)


@router.get("/tasks/{task_id}/history", response=list[HistoryOut])
def task_history(request: HttpRequest, task_id: int) -> list[dict[str, object]]:
    return services.task_history(request.user, task_id)


# -- dependencies ---------------------------------------------------------------------

@router.get("/projects/{project_id}/dependencies", response=list[DependencyOut])
@paginate(PageNumberPagination, page_size=100)
def list_dependencies(request: HttpRequest, project_id: int) -> object:
    return services.list_dependencies(request.user, project_id)


@router.get("/dependencies/{dependency_id}", response=DependencyOut)
def get_dependency(request: HttpRequest, dependency_id: int) -> Dependency:
    return services.get_dependency(request.user, dependency_id)


@router.post("/dependencies", response={201: DependencyOut})
def create_dependency(request: HttpRequest, payload: DependencyIn) -> Dependency:
    return services.create_dependency(request.user, payload.dict())


@router.patch("/dependencies/{dependency_id}", response=DependencyOut)
def update_dependency(request: HttpRequest, dependency_id: int, payload: DependencyPatch) -> Dependency:
    version, changes = _changes(request, payload)
    return services.update_dependency(request.user, dependency_id, version, changes)


@router.delete("/dependencies/{dependency_id}", response={204: None})
def delete_dependency(request: HttpRequest, dependency_id: int) -> HttpResponse:
    services.delete_dependency(request.user, dependency_id)
    return HttpResponse(status=204)


# -- calendars --------------------------------------------------------------------------

@router.get("/calendars", response=list[CalendarOut])
@paginate(PageNumberPagination)
def list_calendars(request: HttpRequest, filters: Query[CalendarFilters]) -> object:
    qs = services.visible_calendars(request.user).prefetch_related("exceptions").order_by("portfolio_id", "name", "pk")
    if filters.portfolio:
        qs = qs.filter(portfolio_id=filters.portfolio)
    if filters.project:
        qs = qs.filter(project_id=filters.project)
    return qs


@router.get("/calendars/{calendar_id}", response=CalendarOut)
def get_calendar(request: HttpRequest, calendar_id: int) -> Calendar:
    return services.get_calendar(request.user, calendar_id)


@router.post("/calendars", response={201: CalendarOut})
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Calendar:
    return services.create_calendar(request.user, payload.dict())


@router.patch("/calendars/{calendar_id}", response=CalendarOut)
def update_calendar(request: HttpRequest, calendar_id: int, payload: CalendarPatch) -> Calendar:
    version, changes = _changes(request, payload)
    return services.update_calendar(request.user, calendar_id, version, changes)


@router.delete("/calendars/{calendar_id}", response={204: None})
def delete_calendar(request: HttpRequest, calendar_id: int) -> HttpResponse:
    services.delete_calendar(request.user, calendar_id)
    return HttpResponse(status=204)


# -- baselines ------------------------------------------------------------------------------

@router.get("/projects/{project_id}/baselines", response=list[BaselineOut])
def list_baselines(request: HttpRequest, project_id: int) -> object:
    return services.list_baselines(request.user, project_id)


@router.post("/projects/{project_id}/baselines", response={201: BaselineOut})
def create_baseline(request: HttpRequest, project_id: int, payload: BaselineIn) -> Baseline:
    return services.set_baseline(request.user, project_id, payload.name)


@router.get("/baselines/{baseline_id}/variance", response=VarianceOut)
def baseline_variance(request: HttpRequest, baseline_id: int) -> dict[str, object]:
    return services.compare_to_baseline(request.user, baseline_id)


@router.delete("/baselines/{baseline_id}", response={204: None})
def delete_baseline(request: HttpRequest, baseline_id: int) -> HttpResponse:
    services.delete_baseline(request.user, baseline_id)
    return HttpResponse(status=204)


# -- schedules ------------------------------------------------------------------------------

@router.post("/projects/{project_id}/reschedule", response=ScheduleRunOut)
def reschedule_project(request: HttpRequest, project_id: int, payload: RescheduleIn) -> ScheduleRun:
    return services.reschedule_project(request.user, project_id, payload.status_date)


@router.post("/programs/{program_id}/reschedule", response=ScheduleRunOut)
def reschedule_program(request: HttpRequest, program_id: int, payload: RescheduleIn) -> ScheduleRun:
    return services.reschedule_program(request.user, program_id, payload.status_date)


def _compact(payload: dict[str, object]) -> HttpResponse:
    # Serialised directly: the payload is built from plain values already, and a Gantt
    # of thousands of tasks should not pay for a second validation pass.
    return JsonResponse(payload, encoder=DjangoJSONEncoder, json_dumps_params={"separators": (",", ":")})


@router.get("/projects/{project_id}/schedule", response=ScheduleOut)
def project_schedule(request: HttpRequest, project_id: int) -> HttpResponse:
    """Tasks with dates, float and critical flags, links, critical path and finish, for the Gantt."""
    return _compact(services.project_schedule(request.user, project_id))


@router.get("/programs/{program_id}/schedule", response=ScheduleOut)
def program_schedule(request: HttpRequest, program_id: int) -> HttpResponse:
    """The integrated schedule of every project of the program, cross-project links included."""
    return _compact(services.program_schedule(request.user, program_id))
