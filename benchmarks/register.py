"""Registration POSTs per second with a seat limit and without one, in one run.

    python benchmarks/register.py [--database-url URL] [--connections 16] [--seconds 10]
                                  [--workers 2] [--limit 1000000] [--held 5000] [--rounds 3]
                                  [--client-limit N]

gunicorn with 2 workers, the database task queue, no rate limit. The demo event first
gets ``--held`` registrations that hold a seat (5,000); then, ``--rounds`` times, wrk
POSTs the form for ``--seconds`` with the event's capacity set to ``--limit`` and again
with no capacity, on the same event and server, so that both see the same table and the
same neighbours on the machine. Each POST is a new person (first name, last name, e-mail,
organisation, consent) with the CSRF cookie and token of one GET of the form, from
another client address (X-Forwarded-For, as the TLS proxy sends it).

After a warm-up of two seconds it prints each round, the median of each mode, and the
ratio with/without, by requests/s and by the CPU time that gunicorn and the database's
backends spent per request (steadier on a shared machine). Targets: with the limit at
least 0.8 × without, p99 at most 100 ms at 16 connections. Afterwards it counts what the
database holds: every answered POST must be one registration with its mail queued, and
the event's counter of seats held must equal its registrations.
"""

from statistics import median

from harness import (
    app_cpu_seconds,
    argument_parser,
    cpu_spent,
    demo_slug,
    describe,
    django_shell,
    gunicorns,
    log,
    reset_database,
    set_capacity,
    wrk_registrations,
)

PREFILL = """
import datetime
from django.utils import timezone
from events.models import Event
from registrations import services
from registrations.models import Registration as R
event = Event.objects.get()
now = timezone.now()
R.objects.bulk_create(
    [R(event=event, first_name="Vorab", last_name=str(n), email=f"held-{{n}}@example.org",
       consent_at=now, status="pending", expires_at=now + datetime.timedelta(days=1))
     for n in range({held})],
    batch_size=1000,
)
from django.db import connection
if connection.vendor == "postgresql":
    # As autovacuum would after so many new rows: the planner's statistics.
    connection.cursor().execute("ANALYZE registrations_registration")
print(services.recount_seats(event=event)["seats_held"][1])
"""

CHECK = """
from django_tasks_db.models import DBTaskResult as T
from events.models import Event
from registrations import selectors
from registrations.models import Registration as R
print(R.objects.count(), T.objects.count(), Event.objects.get().seats_held,
      len(selectors.seat_drift()))
"""


def main():
    parser = argument_parser(__doc__, connections=16)
    parser.add_argument("--limit", type=int, default=1_000_000, help="the seat limit")
    parser.add_argument("--held", type=int, default=5000, help="seats held before measuring")
    parser.add_argument("--rounds", type=int, default=3, help="alternating measurements")
    parser.add_argument(
        "--client-limit", type=int, default=None,
        help="REGISTRATION_MAX_UNCONFIRMED_SEATS_PER_CLIENT for the server (0: off, to see "
        "the seat limit's cost alone); default: the setting's default",
    )
    options = parser.parse_args()

    reset_database(options.database_url)
    held = int(django_shell(PREFILL.format(held=options.held), options.database_url))
    log(f"prefilled: {held} seats held")
    path = f"/events/{demo_slug(options.database_url)}/register/"
    results = {"limit": [], "none": []}
    env = {}
    if options.client_limit is not None:
        env["REGISTRATION_MAX_UNCONFIRMED_SEATS_PER_CLIENT"] = options.client_limit
    with gunicorns(options.database_url, workers=options.workers, **env) as [port]:
        # Workers connect to the database and load their code on their first requests.
        warm_up = wrk_registrations(port, path, connections=options.connections, seconds=2)
        modes = [("limit", options.limit), ("none", None)]
        for number in range(1, options.rounds + 1):
            # Each mode goes first in every other round, so that neither always follows
            # the same one.
            for mode, capacity in modes if number % 2 else modes[::-1]:
                set_capacity(options.database_url, capacity)
                before = app_cpu_seconds(port, options.database_url)
                figures = wrk_registrations(
                    port, path, connections=options.connections, seconds=options.seconds
                )
                spent = cpu_spent(before, app_cpu_seconds(port, options.database_url))
                figures["app_cpu_ms"] = spent * 1000 / max(figures["requests"], 1)
                results[mode].append(figures)
                label = f"limit {options.limit:,}" if capacity else "no limit"
                log(f"round {number}, {label:>15}: {describe(figures)}")

    summary = {mode: summarise(runs) for mode, runs in results.items()}
    for mode, label in (("limit", f"with a limit of {options.limit:,}"), ("none", "no limit")):
        figures = summary[mode]
        log(
            f"median {label}: {figures['rps']:.1f} req/s, p99 {figures['p99']:.1f} ms "
            f"(at most {figures['p99_max']:.1f} ms), CPU {figures['cpu_ms']:.1f} ms/request "
            f"(machine), {figures['app_cpu_ms']:.1f} ms/request (app and database)"
        )
    ratio = summary["limit"]["rps"] / summary["none"]["rps"]
    cpu_ratio = summary["none"]["app_cpu_ms"] / summary["limit"]["app_cpu_ms"]
    log(
        f"ratio with/without limit: {ratio:.2f} by requests/s, {cpu_ratio:.2f} by the app's "
        "and database's CPU time per request"
    )

    registrations, mails, counter, drift = map(
        int, django_shell(CHECK, options.database_url).split()
    )
    runs = [warm_up, *results["limit"], *results["none"]]
    sent = sum(f["requests"] - f["non_2xx_3xx"] for f in runs)
    log(
        f"database: {registrations} registrations ({registrations - held} new), {mails} mails "
        f"queued, counter {counter}, events with a wrong counter: {drift}"
    )
    log(f"answered without error: {sent}; lost: {max(sent - (registrations - held), 0)}")


def summarise(runs):
    return {
        "rps": median(f["rps"] for f in runs),
        "p99": median(f["p99"] for f in runs),
        "p99_max": max(f["p99"] for f in runs),
        "cpu_ms": median(f.get("cpu_ms", 0) for f in runs),
        "app_cpu_ms": median(f["app_cpu_ms"] for f in runs),
    }


if __name__ == "__main__":
    main()
