"""Staff accounts without a password on any command line: a one-time link sets it.

``manage.py createstaff`` creates or updates the account and prints the link; the person
opens it and chooses a password on a page like the admin's login (Django's password-reset
machinery: the link is signed with the account's current password and last login, so it
works once, and for ``PASSWORD_RESET_TIMEOUT``, 72 hours).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _


def link_valid_hours():
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def set_password_url(user):
    """The absolute one-time link where ``user`` sets a password (base DJANGO_SITE_URL)."""
    path = reverse(
        "staff_set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


class AdminPageMixin:
    """The admin's header, title and styles around a page outside the admin site."""

    title = None

    def get_context_data(self, **kwargs):
        return {
            **admin.site.each_context(self.request),
            **super().get_context_data(**kwargs),
            "title": self.title,  # not Django's "Password reset …": nothing was reset
        }


class SetPasswordView(AdminPageMixin, auth_views.PasswordResetConfirmView):
    template_name = "admin/staff_set_password.html"
    success_url = reverse_lazy("staff_set_password_done")
    title = _("Set your password")


class SetPasswordDoneView(AdminPageMixin, auth_views.PasswordResetCompleteView):
    template_name = "admin/staff_set_password_done.html"
    title = _("Password set")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "login_url": reverse("admin:login")}
