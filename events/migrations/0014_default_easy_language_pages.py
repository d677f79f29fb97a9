"""The default texts of the pages in Leichte Sprache and in sign language.

The Leichte Sprache text follows the rules of the Netzwerk Leichte Sprache: short sentences,
one statement in each, no abbreviations, hard words explained. Staff adapt both pages in
the admin like the legal pages; the sign-language page shows its video once staff upload one.
"""

from django.db import migrations

EASY_LANGUAGE = """Hier erklären wir diese Internet-Seite in Leichter Sprache.

## Was ist diese Internet-Seite?
Diese Internet-Seite gehört der SPD-Fraktion im Landtag Nordrhein-Westfalen.
Eine Fraktion ist eine Gruppe von Politikerinnen und Politikern aus einer Partei.
Der Landtag ist das Parlament von Nordrhein-Westfalen.
Die Fraktion macht Veranstaltungen.
Bei einer Veranstaltung sprechen Fach-Leute über ein Thema.
Sie können zuhören.
Sie können auch Fragen stellen.
Die Veranstaltungen kosten kein Geld.
Manche Veranstaltungen sind im Internet.
Manche Veranstaltungen sind in einem Saal.
Auf dieser Internet-Seite finden Sie alle Veranstaltungen.

## Wie melde ich mich an?
- Wählen Sie eine Veranstaltung aus.
- Klicken Sie auf: Jetzt anmelden.
- Schreiben Sie Ihren Vor-Namen und Ihren Nach-Namen in das Formular.
- Schreiben Sie Ihre E-Mail-Adresse in das Formular.
- Setzen Sie einen Haken bei der Einwilligung. Einwilligung heißt: Sie sind einverstanden. Wir dürfen Ihre Daten für die Anmeldung benutzen.
- Klicken Sie auf: Anmelden.

Dann bekommen Sie eine E-Mail von uns.
In der E-Mail ist ein Link.
Ein Link führt zu einer Internet-Seite.
Klicken Sie auf den Link.
Klicken Sie dann auf: Anmeldung bestätigen.
Erst dann ist Ihre Anmeldung fertig.
Sie haben dafür {hold_hours} Stunden Zeit.

## Ihre persönliche Seite
Nach der Anmeldung haben Sie eine persönliche Seite.
Der Link zu Ihrer persönlichen Seite steht in jeder E-Mail von uns.
Nur Sie kennen diesen Link.
Geben Sie den Link bitte nicht weiter.
Auf Ihrer persönlichen Seite steht der Zugangs-Link.
Mit dem Zugangs-Link kommen Sie zu einer Veranstaltung im Internet.

## Wie sage ich ab?
Sie können nicht kommen?
Dann sagen Sie bitte ab.
So bekommt eine andere Person Ihren Platz.

- Öffnen Sie Ihre persönliche Seite.
- Klicken Sie auf: Anmeldung stornieren.
- Klicken Sie dann auf: Ja, Anmeldung stornieren.

Stornieren heißt: Sie sagen Ihre Anmeldung ab.

## Wie lösche ich meine Daten?
Daten sind zum Beispiel Ihr Name und Ihre E-Mail-Adresse.
Sie können Ihre Daten jederzeit löschen.

- Öffnen Sie Ihre persönliche Seite.
- Klicken Sie auf: Meine Daten löschen.
- Klicken Sie dann auf: Ja, meine Daten löschen.

Dann sind Ihre Daten weg.
Wir löschen Ihre Daten auch selbst.
Das machen wir {retention_days} Tage nach der Veranstaltung.

## Wen kann ich fragen?
Sie haben eine Frage?
Oder Sie brauchen Hilfe?
Dann schreiben Sie uns eine E-Mail.
Die E-Mail-Adresse steht auf der Seite Impressum.
Den Link zur Seite Impressum finden Sie ganz unten auf jeder Seite."""

SIGN_LANGUAGE = """Auf dieser Seite erklären wir diese Internet-Seite in Deutscher Gebärdensprache.

## Was steht im Video?
- Was diese Internet-Seite ist: Die SPD-Fraktion im Landtag Nordrhein-Westfalen stellt hier ihre öffentlichen Veranstaltungen vor.
- Wie Sie sich anmelden: Sie wählen eine Veranstaltung aus, klicken auf „Jetzt anmelden“ und füllen das Formular aus. Danach bestätigen Sie Ihre Anmeldung über den Link in unserer E-Mail.
- Wie Sie absagen: Auf Ihrer persönlichen Seite klicken Sie auf „Anmeldung stornieren“. Den Link zu dieser Seite finden Sie in jeder E-Mail von uns.
- Wie Sie Ihre Daten löschen: Auf Ihrer persönlichen Seite klicken Sie auf „Meine Daten löschen“. Sonst löschen wir Ihre Daten {retention_days} Tage nach der Veranstaltung.
- Wen Sie fragen können: Schreiben Sie uns eine E-Mail. Die Adresse steht im Impressum.

## Gebärdensprache bei Veranstaltungen
Sie brauchen bei einer Veranstaltung eine Dolmetscherin oder einen Dolmetscher für Deutsche Gebärdensprache? Schreiben Sie uns bitte möglichst früh, spätestens eine Woche vorher. Die Adresse steht im Impressum."""

PAGES = [
    ("easy_language", "Leichte Sprache", EASY_LANGUAGE),
    ("sign_language", "Gebärdensprache", SIGN_LANGUAGE),
]


def create_pages(apps, schema_editor):
    LegalPage = apps.get_model("events", "LegalPage")
    for kind, title, body in PAGES:
        LegalPage.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})


def remove_pages(apps, schema_editor):
    apps.get_model("events", "LegalPage").objects.filter(
        kind__in=[kind for kind, _, _ in PAGES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0013_easy_language_and_sign_language")]

    operations = [migrations.RunPython(create_pages, remove_pages)]
