"""Error pages that never fail, with our headers, and the refusal of NUL bytes in URLs.

Django's own error views run the CSRF check again (``requires_csrf_token``), which reads
the request body: a POST that failed because of its body (e.g. a foreign charset) fails
once more inside the error view, and the visitor gets the WSGI server's bare page without
our headers. These views read nothing of the request, and fall back to a fixed page
when even the template fails, so that the middlewares around them add our headers.
"""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.urls import get_resolver
from django.utils import translation
from django.utils.log import log_response

logger = logging.getLogger(__name__)

FALLBACK_PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Fehler – LandtagsTalk</title></head>
<body><h1>Es ist ein Fehler aufgetreten</h1>
<p>Diese Seite kann gerade nicht angezeigt werden. Bitte versuchen Sie es in einigen
Minuten noch einmal.</p><p><a href="/">Zu allen Veranstaltungen</a></p></body></html>
"""


def _page(template_name, status):
    try:
        content = loader.render_to_string(template_name)
    except Exception:  # the page that reports an error must not fail itself
        logger.exception("Error page %s could not be rendered", template_name)
        content = FALLBACK_PAGE
    return HttpResponse(content, status=status)


def bad_request(request, exception):
    """The 400 page; the site's handler400 is ``events.api.bad_request``, which answers
    the API's addresses in JSON and every other with this page.

    A bad request may be refused before the language middleware has chosen the visitor's
    language (a NUL byte, a bad Host), and the thread still speaks the last request's:
    the page asks the request itself.
    """
    with translation.override(language_of(request)):
        return _page("400.html", 400)


def language_of(request):
    try:
        return translation.get_language_from_request(request)
    except Exception:  # a request too broken to say: the default language
        return settings.LANGUAGE_CODE


def permission_denied(request, exception):
    return _page("403.html", 403)


def page_not_found(request, exception):
    return _page("404.html", 404)


def server_error(request):
    return _page("500.html", 500)


class RefuseNulMiddleware:
    """400 for a NUL byte in the path or the query string.

    No URL of this site has one; PostgreSQL refuses NUL in text, so without this each
    view would have to check every parameter (admin filters, search, autocomplete).
    Form fields check their own values, with a message (Django's CharField does).
    The answer is the 400 page, with one line at INFO in Django's request log (the path
    escaped): a fuzzer's thousands of them are no error of ours, and a raised BadRequest
    would log each with its traceback at WARNING.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            # The site's handler400, which answers the API in JSON.
            response = get_resolver().resolve_error_handler(400)(request, None)
            log_response(
                "Bad Request (NUL byte in the URL): %s",
                request.path,
                response=response,
                request=request,
                level="info",
            )
            return response
        return self.get_response(request)


class WithoutTracebackFilter(logging.Filter):
    """Logs a record on one line: for refusals of bad requests, where a traceback of our
    own code tells nothing."""

    def filter(self, record):
        record.exc_info = record.exc_text = None
        return True
