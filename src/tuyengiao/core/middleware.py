"""Refuse oversized request bodies from the Content-Length header, before Django reads or parses them."""
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.UPLOAD_MAX_BYTES + 1024 * 1024  # room for the other form fields
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = _("The file is too large: at most %(size)s MB can be uploaded.") % {
                "size": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            body = render_to_string("413.html", {"message": message})
            return HttpResponse(body, status=413)
        return self.get_response(request)
