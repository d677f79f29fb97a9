"""The project's URLs plus views that fail, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from landtagstalk.urls import handler400, handler403, handler404, handler500  # noqa: F401
from landtagstalk.urls import urlpatterns as project_urlpatterns


def crash(request):
    raise RuntimeError("secret internal detail: connection string postgres://x")


def forbidden(request):
    raise PermissionDenied("internal reason")


def suspicious(request):
    raise SuspiciousOperation("internal reason")


urlpatterns = [
    path("test-crash/", crash),
    path("test-forbidden/", forbidden),
    path("test-suspicious/", suspicious),
    *project_urlpatterns,
]
