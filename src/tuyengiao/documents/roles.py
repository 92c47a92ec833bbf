"""Document-register permissions per role; imported by DocumentsConfig.ready()."""
from tuyengiao.accounts.roles import Role, register

_VIEW = {"documents.view_documenttype", "documents.view_issuerprofile", "documents.view_registereddocument",
         "documents.view_draftdocument", "documents.view_draftdocumentversion", "documents.view_documentexport"}
_WRITE = {"documents.add_draftdocument", "documents.change_draftdocument", "documents.issue_draftdocument",
          "documents.add_registereddocument"}

register(Role.ADMIN, _VIEW | {
    "documents.add_documenttype", "documents.change_documenttype",
    "documents.add_issuerprofile", "documents.change_issuerprofile", "documents.delete_issuerprofile",
    "documents.add_registereddocument", "documents.change_registereddocument",
} | _WRITE)
register(Role.LEADER, _VIEW | _WRITE)
register(Role.SPECIALIST, _VIEW | _WRITE)
register(Role.REPORTER, {"documents.view_documenttype"})
register(Role.VIEWER, _VIEW)
