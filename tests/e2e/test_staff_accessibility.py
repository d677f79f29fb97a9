"""WCAG 2.1 AA on staff pages too: axe-core finds no violation on any admin page."""

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from events.models import Event, LegalPage
from registrations.models import Registration
from tests.factories import RegistrationFactory

from . import axe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_event(live_server, settings):
    settings.SITE_URL = live_server.url
    call_command("loaddemo", "--force", "--date", "2031-04-29", stdout=StringIO())
    event = Event.objects.get()
    RegistrationFactory(event=event, question="Wie geht es weiter mit dem Breitband?")
    return event


@pytest.fixture
def check_staff_page(browser, live_server, client):
    """The axe violations of an admin page seen by ``user``; one page per user and width."""
    pages = {}

    def check(user, path, *, before_check=None, width=1280):
        if (user.pk, width) not in pages:
            client.force_login(user)
            context = axe.new_context(
                browser, viewport={"width": width, "height": 900}, locale="de-DE"
            )
            context.add_cookies(
                [{"name": "sessionid", "value": client.cookies["sessionid"].value,
                  "url": live_server.url}]
            )
            pages[user.pk, width] = context.new_page()
        page = pages[user.pk, width]
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        if before_check:
            before_check(page)
        return axe.violations(page, targets=5)

    return check


def staff_paths(event):
    """Every list, add and change page of the admin, and the event's own staff pages."""
    slot = event.slots.first()
    objects = {
        type(o): o
        for o in [event, slot, slot.roles.first(), slot.roles.first().speaker,
                  Registration.objects.first(), Group.objects.first(), User.objects.first(),
                  LegalPage.objects.first()]
    }
    yield reverse("admin:index")
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info))
        if model_admin.has_add_permission(_AnyRequest):
            yield reverse("admin:{}_{}_add".format(*info))
        if model in objects:
            yield reverse("admin:{}_{}_change".format(*info), args=[objects[model].pk])
    yield reverse("admin:events_event_copy", args=[event.pk])
    yield reverse("admin:events_event_documentation", args=[event.pk])
    for name in ("questions", "questions_print", "questions_wall", "attendance", "messages"):
        yield reverse(f"admin:registrations_registration_event_{name}", args=[event.pk])
    yield reverse("admin:password_change")


class _AnyRequest:
    """has_add_permission(request) of pages that refuse adding for everyone ignore the user."""

    class user:
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(perm, obj=None):
            return True


@pytest.mark.long
def test_every_staff_page_has_no_axe_violations(demo_event, check_staff_page, admin_user):
    failures = {}
    for path in staff_paths(demo_event):
        violations = check_staff_page(admin_user, path)
        if violations:
            failures[path] = violations
    assert failures == {}, "\n".join(f"{p}: {v}" for p, v in failures.items())


@pytest.mark.long
def test_editors_page_with_open_inlines_has_no_axe_violations(
    demo_event, check_staff_page, editor
):
    def open_everything(page):
        page.locator("#slots-group .djn-add-item a").last.click()
        new_slot = page.locator(
            "#slots-group .djn-inline-form[data-inline-model='events-agendaslot']"
            ":not(.djn-empty-form)"
        ).last
        new_slot.locator(".djn-add-item a").last.click()
        for summary in page.locator("#slots-group summary:visible").all():
            summary.click()
        page.locator("input[name='_continue']").first.click()  # with errors at the fields
        page.locator(".errornote").wait_for()
        page.wait_for_load_state("load")

    path = reverse("admin:events_event_change", args=[demo_event.pk])

    assert check_staff_page(editor, path) == []
    assert check_staff_page(editor, path, before_check=open_everything) == []
    assert check_staff_page(editor, path, width=390) == []
