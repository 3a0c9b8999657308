"""Policy rows of the governance pages and API operations (registered in ``apps.ready``)."""

from __future__ import annotations

from altitude.core.policy import Action, Resource

R, ISS, CR, DEC = Resource.RISK, Resource.ISSUE, Resource.CHANGE_REQUEST, Resource.DECISION

ROUTES: dict[str, tuple[Resource, Action] | str] = {
    # pages
    "governance:project-risks": (R, Action.VIEW),
    "governance:risk-create": (R, Action.CREATE),
    "governance:risk-detail": (R, Action.VIEW),
    "governance:risk-edit": (R, Action.CHANGE),
    "governance:risk-escalate": (R, Action.ESCALATE),
    "governance:project-issues": (ISS, Action.VIEW),
    "governance:issue-create": (ISS, Action.CREATE),
    "governance:issue-detail": (ISS, Action.VIEW),
    "governance:issue-edit": (ISS, Action.CHANGE),
    "governance:issue-escalate": (ISS, Action.ESCALATE),
    "governance:project-changes": (CR, Action.VIEW),
    "governance:change-create": (CR, Action.CREATE),
    "governance:change-detail": (CR, Action.VIEW),
    "governance:change-edit": (CR, Action.CHANGE),
    "governance:change-submit": (CR, Action.CHANGE),
    "governance:change-decide": (CR, Action.DECIDE),
    "governance:change-delete": (CR, Action.DELETE),
    "governance:project-decisions": (DEC, Action.VIEW),
    "governance:decision-create": (DEC, Action.CREATE),
    "governance:program-decisions": (DEC, Action.VIEW),
    "governance:program-decision-create": (DEC, Action.CREATE),
    "governance:decision-detail": (DEC, Action.VIEW),
    "governance:decision-edit": (DEC, Action.CHANGE),
    "governance:decision-decide": (DEC, Action.DECIDE),
    "governance:decision-delete": (DEC, Action.DELETE),
    # the program cockpit's Monte Carlo forecast (reads the program schedule, stores the result)
    "governance:program-forecast": (Resource.SCHEDULE, Action.VIEW),
    # API operations
    "api:list_risks": (R, Action.VIEW),
    "api:get_risk": (R, Action.VIEW),
    "api:create_risk": (R, Action.CREATE),
    "api:update_risk": (R, Action.CHANGE),
    "api:delete_risk": (R, Action.DELETE),
    "api:escalate_risk": (R, Action.ESCALATE),
    "api:list_issues": (ISS, Action.VIEW),
    "api:get_issue": (ISS, Action.VIEW),
    "api:create_issue": (ISS, Action.CREATE),
    "api:update_issue": (ISS, Action.CHANGE),
    "api:delete_issue": (ISS, Action.DELETE),
    "api:escalate_issue": (ISS, Action.ESCALATE),
    "api:list_change_requests": (CR, Action.VIEW),
    "api:get_change_request": (CR, Action.VIEW),
    "api:create_change_request": (CR, Action.CREATE),
    "api:update_change_request": (CR, Action.CHANGE),
    "api:delete_change_request": (CR, Action.DELETE),
    "api:submit_change_request": (CR, Action.CHANGE),
    "api:assess_change_request": (CR, Action.DECIDE),
    "api:approve_change_request": (CR, Action.DECIDE),
    "api:reject_change_request": (CR, Action.DECIDE),
    "api:implement_change_request": (CR, Action.DECIDE),
    "api:list_decisions": (DEC, Action.VIEW),
    "api:get_decision": (DEC, Action.VIEW),
    "api:create_decision": (DEC, Action.CREATE),
    "api:update_decision": (DEC, Action.CHANGE),
    "api:delete_decision": (DEC, Action.DELETE),
    "api:decide_decision": (DEC, Action.DECIDE),
    "api:withdraw_decision": (DEC, Action.DECIDE),
}
