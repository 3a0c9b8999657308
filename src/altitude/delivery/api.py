"""``/api/v1/programs`` and ``/api/v1/projects``: parse, call one service, return."""


from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from altitude.core.api import expected_version
from altitude.delivery import services
from altitude.delivery.models import Program, Project, Stage
from altitude.delivery.schemas import (
    ProgramIn,
    ProgramOut,
    ProgramPatch,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
)

router = Router(tags=["programs and projects"])


class ProgramFilters(Schema):
    q: str | None = None
    portfolio: int | None = None


class ProjectFilters(Schema):
    q: str | None = None
    portfolio: int | None = None
    program: int | None = None
    stage: Stage | None = None
    manager: int | None = None


@router.get("/programs", response=list[ProgramOut])
@paginate(PageNumberPagination)
def list_programs(request: HttpRequest, filters: Query[ProgramFilters]) -> object:
    return services.filter_programs(services.visible_programs(request.user), filters.q, filters.portfolio)


@router.get("/programs/{program_id}", response=ProgramOut)
def get_program(request: HttpRequest, program_id: int) -> Program:
    return services.get_program(request.user, program_id)


@router.post("/programs", response={201: ProgramOut})
def create_program(request: HttpRequest, payload: ProgramIn) -> Program:
    fields = payload.dict()
    return services.create_program(request.user, fields.pop("portfolio_id"), fields)


@router.patch("/programs/{program_id}", response=ProgramOut)
def update_program(request: HttpRequest, program_id: int, payload: ProgramPatch) -> Program:
    changes = payload.dict(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    return services.update_program(request.user, program_id, version, changes)


@router.delete("/programs/{program_id}", response={204: None})
def delete_program(request: HttpRequest, program_id: int) -> HttpResponse:
    services.delete_program(request.user, program_id)
    return HttpResponse(status=204)


@router.get("/projects", response=list[ProjectOut])
@paginate(PageNumberPagination)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> object:
    project_filter = services.ProjectFilter(**filters.dict())
    return project_filter.apply(services.visible_projects(request.user))


@router.get("/projects/{project_id}", response=ProjectOut)
def get_project(request: HttpRequest, project_id: int) -> Project:
    return services.get_project(request.user, project_id)


@router.post("/projects", response={201: ProjectOut})
def create_project(request: HttpRequest, payload: ProjectIn) -> Project:
    fields = payload.dict()
    return services.create_project(request.user, fields.pop("portfolio_id"), fields)


@router.patch("/projects/{project_id}", response=ProjectOut)
def update_project(request: HttpRequest, project_id: int, payload: ProjectPatch) -> Project:
    changes = payload.dict(exclude_unset=True)
    version = expected_version(request, changes.pop("version", None))
    return services.update_project(request.user, project_id, version, changes)


@router.delete("/projects/{project_id}", response={204: None})
def delete_project(request: HttpRequest, project_id: int) -> HttpResponse:
    services.delete_project(request.user, project_id)
    return HttpResponse(status=204)
