"""Document-register permissions per role; imported by DocumentsConfig.ready()."""
from tuyengiao.accounts.roles import Role, register

_VIEW = {"documents.view_documenttype", "documents.view_issuerprofile", "documents.view_registereddocument"}

register(Role.ADMIN, _VIEW | {
    "documents.add_documenttype", "documents.change_documenttype",
    "documents.add_issuerprofile", "documents.change_issuerprofile", "documents.delete_issuerprofile",
    "documents.add_registereddocument", "documents.change_registereddocument",
})
register(Role.LEADER, _VIEW | {"documents.add_registereddocument"})
register(Role.SPECIALIST, _VIEW | {"documents.add_registereddocument"})
register(Role.REPORTER, {"documents.view_documenttype"})
register(Role.VIEWER, _VIEW)
