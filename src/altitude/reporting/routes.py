"""Policy rows of the reporting pages and API operations (registered in ``apps.ready``)."""

from __future__ import annotations

from altitude.core.policy import Action, Resource

SR, CL = Resource.STATUS_REPORT, Resource.CLOSURE

ROUTES: dict[str, tuple[Resource, Action] | str] = {
    # pages
    "reporting:project-reports": (SR, Action.VIEW),
    "reporting:report-create": (SR, Action.CREATE),
    "reporting:report-detail": (SR, Action.VIEW),
    "reporting:report-edit": (SR, Action.CHANGE),
    "reporting:report-submit": (SR, Action.SUBMIT),
    "reporting:report-delete": (SR, Action.DELETE),
    "reporting:project-closure": (CL, Action.VIEW),
    "reporting:project-close": (CL, Action.CREATE),
    # API operations
    "api:list_status_reports": (SR, Action.VIEW),
    "api:get_status_report": (SR, Action.VIEW),
    "api:create_status_report": (SR, Action.CREATE),
    "api:update_status_report": (SR, Action.CHANGE),
    "api:submit_status_report": (SR, Action.SUBMIT),
    "api:delete_status_report": (SR, Action.DELETE),
    "api:get_project_closure": (CL, Action.VIEW),
    "api:close_project": (CL, Action.CREATE),
}
