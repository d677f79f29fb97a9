"""The German catalogue is complete, free of fuzzy entries, and compiled."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR, "locale/de/LC_MESSAGES/django.po")


def read_po(path):
    """Yield (msgid, msgstr, flags) of each entry, skipping the header and plurals."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                current, _, line = line.partition(" ")
                fields[current] = ""
            fields[current] += ast.literal_eval(line)
        if fields.get("msgid") and "msgid_plural" not in fields:
            yield fields["msgid"], fields["msgstr"], flags


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    problems = [msgid for msgid, msgstr, flags in read_po(PO) if not msgstr or "fuzzy" in flags]
    assert problems == []


def test_compiled_catalogue_matches_source():
    with PO.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [msgid for msgid, msgstr, _ in read_po(PO) if catalogue.gettext(msgid) != msgstr]
    assert stale == []
