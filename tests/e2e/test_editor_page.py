"""A Redaktion member builds the whole seed event on the editor's page, in few page loads."""

import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from events import demo
from events.models import Event, Speaker

SHOTS = Path(os.environ.get("LT_SHOTS", "/tmp/shots-editor"))
PHOTOS = {"Thomas Kutschaty", "Denes Kücük"}
DAY = "27.04.2021"


def png(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 120), colour).save(buffer, "PNG")
    return buffer.getvalue()


def slot_forms(page):
    return page.locator(
        "#slots-group .djn-inline-form[data-inline-model='events-agendaslot']:not(.djn-empty-form)"
    )


def add_slot(page, *, end, kind, title):
    before = slot_forms(page).count()
    page.locator("#slots-group .djn-add-item a").last.click()
    # A click before nested-admin's script is bound adds nothing: wait for the new slot.
    slot = slot_forms(page).nth(before)
    slot.wait_for()
    # The start is left as the page prefills it: the end of the slot above.
    slot.locator("input[name$='-end_time']").fill(end)
    slot.locator("select[name$='-kind']").select_option(kind)
    slot.locator("input[name$='-title']").fill(title)
    return slot


def add_person(page, slot, *, name, role, known=False):
    people = slot.locator(
        ".djn-inline-form[data-inline-model='events-slotspeaker']:not(.djn-empty-form)"
    )
    before = people.count()
    slot.locator(".djn-add-item a").last.click()
    person = people.nth(before)
    person.wait_for()
    person.locator("select[name$='-role']").select_option(role)
    if known:
        person.locator(".select2-selection").click()
        page.locator(".select2-search__field").fill(name.split()[-1])
        page.locator(".select2-results__option", has_text=name).click()
        return
    affix, position, organisation = demo.SPEAKERS[name]
    person.locator("summary").click()
    person.locator("input[name$='-new_name']").fill(name)
    person.locator("input[name$='-new_affix']").fill(affix)
    person.locator("input[name$='-new_position']").fill(position)
    person.locator("input[name$='-new_organisation']").fill(organisation)
    if name in PHOTOS:
        person.locator("input[name$='-new_photo']").set_input_files(
            {"name": "foto.png", "mimeType": "image/png", "buffer": png("#b3000f")}
        )


def build_slots(page, slots, known):
    for start, end, kind, title, people in slots:
        slot = add_slot(page, end=end, kind=kind, title=title)
        assert slot.locator("input[name$='-start_time']").input_value() == start
        for name, role in people:
            add_person(page, slot, name=name, role=role, known=name in known)
            known.add(name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.long
def test_editor_builds_the_seed_event_in_at_most_five_page_loads(
    browser, live_server, client, editor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(editor)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    loads, popups, violations = [], [], []
    page.on("load", lambda p: loads.append(p.url))
    context.on("page", lambda p: popups.append(p))
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and violations.append(m.text),
    )

    page.goto(live_server.url + "/admin/events/event/")
    page.get_by_role("link", name="Veranstaltung hinzufügen").click()
    page.locator("#id_series").fill(demo.EVENT["series"])
    page.locator("#id_title").fill(demo.EVENT["title"])
    page.locator("#id_subtitle").fill(demo.EVENT["subtitle"])
    page.locator("#id_slug").fill(demo.SLUG)
    page.locator("#id_organiser").fill(demo.EVENT["organiser"])
    page.locator("#id_description").fill(demo.EVENT["description"])
    page.locator("#id_starts_at_0").fill(DAY)
    page.locator("#id_starts_at_1").fill(demo.EVENT["starts"])
    page.locator("#id_ends_at_0").fill(DAY)
    page.locator("#id_ends_at_1").fill(demo.EVENT["ends"])
    page.locator("#id_location").fill(demo.EVENT["location"])
    known = set()
    # Christina Kampmann moderates three slots: created in the third, chosen in the others.
    build_slots(page, demo.SLOTS[:3], known)
    page.locator("input[name='_continue']").first.click()
    page.locator(".messagelist .success").wait_for()
    page.wait_for_load_state("load")
    build_slots(page, demo.SLOTS[3:], known)
    page.locator("#id_is_published").check()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "editor-seed-event-1280.png", full_page=True)
    page.locator("input[name='_save']").first.click()
    page.locator(".messagelist .success").wait_for()
    page.wait_for_load_state("load")
    context.close()

    event = Event.objects.get(slug=demo.SLUG)
    local = timezone.localtime
    assert event.is_published
    assert [
        (
            f"{local(s.starts_at):%H:%M}",
            f"{local(s.ends_at):%H:%M}",
            s.kind,
            s.title,
            [(r.speaker.name, r.role) for r in s.roles.all()],
        )
        for s in event.slots.all()
    ] == [(start, end, kind, title, people) for start, end, kind, title, people in demo.SLOTS]
    assert list(event.slots.values_list("order", flat=True)) == [0, 1, 2, 3, 4, 5]
    assert Speaker.objects.count() == 8
    assert set(Speaker.objects.exclude(photo="").values_list("name", flat=True)) == PHOTOS
    assert {s.name: (s.affix, s.position, s.organisation) for s in Speaker.objects.all()} == (
        demo.SPEAKERS
    )
    assert violations == []
    assert popups == []
    # The event list, the empty form, the form after "save and continue", the list again.
    assert len(loads) <= 5, loads
    print(f"page loads: {len(loads)} {loads}, pop-ups: {len(popups)}")


def demo_editor_page(browser, live_server, client, editor):
    from io import StringIO

    from django.core.management import call_command

    call_command("loaddemo", "--force", "--date", "2031-04-29", stdout=StringIO())
    event = Event.objects.get()
    client.force_login(editor)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and violations.append(m.text),
    )
    page.goto(live_server.url + f"/admin/events/event/{event.pk}/change/")
    return event, page, violations


def save_and_close(page):
    page.locator("input[name='_continue']").first.click()
    page.locator(".messagelist .success").wait_for()
    page.context.close()


REORDERED_PANEL = [
    "Jan-Philip Hermes", "Michael Pfefferle", "Sabine Möwes", "Ellen Stock", "Christina Kampmann",
]


@pytest.mark.django_db(transaction=True)
def test_people_in_a_slot_are_reordered_by_keyboard(browser, live_server, client, editor):
    event, page, violations = demo_editor_page(browser, live_server, client, editor)
    button = page.get_by_role("button", name="Nach unten: Podium: Sabine Möwes")

    button.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    status = page.locator("#lt-editor-status")
    status.filter(has_text="steht jetzt an Position 3").wait_for(state="attached")
    save_and_close(page)

    panel = event.slots.get(kind="panel")
    assert [r.speaker.name for r in panel.roles.all()] == REORDERED_PANEL
    assert violations == []


@pytest.mark.django_db(transaction=True)
def test_people_in_a_slot_are_reordered_by_dragging(browser, live_server, client, editor):
    event, page, violations = demo_editor_page(browser, live_server, client, editor)
    panel = event.slots.get(kind="panel")
    handle = page.locator("h3", has_text="Podium: Sabine Möwes").locator("b")
    target = page.locator("h3", has_text="Podium: Ellen Stock").locator("b")
    handle.scroll_into_view_if_needed()
    start, end = handle.bounding_box(), target.bounding_box()

    page.mouse.move(start["x"] + 5, start["y"] + 5)
    page.mouse.down()
    for step in range(1, 21):  # jQuery UI's sortable follows the mouse step by step
        page.mouse.move(start["x"] + 5, start["y"] + 5 + (end["y"] - start["y"] - 20) * step / 20)
        page.wait_for_timeout(30)
    page.mouse.up()
    save_and_close(page)

    assert [r.speaker.name for r in panel.roles.all()] == REORDERED_PANEL
    assert violations == []


@pytest.mark.django_db(transaction=True)
def test_add_and_remove_links_read_german_and_break_no_csp(browser, live_server, client, editor):
    _, page, violations = demo_editor_page(browser, live_server, client, editor)
    people = ".djn-inline-form[data-inline-model='events-slotspeaker']:not(.djn-empty-form)"

    page.get_by_role("link", name="Programmpunkt hinzufügen", exact=True).click()
    slot = slot_forms(page).last
    add_person = slot.get_by_role("link", name="Mitwirkende Person hinzufügen", exact=True)
    add_person.click()
    added = slot.locator(people).count()
    # nested-admin prevents the default of a click only; a middle click follows the link.
    add_person.click(button="middle")
    slot.locator(people).get_by_role("link", name="Entfernen", exact=True).click()
    questions = page.get_by_role("link", name="Frage im Anmeldeformular hinzufügen", exact=True)

    assert (added, slot.locator(people).count()) == (1, 0)
    assert questions.is_visible()
    assert violations == []
    page.context.close()
