"""The one NinjaAPI: every app's router mounted under /api/v1/, OpenAPI at /api/docs."""


from django.http import HttpRequest
from ninja import NinjaAPI, Schema

import altitude
from altitude.accounts.auth import API_AUTH
from altitude.core.api import install_error_handlers
from altitude.delivery.api import router as delivery_router
from altitude.delivery.planning_api import router as planning_router
from altitude.governance.api import router as governance_router
from altitude.reporting.api import router as reporting_router
from altitude.resources.api import router as resources_router
from altitude.strategy.api import router as strategy_router

api = NinjaAPI(
    title="Altitude API",
    version="1",
    description=(
        "Portfolios, programs, projects and their plans (tasks, dependencies, calendars, baselines, resources, assignments, schedules). Authenticate with the browser session (CSRF token "
        "required for writes) or `Authorization: Bearer alt_...` (create one with "
        "`altitude manage create_api_token USER`). Updates need the version you edited, as an "
        "`If-Match` header or a `version` field: a stale one answers 409, a missing one 428."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("", strategy_router)
api.add_router("", delivery_router)
api.add_router("", planning_router)
api.add_router("", resources_router)
api.add_router("", governance_router)
api.add_router("", reporting_router)


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    is_pmo: bool
    is_admin: bool
    version: str


@api.get("/me", response=MeOut, tags=["accounts"])
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert user.pk is not None  # the API's auth guarantees a signed-in user
    return MeOut(
        id=user.pk, username=user.get_username(), full_name=user.get_full_name(),
        is_pmo=bool(getattr(user, "is_pmo", False)), is_admin=bool(user.is_superuser),
        version=altitude.__version__,
    )
