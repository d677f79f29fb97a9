"""Benchmark of the attendee export: 50,000 registrations through the admin's export view.

Run on demand (not part of the test suite):

    .venv/bin/python benchmarks/export_attendees.py [--rows 50000]

It uses a fresh SQLite file in a temporary folder, or the database in DATABASE_URL
(give it an empty one: the benchmark migrates it and fills it). It prints the time of
the whole download, the peak of Python memory during it (tracemalloc, a second pass)
and the peak resident size of the process. Target: under 10 s and under 120 MB.
"""

import argparse
import datetime
import gc
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS, TARGET_MB = 10, 120


def setup_django(database_url):
    # WhiteNoise warns about the missing collectstatic folder; the export serves no files.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landtagstalk.settings")
    import django

    django.setup()


def fill(rows):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from events.models import Event
    from registrations.models import Registration

    call_command("migrate", verbosity=0)
    start = timezone.now() + datetime.timedelta(days=14)
    event = Event.objects.create(
        title="Benchmark",
        slug=f"benchmark-{int(time.time())}",
        organiser="SPD-Fraktion",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        is_published=True,
    )
    statuses = list(Registration.Status.values)
    batch = []
    for n in range(rows):
        batch.append(
            Registration(
                event=event,
                first_name="=HYPERLINK(1)" if n % 1000 == 0 else f"Jürgen {n}",
                last_name=f"Müller-Özdemir {n:06d}",
                email=f"person{n}@example.org",
                organisation="Stadt Castrop-Rauxel",
                question="Wie geht es weiter mit dem Onlinezugangsgesetz in den Kommunen?"
                if n % 3 == 0
                else "",
                status=statuses[n % len(statuses)],
                confirmed_at=start - datetime.timedelta(days=1),
                attended=n % 2 == 0,
                consent_at=start,
            )
        )
        if len(batch) == 5000:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)
    user = get_user_model().objects.create_superuser(
        f"bench-{int(time.time())}", "bench@example.org", "bench"
    )
    return event, user


def download(client, url):
    # Over HTTPS, as behind the TLS proxy (debug is off: plain HTTP is redirected), and
    # as a POST: the export buttons send one.
    response = client.post(url, secure=True)
    assert response.status_code == 200, response.status_code
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return size, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    setup_django(os.environ.get("DATABASE_URL") or f"sqlite:///{folder.name}/bench.sqlite3")

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    began = time.perf_counter()
    event, user = fill(args.rows)
    print(
        f"database: {connection.vendor}; filled {args.rows} rows in "
        f"{time.perf_counter() - began:.1f} s"
    )
    client = Client()
    client.force_login(user)
    url = reverse("admin:registrations_registration_event_export", args=[event.pk])

    gc.collect()
    began = time.perf_counter()
    size, lines = download(client, url)
    seconds = time.perf_counter() - began

    gc.collect()
    tracemalloc.start()
    download(client, url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mb = peak / 1024 / 1024
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print(f"exported {lines - 1} rows, {size / 1024 / 1024:.1f} MB of CSV")
    print(f"time: {seconds:.2f} s (target < {TARGET_SECONDS} s)")
    print(f"peak Python memory during the export: {peak_mb:.1f} MB (target < {TARGET_MB} MB)")
    print(f"peak resident size of the whole process: {rss_mb:.1f} MB")
    ok = seconds < TARGET_SECONDS and peak_mb < TARGET_MB and rss_mb < TARGET_MB
    print("OK" if ok else "TARGET MISSED")
    folder.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
