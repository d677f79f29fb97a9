"""deploy/landtagstalk.env.example: read alike by bash (`set -a; . file`) and systemd
(EnvironmentFile=), and naming every setting of the README's table."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .envfile import parse_environment_file

BASE_DIR = Path(__file__).resolve().parents[2]
ENV_FILE = BASE_DIR / "deploy/landtagstalk.env.example"
ENV_LOOKUP = r"""(?:environ\.get|env_bool|env_list)\(\s*["']([A-Z][A-Z0-9_]+)"""
CLEAN = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def bash_reads(path):
    """(the variables `set -a; . path` adds to a clean environment, bash's complaints)."""
    script = 'env -0 > "$1"; set -a; . "$2"; set +a; env -0; exit'
    before = path.with_suffix(".env-before")
    result = subprocess.run(
        ["bash", "-c", script, "bash", before, path],
        env=CLEAN, capture_output=True, timeout=30,
    )

    def variables(raw):
        pairs = (item.partition("=") for item in raw.decode().split("\0") if item)
        return {name: value for name, _, value in pairs if name != "_"}

    baseline = variables(before.read_bytes())
    after = variables(result.stdout)
    added = {name: value for name, value in after.items() if baseline.get(name) != value}
    return added, result.stderr.decode() + ("" if result.returncode == 0 else "failed")


def readme_settings_table():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_parser_reads_as_systemd_documents(tmp_path):
    text = (
        "# a comment\n; another\nno assignment here\n"
        "PLAIN=value\n"
        "  SPACED =  interior  whitespace kept  \n"
        'DOUBLE="LandtagsTalk <a@example.org>"\n'
        "SINGLE='verbatim $HOME \\n'\n"
        'ESCAPES="q\\" b\\\\ d\\$ n\\n"\n'
        "CONTINUED=one\\\ntwo\n"
        "HASH=x # not a comment\n"
        "EMPTY=\n"
        "1INVALID=x\n"
    )

    assert parse_environment_file(text) == {
        "PLAIN": "value",
        "SPACED": "interior  whitespace kept",
        "DOUBLE": "LandtagsTalk <a@example.org>",
        "SINGLE": "verbatim $HOME \\n",
        "ESCAPES": 'q" b\\ d$ n\\n',
        "CONTINUED": "onetwo",
        "HASH": "x # not a comment",
        "EMPTY": "",
    }


def test_env_example_reads_the_same_in_bash_and_systemd(tmp_path):
    copy = tmp_path / "landtagstalk.env"
    copy.write_bytes(ENV_FILE.read_bytes())

    in_bash, complaints = bash_reads(copy)
    in_systemd = parse_environment_file(ENV_FILE.read_text(encoding="utf-8"))

    assert complaints == ""
    assert in_bash == in_systemd
    assert in_systemd["DEFAULT_FROM_EMAIL"] == "LandtagsTalk <veranstaltungen@example.org>"
    assert in_systemd["DJANGO_STATIC_ROOT"] == "/var/lib/landtagstalk/static"


def test_comparison_catches_a_value_bash_cannot_read(tmp_path):
    broken = tmp_path / "broken.env"
    broken.write_text("DEFAULT_FROM_EMAIL=LandtagsTalk <x@example.org>\nDJANGO_STATIC_ROOT=/s\n")

    in_bash, complaints = bash_reads(broken)

    assert complaints != "" or in_bash != parse_environment_file(broken.read_text())


def test_django_reads_the_env_example_as_written():
    env = {**CLEAN, **parse_environment_file(ENV_FILE.read_text(encoding="utf-8"))}
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEFAULT_FROM_EMAIL, str(s.STATIC_ROOT), s.SITE_URL, s.DEBUG, "
        "s.CACHES['default']['BACKEND'], s.TASKS['default']['BACKEND']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, capture_output=True, timeout=60,
        env={**env, "DJANGO_SETTINGS_MODULE": "landtagstalk.settings"},
    )

    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout) == [
        "LandtagsTalk <veranstaltungen@example.org>",
        "/var/lib/landtagstalk/static",
        "https://veranstaltungen.example.org",
        False,
        "django.core.cache.backends.db.DatabaseCache",
        "django_tasks_db.DatabaseBackend",
    ]


def test_env_example_names_every_setting_of_the_readme_table():
    text = ENV_FILE.read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))

    assert sorted(readme_settings_table() - listed) == []
    assert sorted(listed - readme_settings_table()) == []


@pytest.mark.parametrize(
    "source",
    ["landtagstalk/settings.py", "landtagstalk/log_format.py", "gunicorn.conf.py"],
)
def test_readme_table_names_every_setting_the_code_reads(source):
    code = (BASE_DIR / source).read_text(encoding="utf-8")
    read = set(re.findall(ENV_LOOKUP, code))

    assert read
    assert sorted(read - readme_settings_table()) == []
