"""Calendar files (iCalendar, RFC 5545) of events, public and personal.

A calendar file gets shared, so none ever holds the join link: the personal one
links the personal page, which shows the join link to a confirmed registrant.
"""

from datetime import timedelta
from email.utils import parseaddr
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent

PRODUCT_ID = "-//LandtagsTalk//Veranstaltungen//DE"


class Attendee(NamedTuple):
    """The person an invitation is for: an ATTENDEE beside the ORGANIZER (RFC 5546)."""

    email: str
    name: str = ""
    # ACCEPTED, TENTATIVE, NEEDS-ACTION or DECLINED (RFC 5545, PARTSTAT).
    status: str = "ACCEPTED"


def event_uid(event):
    return f"event-{event.pk}@{urlsplit(settings.SITE_URL).hostname}"


def build_calendar(
    events,
    *,
    name=None,
    personal_url=None,
    cancelled=False,
    tentative=False,
    method="PUBLISH",
    mode=None,
    attendee=None,
    now=None,
):
    """Return the iCalendar bytes of ``events``, with their agenda slots prefetched.

    ``personal_url`` replaces the event page as the link of a personal calendar file;
    ``cancelled`` marks its event as cancelled for this person, ``tentative`` as not
    certain (a waiting list place). ``method`` REQUEST updates an entry a calendar client
    holds, CANCEL removes it (RFC 5546; both name the organiser and the ``attendee``, whom
    no answer is asked of: the personal page is where one cancels). ``mode`` is how the
    person of a personal file takes part ("venue" or "online"): its ``LOCATION`` is the
    hall's address or "Online"; a public file names both of a hybrid event.
    """
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    if method == "CANCEL":
        cancelled = True
    for event in events:
        entry = _calendar_event(
            event, personal_url=personal_url, cancelled=cancelled, mode=mode, now=now
        )
        if tentative and entry["status"] == "CONFIRMED":
            entry["status"] = "TENTATIVE"
        if method != "PUBLISH":
            entry.add("organizer", _organizer(event))
            if attendee is not None:
                entry.add("attendee", _attendee(attendee))
        calendar.add_component(entry)
    if events:
        local_dates = [timezone.localtime(event.starts_at).date() for event in events]
        calendar.add_missing_timezones(
            first_date=min(local_dates) - timedelta(days=366),
            last_date=max(local_dates) + timedelta(days=366),
        )
    return calendar.to_ical()


def _location(event, mode):
    """Where the person takes part: the hall's name and address, online, or both."""
    hall = event.venue_location or event.get_format_display()
    if event.format == event.Format.ONLINE:
        return event.location or event.get_format_display()
    if event.format == event.Format.IN_PERSON or mode == "venue":
        return hall
    if mode == "online":
        return _("Online")
    return _("%(place)s and online") % {"place": hall}


def _calendar_event(event, *, personal_url, cancelled, mode, now):
    url = personal_url or settings.SITE_URL + event.get_absolute_url()
    entry = CalendarEvent()
    entry.add("uid", event_uid(event))
    entry.add("dtstamp", now)
    entry.add("sequence", event.sequence)
    entry.add("dtstart", timezone.localtime(event.starts_at))
    entry.add("dtend", timezone.localtime(event.ends_at))
    entry.add("summary", event.title)
    entry.add(
        "description", _description(event, url=url, personal=bool(personal_url), mode=mode)
    )
    entry.add("location", _location(event, mode))
    entry.add("url", url)
    if event.series:
        entry.add("categories", [event.series])
    entry.add("status", "CANCELLED" if cancelled or event.is_cancelled else "CONFIRMED")
    return entry


def _organizer(event):
    address = parseaddr(settings.REPLY_TO_EMAIL or settings.DEFAULT_FROM_EMAIL)[1]
    organizer = vCalAddress(f"mailto:{address or 'noreply@localhost'}")
    organizer.params["cn"] = event.organiser
    return organizer


def _attendee(attendee):
    local, _at, domain = attendee.email.rpartition("@")
    address = vCalAddress(f"mailto:{local}@{domain.encode('idna').decode('ascii')}")
    address.params.update(
        {"cutype": "INDIVIDUAL", "role": "REQ-PARTICIPANT", "partstat": attendee.status,
         "rsvp": "FALSE"}
    )
    if attendee.name:
        address.params["cn"] = attendee.name
    return address


def _description(event, *, url, personal, mode):
    parts = [event.subtitle, event.organiser]
    in_hall = event.format == event.Format.IN_PERSON or mode == "venue"
    if in_hall and event.venue_map_url:
        parts.append(_("Map:") + f" {event.venue_map_url}")
    agenda = [_agenda_line(slot) for slot in event.slots.all()]
    if agenda:
        parts.append(_("Agenda:") + "\n" + "\n".join(agenda))
    if personal and in_hall:
        parts.append(_("Your personal page:") + f" {url}")
    elif personal:
        parts.append(
            _("Your personal page, with the join link once you are confirmed:") + f" {url}"
        )
    else:
        parts.append(_("Details and registration:") + f" {url}")
    return "\n\n".join(part for part in parts if part)


def _agenda_line(slot):
    line = f"{timezone.localtime(slot.starts_at):%H:%M} {slot.title}"
    people = ", ".join(
        f"{role.get_role_display()}: {role.speaker.display_name}"
        if role.role == role.Role.MODERATOR
        else role.speaker.display_name
        for role in slot.roles.all()
    )
    return f"{line} ({people})" if people else line


def calendar_response(content, filename):
    """A calendar file as a download."""
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
