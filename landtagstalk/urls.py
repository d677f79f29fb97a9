"""URL configuration of LandtagsTalk."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from events import api

from . import staff_accounts, views

handler400 = "events.api.bad_request"
handler403 = "landtagstalk.errors.permission_denied"
handler404 = "landtagstalk.errors.page_not_found"
handler500 = "landtagstalk.errors.server_error"

admin.site.site_header = _("LandtagsTalk administration")
admin.site.site_title = _("LandtagsTalk administration")
admin.site.index_title = _("Events and registrations")

urlpatterns = [
    # Before the admin site, whose catch-all would answer these paths.
    path(
        "admin/set-password/<uidb64>/<token>/",
        staff_accounts.SetPasswordView.as_view(),
        name="staff_set_password",
    ),
    path(
        "admin/set-password/done/",
        staff_accounts.SetPasswordDoneView.as_view(),
        name="staff_set_password_done",
    ),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    path("api/v1/openapi.json", api.openapi_json, name="api_openapi"),
    path("api/v1/docs/", api.api_docs, name="api_docs"),
    path("api/v1/", RedirectView.as_view(pattern_name="api_docs"), name="api_home"),
    path("api/v1/", api.api.urls),
    path("language/<str:language>/", views.switch_language, name="switch_language"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("media/<path:name>", views.media, name="media"),
    path("", include("registrations.urls")),
    path("", include("events.urls")),
]
