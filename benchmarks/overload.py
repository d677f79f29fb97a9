"""Overload shows as latency, never as errors: 64 connections against 2 gunicorn workers.

    python benchmarks/overload.py [--database-url URL] [--seconds 10]
    python benchmarks/overload.py --database-url sqlite:////tmp/lt-bench.sqlite3

Runs the event page (without the page cache, the worst case), /healthz and registration
POSTs at 64 connections and counts 5xx answers and socket errors; both must be 0.
"""

import argparse
import os
import secrets

from harness import (
    DEFAULT_PG_URL,
    csrf_pair,
    demo_slug,
    describe,
    gunicorns,
    log,
    reset_database,
    wrk,
)

HERE = __import__("pathlib").Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_PG_URL)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    options = parser.parse_args()

    reset_database(options.database_url)
    slug = demo_slug(options.database_url)
    register = f"/events/{slug}/register/"
    log(f"database: {options.database_url.split(':')[0]}, {options.connections} connections")
    with gunicorns(options.database_url, workers=2, PAGE_CACHE_SECONDS=0) as [port]:
        base = f"http://127.0.0.1:{port}"
        for name, path in [("/healthz", "/healthz"), ("event page", f"/events/{slug}/")]:
            figures = wrk(base + path, connections=options.connections,
                          seconds=options.seconds, script=HERE / "status.lua")
            log(f"{name:13} {describe(figures)}")
        cookie, token = csrf_pair(port, register)
        os.environ.update(
            BENCH_COOKIE=cookie, BENCH_TOKEN=token, BENCH_PATH=register,
            BENCH_ORIGIN=f"https://127.0.0.1:{port}", BENCH_RUN=secrets.token_hex(4),
        )
        figures = wrk(base + register, connections=options.connections,
                      seconds=options.seconds, script=HERE / "register.lua")
        log(f"{'registrations':13} {describe(figures)}")


if __name__ == "__main__":
    main()
