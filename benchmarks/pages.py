"""Throughput of the event page against /healthz, gunicorn with 2 workers.

    python benchmarks/pages.py [--database-url URL] [--seconds 10] [--connections 16]
                               [--no-page-cache] [--rounds 1]

/healthz (one trivial query, no template) is the floor; the ratio event page / healthz
shows what the page costs. Targets (issue 16): at least 1.0 from the page cache, at least
0.25 with --no-page-cache, which shows the pages as rendered on every request.

With ``--rounds`` the three pages take turns that many times and the ratios are the
medians of the rounds': on a machine shared with other work, a page measured alone
meets another load than the floor did. Each line also prints the CPU time the app's
processes (gunicorn and, with PostgreSQL, the database's backends) spent per request,
which other work on the machine changes least.
"""

from statistics import median

from harness import (
    app_cpu_seconds,
    argument_parser,
    cpu_spent,
    demo_slug,
    describe,
    gunicorns,
    log,
    reset_database,
    wrk,
)

HERE = __import__("pathlib").Path(__file__).resolve().parent
CACHED_TARGET, RENDERED_TARGET = 1.0, 0.25


def main():
    parser = argument_parser(__doc__, connections=16)
    parser.add_argument("--no-page-cache", action="store_true", help="PAGE_CACHE_SECONDS=0")
    parser.add_argument("--rounds", type=int, default=1, help="alternating measurements")
    options = parser.parse_args()
    env = {"PAGE_CACHE_SECONDS": 0} if options.no_page_cache else {}

    reset_database(options.database_url)
    slug = demo_slug(options.database_url)
    pages = [("/healthz", "/healthz"), ("event page", f"/events/{slug}/"), ("start page", "/")]
    results = {name: [] for name, _ in pages}
    with gunicorns(options.database_url, workers=options.workers, **env) as [port]:
        for _, path in pages:
            wrk(f"http://127.0.0.1:{port}{path}", connections=options.connections, seconds=2)
        for number in range(1, options.rounds + 1):
            for name, path in pages:
                before = app_cpu_seconds(port, options.database_url)
                figures = wrk(
                    f"http://127.0.0.1:{port}{path}", connections=options.connections,
                    seconds=options.seconds, script=HERE / "status.lua",
                )
                spent = cpu_spent(before, app_cpu_seconds(port, options.database_url))
                figures["app_cpu_ms"] = spent * 1000 / max(figures["requests"], 1)
                results[name].append(figures)
                prefix = f"round {number} " if options.rounds > 1 else ""
                log(f"{prefix}{name:12} {describe(figures)}")
    target = RENDERED_TARGET if options.no_page_cache else CACHED_TARGET
    floor = results["/healthz"]
    for name in ("event page", "start page"):
        ratios = [run["rps"] / base["rps"] for run, base in zip(results[name], floor, strict=True)]
        by_cpu = median(base["app_cpu_ms"] for base in floor) / median(
            run["app_cpu_ms"] for run in results[name]
        )
        log(
            f"{name} / healthz = {median(ratios):.2f} (target >= {target}); "
            f"by the app's CPU time per request {by_cpu:.2f}"
        )


if __name__ == "__main__":
    main()
