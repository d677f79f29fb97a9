"""The front desk: check-in at the hall's door from a QR code, by name, or on a printed list.

A confirmed hall registrant's personal page and mails carry a QR code of the check-in
page for staff (``Registration.checkin_token``, never the personal token). Staff who may
record attendance open it on a phone, see the name and status and check the person in
with one button; a check-in is attendance (``Registration.attended``), which the
dashboard, the export, the follow-up mails and the Zoom import all read.
"""

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from events.models import Event
from landtagstalk import permissions

from .models import Registration

Status = Registration.Status
SEARCH_MAX_LENGTH = 100


def checkin_url(registration) -> str:
    return settings.SITE_URL + reverse(
        "admin:registrations_registration_checkin", args=[registration.checkin_token]
    )


def has_qr_code(registration) -> bool:
    """A confirmed seat in the hall of an event that takes place."""
    return bool(
        registration.checkin_token
        and registration.in_venue
        and registration.event.has_venue
        and registration.status == Status.CONFIRMED
        and not registration.event.is_cancelled
    )


def _code(registration):
    return segno.make(checkin_url(registration), error="m")


def qr_svg(registration):
    """The QR code as an SVG element for the personal page: drawn here, nothing loaded."""
    svg = _code(registration).svg_inline(
        scale=5, title=_("QR code for the check-in at the door"), svgclass="checkin-qr"
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup of a URL we built


def qr_png(registration) -> bytes:
    """The QR code as a PNG, for mails (their clients do not all show SVG)."""
    buffer = io.BytesIO()
    _code(registration).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def check_in(*, registration, now=None) -> bool:
    """Check a confirmed registrant in; False when they are checked in already or not confirmed.

    Under the row's lock, so that two phones scanning at once check in once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.checked_in_at or registration.status != Status.CONFIRMED:
            return False
        registration.checked_in_at = now
        registration.attended = True
        registration.save(update_fields=["checked_in_at", "attended"])
        return True


def checked_in_time(registration) -> str:
    return formats.time_format(timezone.localtime(registration.checked_in_at), "TIME_FORMAT")


def _search_term(request) -> str:
    term = request.GET.get("q", "").replace("\x00", "").strip()
    return term[:SEARCH_MAX_LENGTH]


def at_the_door(event):
    """The registrations the front desk deals with: confirmed, in the hall."""
    registrations = Registration.objects.filter(
        event=event, status=Status.CONFIRMED, purged_at__isnull=True
    )
    if event.is_hybrid:
        registrations = registrations.filter(mode=Registration.Mode.VENUE)
    return registrations.order_by("last_name", "first_name", "pk")


class FrontDeskMixin:
    """The front desk's pages of the registration admin."""

    def front_desk_urls(self):
        site = self.admin_site
        return [
            path(
                "checkin/<slug:checkin_token>/",
                site.admin_view(self.checkin_view),
                name="registrations_registration_checkin",
            ),
            path(
                "event/<int:event_id>/checkin/",
                site.admin_view(self.event_checkin_view),
                name="registrations_registration_event_checkin",
            ),
            path(
                "event/<int:event_id>/guests/",
                site.admin_view(self.guest_list_view),
                name="registrations_registration_event_guests",
            ),
        ]

    def _front_desk_allowed(self, request):
        # Before any lookup: whoever may not check people in learns nothing, not even
        # whether a code is valid.
        if not permissions.can_check_in(request.user):
            raise PermissionDenied

    def checkin_view(self, request, checkin_token):
        """The page of a QR code: who it is, and one button to check them in."""
        self._front_desk_allowed(request)
        registration = get_object_or_404(
            Registration.objects.select_related("event").filter(purged_at__isnull=True),
            checkin_token=checkin_token,
        )
        if request.method == "POST":
            if check_in(registration=registration):
                registration.refresh_from_db()
                messages.success(
                    request,
                    _("Checked in at %(time)s.") % {"time": checked_in_time(registration)},
                )
            return redirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Check-in"),
            "registration": registration,
            "event": registration.event,
            "checked_in_time": registration.checked_in_at and checked_in_time(registration),
        }
        return TemplateResponse(request, "admin/registrations/registration/checkin.html", context)

    def event_checkin_view(self, request, event_id):
        """Check people in by name, for those without their code."""
        self._front_desk_allowed(request)
        event = get_object_or_404(Event, pk=event_id)
        term = _search_term(request)
        if request.method == "POST":
            pk = request.POST.get("registration", "")
            is_id = pk.isascii() and pk.isdigit() and len(pk) <= 18
            registration = at_the_door(event).filter(pk=pk).first() if is_id else None
            if registration is not None and check_in(registration=registration):
                messages.success(
                    request,
                    _("%(name)s is checked in.")
                    % {"name": f"{registration.first_name} {registration.last_name}"},
                )
            query = f"?q={term}" if term else ""
            return redirect(request.path + query)
        found = at_the_door(event)
        if term:
            found = found.filter(Q(last_name__icontains=term) | Q(first_name__icontains=term))
        context = self.event_page_context(
            request,
            event,
            _("Check-in at the door"),
            term=term,
            found=list(found[:50]) if term else [],
            checked_in=at_the_door(event).filter(checked_in_at__isnull=False).count(),
            expected=at_the_door(event).count(),
        )
        return TemplateResponse(
            request, "admin/registrations/registration/event_checkin.html", context
        )

    def guest_list_view(self, request, event_id):
        """The guest list to print for the door: A4, by last name, with a box to tick."""
        self._front_desk_allowed(request)
        event = get_object_or_404(Event, pk=event_id)
        guests = Registration.objects.filter(
            event=event, status=Status.CONFIRMED, purged_at__isnull=True
        ).order_by("last_name", "first_name", "pk")
        context = {"event": event, "title": _("Guest list"), "guests": guests}
        return TemplateResponse(request, "admin/registrations/registration/guests.html", context)
