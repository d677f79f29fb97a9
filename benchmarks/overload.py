"""Overload shows as latency, never as errors: 64 connections against 2 gunicorn workers.

    python benchmarks/overload.py [--database-url URL] [--seconds 10]
    python benchmarks/overload.py --database-url sqlite:////tmp/lt-bench.sqlite3

Runs the event page (without the page cache, the worst case), /healthz and registration
POSTs at 64 connections and counts 5xx answers and socket errors; both must be 0.
"""


from harness import (
    argument_parser,
    demo_slug,
    describe,
    gunicorns,
    log,
    reset_database,
    wrk,
    wrk_registrations,
)

HERE = __import__("pathlib").Path(__file__).resolve().parent


def main():
    parser = argument_parser(__doc__, connections=64)
    options = parser.parse_args()

    reset_database(options.database_url)
    slug = demo_slug(options.database_url)
    register = f"/events/{slug}/register/"
    log(f"database: {options.database_url.split(':')[0]}, {options.connections} connections")
    with gunicorns(options.database_url, workers=options.workers, PAGE_CACHE_SECONDS=0) as [port]:
        base = f"http://127.0.0.1:{port}"
        for name, path in [("/healthz", "/healthz"), ("event page", f"/events/{slug}/")]:
            figures = wrk(base + path, connections=options.connections,
                          seconds=options.seconds, script=HERE / "status.lua")
            log(f"{name:13} {describe(figures)}")
        figures = wrk_registrations(
            port, register, connections=options.connections, seconds=options.seconds
        )
        log(f"{'registrations':13} {describe(figures)}")


if __name__ == "__main__":
    main()
