"""Questions with votes in the browser: the personal page, the moderator's page, the wall."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations import questions, services
from tests.factories import EventFactory

from .test_accessibility import check_page  # noqa: F401 (a fixture)
from .test_staff_accessibility import check_staff_page  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dialogue(live_server, settings):
    settings.SITE_URL = live_server.url
    event = EventFactory(title="Kommune der Zukunft")
    people = []
    for name, text, place in [
        ("Anna", "Wie erreichen digitale Angebote auch ältere Menschen?", "Köln"),
        ("Bernd", "Welche Rolle spielt Open Source in der Verwaltung?", ""),
    ]:
        registration, _ = services.register(
            event=event, first_name=name, last_name="Muster", email=f"{name}@example.org"
        )
        registration = services.confirm(registration=registration)
        asked = questions.ask_question(registration=registration, text=text, place=place)
        questions.moderate(question=asked, action="release")
        people.append(registration)
    questions.vote(registration=people[1], question_id=people[0].panel_questions.get().pk)
    return event, people


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["de-DE", "en-GB"])
def test_personal_page_with_questions_has_no_axe_violations(
    dialogue, check_page, width, language  # noqa: F811
):
    _event, (anna, bernd) = dialogue

    assert check_page(bernd.personal_path, width=width, language=language) == []
    assert check_page(anna.personal_path, width=width, language=language) == []


def test_a_registrant_votes_and_asks_in_the_browser(dialogue, browser, live_server):
    _event, (anna, bernd) = dialogue
    page = browser.new_page(viewport={"width": 375, "height": 800}, locale="de-DE")
    page.goto(live_server.url + anna.personal_path)

    page.get_by_role("button", name=re.compile(r"^Dafür stimmen\W+Welche Rolle")).click()
    page.get_by_text("Ihre Stimme ist gezählt.").wait_for()
    page.get_by_label("Ihre Frage").fill("Und was ist mit dem Datenschutz?")
    page.get_by_role("button", name="Frage senden").click()
    page.get_by_text("Vielen Dank für Ihre Frage.").wait_for()

    assert bernd.panel_questions.get().votes.count() == 1
    assert anna.panel_questions.filter(text="Und was ist mit dem Datenschutz?").exists()
    page.close()


def test_moderator_pages_with_questions_have_no_axe_violations(
    dialogue, check_staff_page, admin_user  # noqa: F811
):
    event, _people = dialogue
    for name in ("questions", "questions_print"):
        path = reverse(f"admin:registrations_registration_event_{name}", args=[event.pk])
        assert check_staff_page(admin_user, path) == [], path
    wall = reverse("admin:registrations_registration_event_questions_wall", args=[event.pk])
    assert check_staff_page(admin_user, wall, width=1920) == []
    assert check_staff_page(admin_user, wall, width=375) == []
    assert timezone.now() < event.ends_at


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["de-DE", "en-GB"])
def test_subscription_pages_have_no_axe_violations(live_server, check_page, width, language):  # noqa: F811
    from registrations.models import SeriesSubscription

    EventFactory(series="LandtagsTalk")
    EventFactory(series="Fraktion vor Ort")
    subscription = SeriesSubscription.objects.create(
        email="erika@example.org", consent_at=timezone.now(), consent_version="2021-04"
    )
    paths = [
        "/",
        "/subscribe/",
        "/subscribe/thanks/",
        f"/subscribe/{subscription.token}/confirm/",
        f"/subscribe/{subscription.token}/unsubscribe/",
    ]
    for path in paths:
        assert check_page(path, width=width, language=language) == [], path


def test_subscribe_form_with_errors_has_no_axe_violations(live_server, check_page):  # noqa: F811
    def submit_empty(page):
        page.get_by_role("button", name="Informieren Sie mich").click()
        page.get_by_role("alert").first.wait_for()

    assert check_page("/subscribe/", before_check=submit_empty) == []


def test_the_wall_refreshes_itself_and_can_be_paused(dialogue, browser, live_server, client,
                                                     admin_user):
    event, (anna, bernd) = dialogue
    client.force_login(admin_user)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    page = context.new_page()
    page.clock.install()  # the page's timers run when the test says, not in real time
    page.goto(live_server.url + reverse(
        "admin:registrations_registration_event_questions_wall", args=[event.pk]
    ))
    assert page.locator(".count").first.inner_text() == "1"

    questions.vote(registration=anna, question_id=bernd.panel_questions.get().pk)
    page.clock.run_for(15_000)  # the wall fetches itself again every 15 seconds

    page.locator(".count", has_text="1").nth(1).wait_for()
    page.get_by_role("button", name="Anhalten").click()
    assert page.get_by_role("button", name="Anhalten").get_attribute("aria-pressed") == "true"
    context.close()
