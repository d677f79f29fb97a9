"""The default privacy notice says what the limit of unconfirmed seats per client keeps.

Only a notice still as the migration 0003 wrote it is changed; one that staff have edited
stays as it is (the README asks operators to add the paragraph themselves).
"""

import importlib

from django.db import migrations

DEFAULTS = importlib.import_module("events.migrations.0003_default_legal_pages")

AFTER = "(dabei nennen wir höchstens Ihren Vornamen und Ihre Kommune)."
CLIENT_HASH = (
    "\n\nSolange Sie Ihre Anmeldung noch nicht bestätigt haben, speichern wir zu ihr einen "
    "Prüfwert der IP-Adresse Ihres Geräts, gebildet mit einem geheimen Schlüssel (nicht die "
    "Adresse selbst). Damit begrenzen wir, wie viele unbestätigte Plätze von einem Anschluss "
    "aus belegt werden können, damit niemand Plätze für andere blockiert. Mit der "
    "Bestätigung, der Stornierung oder dem Ablauf der Anmeldung löschen wir den Prüfwert."
)
UPDATED = DEFAULTS.PRIVACY.replace(AFTER, AFTER + CLIENT_HASH, 1)


def add_paragraph(apps, schema_editor):
    LegalPage = apps.get_model("events", "LegalPage")
    LegalPage.objects.filter(kind="privacy", body=DEFAULTS.PRIVACY).update(body=UPDATED)


def remove_paragraph(apps, schema_editor):
    LegalPage = apps.get_model("events", "LegalPage")
    LegalPage.objects.filter(kind="privacy", body=UPDATED).update(body=DEFAULTS.PRIVACY)


class Migration(migrations.Migration):
    dependencies = [("events", "0010_speaker_name_visible")]

    operations = [migrations.RunPython(add_paragraph, remove_paragraph)]
