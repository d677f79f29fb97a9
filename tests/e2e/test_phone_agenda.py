"""On a phone the agenda's times and timeline dots never overlap (320 to 414 px)."""

from io import StringIO

import pytest
from django.core.management import call_command

from events.models import Event

WIDTHS = [320, 360, 375, 390, 414]


@pytest.fixture
def demo_event(live_server):
    call_command("loaddemo", "--force", "--date", "2031-04-29", stdout=StringIO())
    return Event.objects.get()


def overlaps(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def boxes(page):
    items = page.locator(".timeline > li")
    return [
        (item.locator("time").bounding_box(), item.locator(".dot").bounding_box())
        for item in items.all()
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_agenda_time_and_dot_do_not_overlap(browser, live_server, demo_event, width):
    page = browser.new_page(viewport={"width": width, "height": 800}, locale="de-DE")
    page.goto(live_server.url + demo_event.get_absolute_url())

    found = boxes(page)

    page.close()
    assert len(found) == 6
    for time, dot in found:
        assert time["width"] > 0 and dot["width"] > 0
        assert not overlaps(time, dot), (width, time, dot)


def test_overlap_check_catches_a_dot_on_the_time(browser, live_server, demo_event):
    """The negative control: the dot pushed onto the digits, as it was at 390 px."""
    page = browser.new_page(viewport={"width": 390, "height": 800}, locale="de-DE")
    page.goto(live_server.url + demo_event.get_absolute_url())
    page.evaluate(
        "document.querySelectorAll('.timeline .dot').forEach(d => d.style.left = '-20px')"
    )

    found = boxes(page)

    page.close()
    assert all(overlaps(time, dot) for time, dot in found)
