"""The German catalogue is complete, free of fuzzy entries, and compiled."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR, "locale/de/LC_MESSAGES/django.po")


def read_po(path):
    """Yield (msgid, msgstr, flags) of each entry but the header.

    Plurals come as (singular, plural, n), entries with a context as (context, msgid).
    """
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
        if not fields.get("msgid"):
            continue
        if "msgid_plural" in fields:
            for n, form in ((1, "msgstr[0]"), (2, "msgstr[1]")):
                yield (fields["msgid"], fields["msgid_plural"], n), fields[form], flags
        elif "msgctxt" in fields:
            yield (fields["msgctxt"], fields["msgid"]), fields["msgstr"], flags
        else:
            yield fields["msgid"], fields["msgstr"], flags


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    problems = [msgid for msgid, msgstr, flags in read_po(PO) if not msgstr or "fuzzy" in flags]
    assert problems == []


def test_compiled_catalogue_matches_source():
    with PO.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    def translate(msgid):
        if isinstance(msgid, str):
            return catalogue.gettext(msgid)
        return catalogue.ngettext(*msgid) if len(msgid) == 3 else catalogue.pgettext(*msgid)

    stale = [msgid for msgid, msgstr, _ in read_po(PO) if translate(msgid) != msgstr]
    assert stale == []
