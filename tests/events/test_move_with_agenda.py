"""Moving an event on the editor's page, with its agenda inlines sent as a browser sends them."""

import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events.models import Event

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The fields a browser would submit from the event form, as (name, value) pairs."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea, self._select, self._in_form = [], None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "event_form":
            self._in_form = True
        name = attrs.get("name")
        if not self._in_form or "disabled" in attrs:
            return
        kind = attrs.get("type", "text")
        if tag == "input" and name and kind not in ("submit", "button", "file"):
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            else:
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "selected": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["selected"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["selected"]
            value = chosen if chosen is not None else self._select["first"]
            self.fields.append((self._select["name"], value or ""))
            self._select = None
        elif tag == "form":
            self._in_form = False


def later(clock, *, minutes):
    hours, mins = map(int, clock.split(":"))
    total = hours * 60 + mins + minutes
    return f"{total // 60:02}:{total % 60:02}"


def errors(response):
    return re.findall(r'<ul class="errorlist.*?</ul>', response.content.decode(), re.S)


def browser_post_data(html):
    parser = FormFields()
    parser.feed(html)
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def demo_event_form(client, user):
    """The seed event, its change page's URL and the fields a browser would post from it."""
    call_command("loaddemo", "--force", "--date", "2031-04-29", stdout=StringIO())
    event = Event.objects.get()
    client.force_login(user)
    url = reverse("admin:events_event_change", args=[event.pk])
    return event, url, browser_post_data(client.get(url).content.decode())


def test_moving_the_start_moves_the_agenda_by_the_same_offset(client, admin_user):
    event, url, data = demo_event_form(client, admin_user)
    before = [timezone.localtime(slot.starts_at).strftime("%H:%M") for slot in event.slots.all()]
    data["starts_at_1"] = ["18:30:00"]
    data["ends_at_1"] = ["20:30:00"]

    response = client.post(url, data)

    assert response.status_code == 302, errors(response)
    after = [timezone.localtime(slot.starts_at).strftime("%H:%M") for slot in event.slots.all()]
    assert before[0] == "18:00" and len(before) == 6
    assert after == [later(time, minutes=30) for time in before]


def test_a_slot_staff_retime_while_moving_the_event_keeps_the_typed_time(client, admin_user):
    event, url, data = demo_event_form(client, admin_user)
    data["starts_at_1"] = ["18:30:00"]
    data["ends_at_1"] = ["20:30:00"]
    data["slots-0-start_time"] = ["18:31"]
    data["slots-0-end_time"] = ["18:34"]

    response = client.post(url, data)

    assert response.status_code == 302, errors(response)
    first = event.slots.order_by("starts_at").first()
    assert timezone.localtime(first.starts_at).strftime("%H:%M") == "18:31"


def test_a_slot_left_outside_a_shortened_event_is_refused(client, admin_user):
    event, url, data = demo_event_form(client, admin_user)
    data["ends_at_1"] = ["19:00:00"]

    response = client.post(url, data)

    assert response.status_code == 200
    assert "innerhalb der Veranstaltung beginnen (18:00–19:00 Uhr)" in response.content.decode()
    event.refresh_from_db()
    assert timezone.localtime(event.ends_at).hour == 20


def test_a_slot_retitled_while_moving_the_event_moves_with_it(client, admin_user):
    event, url, data = demo_event_form(client, admin_user)
    data["starts_at_1"] = ["18:30:00"]
    data["ends_at_1"] = ["20:30:00"]
    data["slots-1-title"] = ["Impuls, neu betitelt"]

    response = client.post(url, data, follow=True)

    slot = event.slots.get(title="Impuls, neu betitelt")
    assert timezone.localtime(slot.starts_at).strftime("%H:%M") == "18:35"
    moved = "Das Programm wurde mit der Veranstaltung um +30 Minuten verschoben (6 Programmpunkte)"
    assert moved in response.content.decode()
