"""Finding events by words in their title, subtitle, description or people's names.

On PostgreSQL the texts are also searched with the German full-text configuration, so
“Kommunen” finds “Kommune”; on SQLite a case-insensitive match is all there is.
Every word must occur somewhere in the event or among its people.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Event, SlotSpeaker

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
WORD = re.compile(r"\w+")


def clean_query(raw):
    """The query as typed, without control characters and cut to a sane length."""
    text = "".join(
        ch if ch.isprintable() else " " if ch.isspace() else "" for ch in (raw or "")
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def terms_of(query):
    """The words searched for: two letters or more, at most eight, longest first."""
    words = dict.fromkeys(word.lower() for word in WORD.findall(query) if len(word) > 1)
    return sorted(list(words)[:MAX_TERMS], key=len, reverse=True)


def search(events, query):
    """``events`` narrowed to those matching every word of ``query`` (all of them for none)."""
    for term in terms_of(query):
        events = events.filter(term_condition(term))
    return events


def term_condition(term):
    texts = Q(title__icontains=term) | Q(subtitle__icontains=term)
    texts |= Q(description__icontains=term)
    people = SlotSpeaker.objects.filter(speaker__name__icontains=term).values("slot__event_id")
    condition = texts | Q(pk__in=people)
    if connection.vendor == "postgresql":
        vector = SearchVector("title", "subtitle", "description", config="german")
        stemmed = Event.objects.alias(document=vector).filter(
            document=SearchQuery(term, config="german")
        )
        condition |= Q(pk__in=stemmed.values("pk"))
    return condition


def matching_people(events, query):
    """For each event id, the names of its people that match a word of ``query``: one query."""
    terms = terms_of(query)
    if not terms or not events:
        return {}
    names = Q()
    for term in terms:
        names |= Q(speaker__name__icontains=term)
    roles = (
        SlotSpeaker.objects.filter(names, slot__event__in=[event.pk for event in events])
        .values_list("slot__event_id", "speaker__name", "speaker__affix")
        .order_by("slot__starts_at", "order", "pk")
    )
    people = {}
    for event_id, name, affix in roles:
        people.setdefault(event_id, {})[f"{name} {affix}".strip()] = None
    return {event_id: list(found) for event_id, found in people.items()}


def highlight(text, query):
    """``text`` escaped, with the words of ``query`` marked: safe whatever either holds."""
    terms = terms_of(query)
    text = str(text)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above
