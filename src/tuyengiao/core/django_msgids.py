"""Django 5.2 and Django REST framework messages missing from (or mistyped in) their own vi catalogues; marked here so
`make messages` keeps their Vietnamese translations in ours (an API client reads them)."""
from django.utils.translation import gettext_noop, ngettext_lazy

MSGIDS = [
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters.", "n"),
    gettext_noop("Null characters are not allowed."),
    # Django's own Vietnamese has a space before the full stop ("… bằng với 0 .")
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    # Django REST framework (its vi catalogue has 20 entries)
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("Invalid token."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("A valid integer is required."),
    gettext_noop("A valid number is required."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("\"{input}\" is not a valid choice."),
    gettext_noop("Invalid pk \"{pk_value}\" - object does not exist."),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Invalid page."),
    gettext_noop("Request was throttled."),
    gettext_noop("Unsupported media type \"{media_type}\" in request."),
    gettext_noop("Malformed request."),
    gettext_noop("Expected a list of items but got type \"{input_type}\"."),
]
