"""deploy/systemd/: every unit and timer passes `systemd-analyze verify` on a throwaway root
in which the programs they start exist; a typo fails it."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
UNITS = BASE_DIR / "deploy/systemd"
EXEC_LINE = re.compile(r"^Exec\w+=[-@:+!]*(\S+)", re.MULTILINE)


def systemd_analyze():
    if found := shutil.which("systemd-analyze"):
        return found
    pytest.skip("systemd-analyze is not installed (apt-get install systemd; .ci/run does)")


def throwaway_root(tmp_path, units=UNITS):
    """A root with the units in /etc/systemd/system and every program they name."""
    root = tmp_path / "root"
    system = root / "etc/systemd/system"
    system.mkdir(parents=True)
    (root / "usr/bin").mkdir(parents=True)
    (root / "bin").symlink_to("usr/bin")  # merged /usr, as on Debian 12
    for unit in units.iterdir():
        shutil.copy(unit, system / unit.name)
        for program in EXEC_LINE.findall(unit.read_text(encoding="utf-8")):
            target = root / program.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("#!/bin/sh\n")
            target.chmod(0o755)
    return root


def names(directory):
    """Each unit to verify: templates as an instance."""
    return sorted(
        unit.name.replace("@.", "@1.") if "@." in unit.name else unit.name
        for unit in directory.iterdir()
    )


def verify(root, units):
    system = root / "etc/systemd/system"
    return subprocess.run(
        [systemd_analyze(), "verify", f"--root={root}", "--man=no", "--recursive-errors=no",
         *(str(system / name) for name in units)],
        capture_output=True, text=True, timeout=120,
    )


def test_every_unit_and_timer_verifies(tmp_path):
    root = throwaway_root(tmp_path)
    units = names(UNITS)
    assert len([unit for unit in units if unit.endswith(".timer")]) == 7

    result = verify(root, units)

    assert (result.returncode, result.stderr) == (0, "")


def test_verify_fails_on_a_typo(tmp_path):
    copy = tmp_path / "units"
    shutil.copytree(UNITS, copy)
    timer = copy / "landtagstalk-send-reminders.timer"
    timer.write_text(timer.read_text().replace("OnCalendar=", "OnCalender="))
    root = throwaway_root(tmp_path, copy)

    result = verify(root, ["landtagstalk-send-reminders.timer"])

    assert result.returncode != 0
    assert "Unknown key 'OnCalender'" in result.stderr


def test_verify_fails_when_a_program_is_missing(tmp_path):
    root = throwaway_root(tmp_path)
    (root / "srv/landtagstalk/.venv/bin/gunicorn").unlink()

    result = verify(root, ["landtagstalk-web.service"])

    assert "gunicorn is not executable" in result.stderr


def test_two_app_servers_on_one_host_verify(tmp_path):
    root = throwaway_root(tmp_path)
    template = (UNITS / "landtagstalk-web@.service").read_text(encoding="utf-8")
    assert "--bind 127.0.0.1:%i" in template

    result = verify(root, ["landtagstalk-web@8001.service", "landtagstalk-web@8002.service"])

    assert (result.returncode, result.stderr) == (0, "")
