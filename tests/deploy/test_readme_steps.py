"""The README's `manage` shell function (Deployment, step 6) runs manage.py with the settings
of the environment file, as the crontab and the release steps do."""

import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def test_manage_function_runs_manage_py_with_the_env_file(tmp_path):
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    (function,) = re.findall(r"^\s*(manage\(\) \{.*\})$", readme, flags=re.MULTILINE)
    env_file = tmp_path / "landtagstalk.env"
    env_file.write_text(
        (BASE_DIR / "deploy/landtagstalk.env.example").read_text(encoding="utf-8")
        + f"DATABASE_URL=sqlite:///{tmp_path}/db.sqlite3\n",
        encoding="utf-8",
    )
    # Here as the user running the suite, in this checkout, with a copy of the example file.
    here = (
        function.replace("runuser -u landtagstalk -- ", "")
        .replace("/srv/landtagstalk", str(BASE_DIR))
        .replace("/etc/landtagstalk/landtagstalk.env", str(env_file))
        .replace(".venv/bin/python", sys.executable)
    )
    code = "from django.conf import settings as s; print(s.DEFAULT_FROM_EMAIL, s.STATIC_ROOT)"

    result = subprocess.run(
        ["bash", "-c", f'{here}\nmanage shell --no-imports -c "$1"', "bash", code],
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, capture_output=True, text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "LandtagsTalk <veranstaltungen@example.org> /var/lib/landtagstalk/static"
    )
