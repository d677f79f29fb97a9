"""Registration POSTs per second: gunicorn with 2 workers, database task queue, no rate limit.

    python benchmarks/register.py [--database-url URL] [--connections 16] [--seconds 10]
                                  [--capacity N] [--runs 5]

Each POST is a new person (first name, last name, e-mail, organisation, consent) sent
with the CSRF cookie and token of one GET of the form, as a browser sends it. Targets:
at least 300 registrations/s with p99 at most 100 ms at 16 connections. Afterwards it
counts what the database holds: every answered POST must be one registration with its
mail queued.
"""

from statistics import median

from harness import (
    argument_parser,
    demo_slug,
    describe,
    django_shell,
    gunicorns,
    log,
    reset_database,
    set_capacity,
    wrk_registrations,
)


def main():
    parser = argument_parser(__doc__, connections=16)
    parser.add_argument("--capacity", type=int, default=None, help="default: unlimited")
    parser.add_argument(
        "--runs", type=int, default=1, help="repeat on a fresh database; print the median"
    )
    options = parser.parse_args()

    results = [run(options) for _ in range(options.runs)]
    if options.runs > 1:
        log(
            f"median of {options.runs} runs: {median(r['rps'] for r in results):.1f} req/s, "
            f"p99 {median(r['p99'] for r in results):.1f} ms "
            f"(p99 at most {max(r['p99'] for r in results):.1f} ms)"
        )


def run(options):
    reset_database(options.database_url)
    set_capacity(options.database_url, options.capacity)
    slug = demo_slug(options.database_url)
    path = f"/events/{slug}/register/"
    with gunicorns(options.database_url, workers=options.workers) as [port]:
        figures = wrk_registrations(
            port, path, connections=options.connections, seconds=options.seconds
        )
    log(f"registrations at {options.connections} connections: {describe(figures)}")
    held = django_shell(
        "from registrations.models import Registration as R;"
        "from django_tasks_db.models import DBTaskResult as T;"
        "print(R.objects.count(), T.objects.count())",
        options.database_url,
    )
    registrations, mails = map(int, held.split())
    log(f"database: {registrations} registrations, {mails} mails queued")
    good = figures["requests"] - figures["non_2xx_3xx"]
    log(f"answered without error: {good}; lost: {max(good - registrations, 0)}")
    return figures


if __name__ == "__main__":
    main()
