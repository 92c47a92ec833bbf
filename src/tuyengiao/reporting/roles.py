"""Reporting permissions per role, added to accounts.roles at startup (ReportingConfig.ready)."""
from tuyengiao.accounts.roles import Role, register


def _crud(model: str, *actions: str) -> set[str]:
    return {f"reporting.{a}_{model}" for a in actions}


_SETUP = ["regime", "formversion", "perioddeadline"]
VIEW = (
    set().union(*(_crud(m, "view") for m in [*_SETUP, "period", "report", "reportvalue", "reportversion",
                                               "attachment"]))
)
REPORTER = VIEW | _crud("report", "add", "change", "submit") | _crud("attachment", "add", "change", "delete")
SPECIALIST = (
    REPORTER
    | _crud("report", "review")
    | set().union(*(_crud(m, "add", "change") for m in _SETUP))
    | _crud("formversion", "publish")
    | _crud("period", "add")
)
LEADER = SPECIALIST | _crud("report", "approve", "unlock")
ADMIN = LEADER | set().union(*(_crud(m, "delete") for m in _SETUP))


def register_all() -> None:
    register(Role.VIEWER, VIEW)
    register(Role.REPORTER, REPORTER)
    register(Role.SPECIALIST, SPECIALIST)
    register(Role.LEADER, LEADER)
    register(Role.ADMIN, ADMIN)
