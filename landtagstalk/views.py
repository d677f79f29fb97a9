"""Site-wide views that belong to no app."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import static as static_views
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_safe

from . import status
from .storage import DatabaseStorage

# A year: uploads never change under their name.
MEDIA_MAX_AGE = 365 * 24 * 60 * 60


@never_cache
def switch_language(request, language):
    """Remember the chosen language in a cookie and go back to the page.

    A plain link rather than Django's POST form: a form would put a CSRF token on every
    page, and a page with a token cannot be cached for all visitors. Choosing a language
    changes nothing but this visitor's own preference, so it needs no CSRF protection.
    """
    if language not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


def favicon(request):
    """``/favicon.ico``, which browsers and crawlers ask for whatever a page names.

    A temporary redirect: the static address changes with the icon (the manifest's hash).
    """
    response = HttpResponseRedirect(static("img/favicon.ico"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


def healthz(request):
    """200 while database, cache and static files work, else 503 naming what failed.

    Load balancers take the server out on a 503. The mail queue and the worker are
    reported as text only (landtagstalk.status).
    """
    failed, lines = status.health()
    response = HttpResponse(
        "\n".join(lines), status=503 if failed else 200, content_type="text/plain"
    )
    response["Cache-Control"] = "no-store"
    return response


def _stored_file(name):
    from .models import StoredFile

    return StoredFile.objects.filter(name=name).only("sha256").first()


@require_safe
def media(request, name):
    """An uploaded file from the database storage, cached by browsers for a year.

    The name holds the content's hash (landtagstalk.storage): a changed file has a new URL.
    """
    if isinstance(default_storage, FileSystemStorage):
        response = static_views.serve(request, name, document_root=settings.MEDIA_ROOT)
        response["Cache-Control"] = "public, max-age=3600"
        return response
    if not isinstance(default_storage, DatabaseStorage):
        raise Http404
    return _database_file(request, name)


@condition(etag_func=lambda request, name: getattr(_stored_file(name), "sha256", None))
def _database_file(request, name):
    from .models import StoredFile

    stored = StoredFile.objects.filter(name=name).first()
    if stored is None:
        raise Http404
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    response["Content-Length"] = stored.size
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}, immutable"
    if not stored.content_type.startswith("image/") and stored.content_type != "application/pdf":
        response["Content-Disposition"] = "attachment"
    return response
