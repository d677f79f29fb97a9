import csv
import io
import re

import pytest


def read_csv(content: bytes):
    """Read an exported file as German Excel does: UTF-8 with BOM, semicolons."""
    assert content.startswith(b"\xef\xbb\xbf"), "the file must start with a UTF-8 BOM"
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def tile(html, label):
    """The number on a dashboard tile whose label starts with ``label`` (a regex)."""
    match = re.search(
        r'<span class="lt-tile__number">([^<]*)</span>\s*<span class="lt-tile__label">' + label,
        html,
    )
    assert match, label
    return match.group(1)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("chef", "chef@example.org", "pw-tests")
