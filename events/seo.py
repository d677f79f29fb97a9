"""What search engines and share previews read: absolute addresses, languages, JSON-LD.

Absolute addresses start from ``SITE_URL``, not from the request's Host header: a page
in the page cache is the same for every visitor, and search engines should learn one
address per page. A page's German version is its plain address, the English one the
same with ``?lang=en`` (``LanguageParameterMiddleware``), so each has its own address
for ``hreflang``.
"""

import functools
import json
import re
from dataclasses import replace

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from . import access_needs
from .models import Event

LANG_PARAMETER = "lang"
# The characters that could end the script element or open a comment inside it.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
ATTENDANCE_MODES = {
    Event.Format.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    Event.Format.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    Event.Format.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}
# "Platz des Landtags 1, 40221 Düsseldorf": a German postal code before the town.
POSTAL_CODE_AND_TOWN = re.compile(r"(?P<code>\d{5})\s+(?P<town>\S.*)")
AVAILABILITY = {
    "open": "https://schema.org/InStock",
    "full": "https://schema.org/SoldOut",
    "not_open": "https://schema.org/PreOrder",
}


def absolute_url(path):
    return settings.SITE_URL + path


def language_url(path, language):
    """The address of ``path`` in ``language``: the plain one for the default language."""
    if language == settings.LANGUAGE_CODE:
        return absolute_url(path)
    return absolute_url(f"{path}?{LANG_PARAMETER}={language}")


class LanguageParameterMiddleware:
    """``?lang=en`` shows a page in English whatever the cookie says (after LocaleMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.GET.get(LANG_PARAMETER)
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def page_language(request):
    """The language of the page's own address: ``?lang=``, else the default language."""
    language = request.GET.get(LANG_PARAMETER)
    if language not in dict(settings.LANGUAGES):
        return settings.LANGUAGE_CODE
    return language


def links(request):
    """Context for every page's head: canonical address, language versions, the feed."""
    return {
        "canonical_url": language_url(request.path, page_language(request)),
        "language_urls": [
            (code, language_url(request.path, code)) for code, _ in settings.LANGUAGES
        ],
        "x_default_url": absolute_url(request.path),
        **site_links(get_script_prefix(), settings.SITE_URL, get_urlconf()),
        "path_without_language": path_without_language(request),
    }


@functools.lru_cache(maxsize=8)
def site_links(script_prefix, site_url, urlconf):
    """The addresses every page links, the same for every request: reversed once for each
    prefix, ``SITE_URL`` and URLconf (the arguments are the key; ``reverse`` reads them)."""
    return {
        "home_url": absolute_url(reverse("events:list")),
        "feed_url": reverse("events:feed"),
        "webcal_url": webcal_url(reverse("events:calendar_feed")),
    }


def path_without_language(request):
    """The page's address without ``?lang=``, for the language switch to return to."""
    query = request.GET.copy()
    query.pop(LANG_PARAMETER, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def webcal_url(path):
    """The calendar feed as ``webcal://``: calendar apps subscribe to it instead of importing."""
    return "webcal://" + absolute_url(path).split("://", 1)[1]


def json_ld_script(data):
    """``data`` as a ``<script type="application/ld+json">`` element, safe inside HTML.

    A data block: browsers run no script of this type, so the CSP does not stop it.
    """
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def iso_local(value):
    return timezone.localtime(value).isoformat()


def event_status(event):
    if event.is_cancelled:
        return "https://schema.org/EventCancelled"
    if event.previous_starts_at:
        # Only a new date or time is a rescheduling; a new join link or place is not.
        return "https://schema.org/EventRescheduled"
    return "https://schema.org/EventScheduled"


def postal_address(parts):
    """A PostalAddress of the parts after the place's name, e.g. street and "40221 Düsseldorf"."""
    *street, town = parts
    address = {"@type": "PostalAddress"}
    if street:
        address["streetAddress"] = ", ".join(street)
    match = POSTAL_CODE_AND_TOWN.fullmatch(town)
    if match:
        address["postalCode"] = match["code"]
        town = match["town"]
    address["addressLocality"] = town
    return address


def place_data(event):
    """The Place of ``event``: its name, and the address when the location gives one.

    The location is one line of text, "Name, street, postal code town"; a line without a
    comma is only a name ("Landtag NRW").
    """
    name, *rest = [part.strip() for part in event.location.split(",") if part.strip()] or [
        event.organiser
    ]
    place = {"@type": "Place", "name": name}
    if rest:
        place["address"] = postal_address(rest)
    return place


def event_locations(event, page_url):
    """A VirtualLocation at the public page (never the join link), a Place, or both."""
    virtual = {"@type": "VirtualLocation", "url": page_url}
    if event.venue_address:
        place = {
            "@type": "Place",
            "name": event.location or event.organiser,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.street_address,
                "postalCode": event.postal_code,
                "addressLocality": event.locality,
                "addressCountry": "DE",
            },
        }
    else:
        place = place_data(event)
    if event.format == Event.Format.ONLINE:
        return virtual
    if event.format == Event.Format.IN_PERSON:
        return place
    return [virtual, place]


def person_data(person):
    data = {"@type": "Person", "name": person.display_name}
    if person.position:
        data["jobTitle"] = person.position
    if person.organisation:
        data["affiliation"] = {"@type": "Organization", "name": person.organisation}
    if person.photo_512:
        data["image"] = absolute_url(person.photo_512.url)
    return data


def offer_data(event, state, page_url):
    availability = AVAILABILITY.get(state.code, "https://schema.org/Discontinued")
    if state.code == "open" and state.seats_left is not None:
        availability = "https://schema.org/LimitedAvailability"
    offer = {
        "@type": "Offer",
        "price": "0",
        "priceCurrency": "EUR",
        "availability": availability,
        "url": page_url,
        "validFrom": iso_local(event.registration_opens_at or event.created_at),
    }
    if state.seats_left is not None:
        offer["inventoryLevel"] = {"@type": "QuantitativeValue", "value": state.seats_left}
    return offer


def offers_data(event, state, page_url):
    """One Offer, or for a hybrid event one per quota: the hall's seats and the online ones."""
    if not state.modes:
        return offer_data(event, state, page_url)
    offers = []
    for quota in state.modes:
        offer = offer_data(event, replace(state, seats_left=quota.seats_left), page_url)
        if quota.seats_left == 0 and state.code == "open":
            offer["availability"] = AVAILABILITY["full"]
        offer["name"] = str(quota.label)
        offers.append(offer)
    return offers


def event_json_ld(event, *, state, image_url, language=None, performers=None):
    """schema.org Event of ``event`` for search engines: with its agenda prefetched, or
    the ``performers`` (``person_data`` of its people) given.

    ``state`` is the page's registration state (``registrations.selectors``); its addresses
    are those of the page in ``language``, as the page's canonical.
    """
    page_url = language_url(event.get_absolute_url(), language or settings.LANGUAGE_CODE)
    description = event.description or event.subtitle or event.title
    people = (
        [person_data(person) for person in event.people()] if performers is None else performers
    )
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": description,
        "url": page_url,
        "startDate": iso_local(event.starts_at),
        "endDate": iso_local(event.ends_at),
        "eventStatus": event_status(event),
        "eventAttendanceMode": ATTENDANCE_MODES[event.format],
        "location": event_locations(event, page_url),
        "organizer": {"@type": "Organization", "name": event.organiser, "url": absolute_url("/")},
        "image": [image_url],
        "offers": offers_data(event, state, page_url),
        "isAccessibleForFree": True,
        **(
            {"accessibilityFeature": access_needs.schema_features(event)}
            if event.access_services_booked
            else {}
        ),
        "inLanguage": settings.LANGUAGE_CODE,
    }
    if event.previous_starts_at:
        data["previousStartDate"] = iso_local(event.previous_starts_at)
    if people:
        data["performer"] = people
    return data
