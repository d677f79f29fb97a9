"""The privacy notice, imprint and accessibility statement: there after migrate, editable."""

import pytest
from django.test import override_settings
from django.urls import reverse

from events.models import LegalPage

pytestmark = pytest.mark.django_db


@override_settings(PERSONAL_DATA_RETENTION_DAYS=45, REGISTRATION_HOLD_HOURS=24)
def test_privacy_notice_states_basis_recipients_retention_and_rights(client):
    page = client.get("/datenschutz/").content.decode()

    assert "<h1 lang=\"de\">Datenschutzhinweise</h1>" in page
    assert "Art. 6 Abs. 1 Buchst. a DSGVO" in page
    assert "Art. 9 Abs. 2 Buchst. a DSGVO" in page
    assert "Zoom" in page
    assert "Nicht bestätigte Anmeldungen löschen wir nach 24 Stunden" in page
    assert "45 Tage nach dem Ende der Veranstaltung" in page
    assert "LDI NRW" in page
    assert '<a href="https://www.ldi.nrw.de"' in page


def test_imprint_and_accessibility_statement_exist_in_german(client):
    assert "Angaben gemäß § 5 DDG" in client.get("/impressum/").content.decode()
    statement = client.get("/barrierefreiheit/").content.decode()
    assert "BITV 2.0" in statement
    assert "Feedback und Kontakt" in statement
    assert 'href="mailto:barrierefreiheit@example.org"' in statement


def test_english_visitors_are_told_the_page_is_german(client):
    client.cookies["django_language"] = "en"
    page = client.get("/impressum/").content.decode()
    assert "This page is available in German only." in page


def test_staff_edit_shows_escaped_with_headings_and_lists(client, editor):
    client.force_login(editor)
    page = LegalPage.objects.get(kind="imprint")
    response = client.post(
        reverse("admin:events_legalpage_change", args=[page.pk]),
        {"title": "Impressum", "body": "## Anbieter\nFraktion <b>X</b>\n\n- eins\n- zwei"},
    )
    assert response.status_code == 302

    html = client.get("/impressum/").content.decode()

    assert "<h2>Anbieter</h2>" in html
    assert "<p>Fraktion &lt;b&gt;X&lt;/b&gt;</p>" in html
    assert "<ul><li>eins</li><li>zwei</li></ul>" in html
