"""The default texts of the privacy notice, imprint and accessibility statement.

Staff adapt them in the admin (group Redaktion); the contact addresses under
example.org must be replaced with the real ones before going live.
"""

from django.db import migrations

PRIVACY = """Diese Hinweise informieren Sie nach Art. 13 der Datenschutz-Grundverordnung (DSGVO) darüber, wie wir Ihre personenbezogenen Daten verarbeiten, wenn Sie sich für eine unserer Veranstaltungen anmelden.

## Verantwortliche Stelle
SPD-Fraktion im Landtag Nordrhein-Westfalen
Platz des Landtags 1, 40221 Düsseldorf
E-Mail: veranstaltungen@example.org

## Datenschutzbeauftragte
Sie erreichen unsere Datenschutzbeauftragte unter der Anschrift der Fraktion mit dem Zusatz „Datenschutzbeauftragte“ oder per E-Mail an datenschutz@example.org.

## Welche Daten wir verarbeiten und wozu
Für die Anmeldung verarbeiten wir Ihren Vor- und Nachnamen, Ihre E-Mail-Adresse und, wenn Sie sie angeben, Ihre Organisation oder Kommune sowie Ihre Frage an das Podium. Wir nutzen diese Daten, um Ihre Anmeldung zu bestätigen, Ihnen den Zugangslink und Erinnerungen zu senden, die Teilnehmendenzahl zu planen und ausgewählte Fragen in der Veranstaltung aufzugreifen (dabei nennen wir höchstens Ihren Vornamen und Ihre Kommune).

## Rechtsgrundlage
Rechtsgrundlage ist Ihre Einwilligung nach Art. 6 Abs. 1 Buchst. a DSGVO. Weil die Teilnahme an einer Veranstaltung einer Fraktion Rückschlüsse auf Ihre politische Meinung zulassen kann, holen wir zusätzlich Ihre ausdrückliche Einwilligung nach Art. 9 Abs. 2 Buchst. a DSGVO ein. Die Einwilligung ist freiwillig; ohne sie ist eine Anmeldung nicht möglich.

## Empfänger
Wir geben Ihre Daten nicht an Dritte weiter. Die Veranstaltung selbst findet als Zoom-Konferenz statt: Wenn Sie teilnehmen, verarbeitet der Anbieter Zoom die Daten, die Sie dort angeben (etwa Ihren Anzeigenamen). Die Anmeldedaten auf dieser Website übermitteln wir nicht an Zoom.

## Speicherdauer
Nicht bestätigte Anmeldungen löschen wir nach {hold_hours} Stunden. Alle übrigen personenbezogenen Daten einer Anmeldung löschen wir {retention_days} Tage nach dem Ende der Veranstaltung; danach bleibt nur eine anonyme Zählung.

## Ihre Rechte
- Sie können Ihre Einwilligung jederzeit mit Wirkung für die Zukunft widerrufen, am einfachsten über den Link „Anmeldung stornieren“ auf Ihrer persönlichen Seite.
- Sie haben das Recht auf Auskunft (Art. 15 DSGVO): Ihre persönliche Seite zeigt alle Daten, die wir zu Ihrer Anmeldung speichern.
- Sie haben das Recht auf Berichtigung (Art. 16), Löschung (Art. 17; über „Meine Daten löschen“ auf Ihrer persönlichen Seite), Einschränkung der Verarbeitung (Art. 18) und Datenübertragbarkeit (Art. 20).

## Beschwerderecht
Sie können sich bei einer Aufsichtsbehörde beschweren, zum Beispiel bei der Landesbeauftragten für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW), Kavalleriestraße 2–4, 40213 Düsseldorf, https://www.ldi.nrw.de

## Keine Dienste Dritter
Diese Website lädt keine Inhalte von anderen Servern, verwendet keine Analysewerkzeuge und setzt nur die technisch notwendigen Cookies (Sprachwahl und Schutz der Formulare)."""

IMPRINT = """## Angaben gemäß § 5 DDG
SPD-Fraktion im Landtag Nordrhein-Westfalen
Platz des Landtags 1, 40221 Düsseldorf

## Vertreten durch
den Fraktionsvorstand

## Kontakt
E-Mail: veranstaltungen@example.org

## Verantwortlich für den Inhalt
Die Pressestelle der SPD-Fraktion im Landtag Nordrhein-Westfalen, Anschrift wie oben.

## Haftung für Links
Für die Inhalte verlinkter Seiten anderer Anbieter sind deren Betreiber verantwortlich."""

ACCESSIBILITY = """Die SPD-Fraktion im Landtag Nordrhein-Westfalen ist bemüht, diese Website im Einklang mit der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu machen. Diese Erklärung gilt für die Veranstaltungs- und Anmeldeseiten unter dieser Adresse.

## Stand der Vereinbarkeit mit den Anforderungen
Die Website ist mit den Anforderungen der BITV 2.0 (WCAG 2.1, Konformitätsstufe AA) weitgehend vereinbar. Sie ist ohne JavaScript nutzbar, mit der Tastatur bedienbar, auf kleinen Bildschirmen lesbar und wird regelmäßig automatisiert geprüft.

## Nicht barrierefreie Inhalte
- Die Veranstaltungen selbst finden in Zoom statt. Auf die Barrierefreiheit dieses Dienstes haben wir nur begrenzt Einfluss.
- Fotos von Mitwirkenden haben einen Alternativtext mit dem Namen der Person, aber keine Bildbeschreibung.

## Erstellung dieser Erklärung
Diese Erklärung wurde auf Grundlage einer Selbstbewertung erstellt.

## Feedback und Kontakt
Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen, oder benötigen Sie Informationen in einer barrierefreien Form? Schreiben Sie uns an barrierefreiheit@example.org. Wir antworten Ihnen innerhalb von zwei Wochen.

## Durchsetzungsverfahren
Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen wenden: https://www.mags.nrw/ombudsstelle-barrierefreie-it"""

PAGES = [
    ("privacy", "Datenschutzhinweise", PRIVACY),
    ("imprint", "Impressum", IMPRINT),
    ("accessibility", "Erklärung zur Barrierefreiheit", ACCESSIBILITY),
]


def create_pages(apps, schema_editor):
    LegalPage = apps.get_model("events", "LegalPage")
    for kind, title, body in PAGES:
        LegalPage.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})
    # Redaktion may edit them: see landtagstalk.permissions, applied after every migrate.


def remove_pages(apps, schema_editor):
    apps.get_model("events", "LegalPage").objects.filter(
        kind__in=[kind for kind, _, _ in PAGES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_legalpage"),
        ("registrations", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(create_pages, remove_pages)]
