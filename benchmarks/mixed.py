"""The event page while registrations land: its rate against /healthz under the same load.

    python benchmarks/mixed.py [--database-url URL] [--seconds 10] [--workers 2]
                               [--registering 4] [--reading 12] [--rounds 2]

gunicorn with 2 workers, the production defaults but for the database task queue and
no rate limit. In each round, ``--registering`` connections POST the registration form
continuously (each POST a new person) while ``--reading`` connections GET the event
page; then the same with ``/healthz`` read instead, under the same background load. It
prints each phase (requests/s, p50/p90/p99, the machine's CPU ms per request of both
wrk runs together), and the ratio event page / healthz (target >= 0.8). The event's
capacity is large (1,000,000), so the page shows its seats left all the time.
"""

from concurrent.futures import ThreadPoolExecutor
from statistics import median

from harness import (
    argument_parser,
    busy_cpu_seconds,
    demo_slug,
    describe,
    gunicorns,
    log,
    reset_database,
    set_capacity,
    wrk,
    wrk_registrations,
)

HERE = __import__("pathlib").Path(__file__).resolve().parent


def phase(port, slug, path, options):
    """Readers of ``path`` and registrations at the same time; both wrk results."""
    register = f"/events/{slug}/register/"
    before = busy_cpu_seconds()
    with ThreadPoolExecutor(max_workers=2) as pool:
        writes = pool.submit(
            wrk_registrations, port, register, connections=options.registering,
            seconds=options.seconds,
        )
        reads = pool.submit(
            wrk, f"http://127.0.0.1:{port}{path}", connections=options.reading,
            seconds=options.seconds, script=HERE / "status.lua",
        )
        reads, writes = reads.result(), writes.result()
    requests = reads["requests"] + writes["requests"]
    cpu_ms = (busy_cpu_seconds() - before) * 1000 / max(requests, 1)
    for figures in (reads, writes):
        figures.pop("cpu_ms", None)  # each wrk saw the other's requests too
    return reads, writes, cpu_ms


def main():
    parser = argument_parser(__doc__, connections=16)
    parser.add_argument("--registering", type=int, default=4)
    parser.add_argument("--reading", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-page-cache", action="store_true", help="PAGE_CACHE_SECONDS=0")
    options = parser.parse_args()
    env = {"PAGE_CACHE_SECONDS": 0} if options.no_page_cache else {}

    reset_database(options.database_url)
    set_capacity(options.database_url, 1_000_000)
    slug = demo_slug(options.database_url)
    ratios = []
    with gunicorns(options.database_url, workers=options.workers, **env) as [port]:
        wrk(f"http://127.0.0.1:{port}/events/{slug}/", connections=4, seconds=2)  # warm up
        for number in range(1, options.rounds + 1):
            results = {}
            for name, path in [("event page", f"/events/{slug}/"), ("/healthz", "/healthz")]:
                reads, writes, cpu_ms = phase(port, slug, path, options)
                results[name] = reads
                log(f"round {number} {name:10} {describe(reads)}")
                log(f"round {number} {'  POSTs':10} {describe(writes)}")
                log(f"round {number} {'':10} CPU {cpu_ms:.1f} ms per request (machine, both)")
            ratios.append(results["event page"]["rps"] / results["/healthz"]["rps"])
            log(f"round {number}: event page / healthz = {ratios[-1]:.2f}")
    log(f"median of {len(ratios)} rounds: event page / healthz = {median(ratios):.2f}"
        " (target >= 0.8)")


if __name__ == "__main__":
    main()
