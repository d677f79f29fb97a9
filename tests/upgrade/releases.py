"""The migrations of each release (deploy/releases/<version>.json), so that the upgrade
tests need no git history.

At a release, write the file of the new version from the tree being released:
    python -m tests.upgrade.releases 0.2.0 COMMIT > deploy/releases/0.2.0.json
"""

import hashlib
import json
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
RELEASES = BASE_DIR / "deploy/releases"
APPS = ("events", "registrations")


def migration_files(base_dir=BASE_DIR):
    """{app: {migration name: sha256 of its file}} of the project's own apps."""
    return {
        app: {
            path.stem: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted((base_dir / app / "migrations").glob("[0-9]*.py"))
        }
        for app in APPS
    }


def releases():
    """[(version, its record)], oldest first."""
    records = [json.loads(path.read_text()) for path in RELEASES.glob("*.json")]
    records.sort(key=lambda record: tuple(int(part) for part in record["version"].split(".")))
    return [(record["version"], record) for record in records]


if __name__ == "__main__":
    version, commit = sys.argv[1:3]
    print(json.dumps({"version": version, "commit": commit, "migrations": migration_files()},
                     indent=2))
