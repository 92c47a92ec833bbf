"""The one place where roles map to permissions. A grant gives its role over a unit's subtree."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Commission administrator")
    LEADER = "leader", _("Leader / approver")
    SPECIALIST = "specialist", _("Specialist")
    REPORTER = "reporter", _("Unit reporter")
    VIEWER = "viewer", _("Viewer")


def _crud(model: str, *actions: str) -> set[str]:
    app, name = model.split(".")
    return {f"{app}.{a}_{name}" for a in actions}


_ORG_MODELS = ["org.unit", "org.unitname", "org.lineageevent", "org.term", "org.department", "org.person",
               "org.position", "org.cluster"]
_VIEW_ORG = set().union(*(_crud(m, "view") for m in _ORG_MODELS)) | _crud("org.unittype", "view")
_AUDIT = {"core.view_auditentry"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        _VIEW_ORG | _AUDIT
        | set().union(*(_crud(m, "add", "change", "delete") for m in _ORG_MODELS))
        | _crud("org.unittype", "add", "change")
        | {"org.import_unit", "org.restructure_unit"}
        | _crud("accounts.user", "view", "add", "change", "delete")
        | _crud("accounts.grant", "view", "add", "change", "delete")
    ),
    Role.LEADER: frozenset(_VIEW_ORG | _AUDIT | _crud("accounts.grant", "view") | _crud("accounts.user", "view")),
    Role.SPECIALIST: frozenset(
        _VIEW_ORG | _AUDIT
        | _crud("org.person", "add", "change", "delete")
        | _crud("org.position", "add", "change", "delete")
        | _crud("org.cluster", "add", "change")
        | _crud("org.term", "add", "change")
        | _crud("org.department", "add", "change")
        | _crud("accounts.grant", "view")
    ),
    Role.REPORTER: frozenset(_VIEW_ORG),
    Role.VIEWER: frozenset(_VIEW_ORG),
}


def register(role: str, perms: set[str]) -> None:
    """Later apps add their permissions to roles here, at import of their roles module."""
    ROLE_PERMISSIONS[role] = frozenset(ROLE_PERMISSIONS[role] | perms)


def permissions_for(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())
