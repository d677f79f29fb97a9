"""Throughput of the event page against /healthz, gunicorn with 2 workers.

    python benchmarks/pages.py [--database-url URL] [--seconds 10] [--connections 16]

/healthz (one trivial query, no template) is the floor; the ratio event page / healthz
shows what the page costs. Targets (issue 16): at least 1.0 from the page cache, at least
0.25 with --no-page-cache, which shows the pages as rendered on every request.
"""


from harness import argument_parser, demo_slug, describe, gunicorns, log, reset_database, wrk

HERE = __import__("pathlib").Path(__file__).resolve().parent
CACHED_TARGET, RENDERED_TARGET = 1.0, 0.25


def main():
    parser = argument_parser(__doc__, connections=16)
    parser.add_argument("--no-page-cache", action="store_true", help="PAGE_CACHE_SECONDS=0")
    options = parser.parse_args()
    env = {"PAGE_CACHE_SECONDS": 0} if options.no_page_cache else {}

    reset_database(options.database_url)
    slug = demo_slug(options.database_url)
    with gunicorns(options.database_url, workers=options.workers, **env) as [port]:
        results = {}
        for name, path in [("/healthz", "/healthz"), ("event page", f"/events/{slug}/"),
                           ("start page", "/")]:
            url = f"http://127.0.0.1:{port}{path}"
            wrk(url, connections=options.connections, seconds=2)  # warm up
            results[name] = wrk(
                url, connections=options.connections, seconds=options.seconds,
                script=HERE / "status.lua",
            )
            log(f"{name:12} {describe(results[name])}")
    target = RENDERED_TARGET if options.no_page_cache else CACHED_TARGET
    for name in ("event page", "start page"):
        ratio = results[name]["rps"] / results["/healthz"]["rps"]
        log(f"{name} / healthz = {ratio:.2f} (target >= {target})")


if __name__ == "__main__":
    main()
