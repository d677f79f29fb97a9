"""A burst of 500 simultaneous registrations for 100 seats across two gunicorn instances.

    python benchmarks/burst.py [--database-url URL] [--people 500] [--seats 100]

All POSTs are sent at once, half to each instance (2 workers each), all against one
PostgreSQL. Expected: exactly 100 seats held, 400 on the waiting list, no errors, no
registration lost. Prints the time from the first request to the last answer.
"""

import asyncio
import time
from collections import Counter
from urllib.parse import urlencode

from harness import (
    argument_parser,
    csrf_pair,
    demo_slug,
    django_shell,
    gunicorns,
    log,
    reset_database,
    set_capacity,
)


async def post(port, path, cookie, token, number):
    body = urlencode({
        "csrfmiddlewaretoken": token, "first_name": "Erika", "last_name": f"Burst {number}",
        "email": f"burst{number}@example.org", "organisation": "", "question": "",
        "consent": "on",
    }).encode()
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Forwarded-Proto: https\r\n"
        # Another client each, as the proxy reports it (a header value only).
        f"X-Forwarded-For: 2001:db8:0:{number:x}::1\r\n"
        f"Origin: https://127.0.0.1:{port}\r\nReferer: https://127.0.0.1:{port}{path}\r\n"
        f"Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
        writer.write(request)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 60)
        await reader.read()
        writer.close()
        return int(status_line.split()[1])
    except (OSError, TimeoutError, IndexError, ValueError) as error:
        return type(error).__name__


async def burst(ports, path, pairs, people):
    return await asyncio.gather(*(
        post(ports[number % len(ports)], path, *pairs[number % len(ports)], number)
        for number in range(people)
    ))


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--instances", type=int, default=2)
    options = parser.parse_args()

    reset_database(options.database_url)
    set_capacity(options.database_url, options.seats)
    path = f"/events/{demo_slug(options.database_url)}/register/"
    with gunicorns(options.database_url, instances=options.instances, workers=2) as ports:
        pairs = [csrf_pair(port, path) for port in ports]
        started = time.monotonic()
        statuses = asyncio.run(burst(ports, path, pairs, options.people))
        elapsed = time.monotonic() - started

    counts = Counter(statuses)
    log(f"{options.people} registrations at once on {len(ports)} instances: {elapsed:.2f} s")
    log(f"answers: {dict(sorted(counts.items(), key=str))}")
    held, waiting, total = map(int, django_shell(
        "from registrations.models import Registration as R;"
        "print(R.objects.holding_seats().count(), R.objects.filter(status='waitlisted').count(),"
        " R.objects.count())",
        options.database_url,
    ).split())
    errors = sum(n for status, n in counts.items() if not isinstance(status, int) or status >= 400)
    log(f"seats held {held} of {options.seats}, waitlisted {waiting}, stored {total}, "
        f"errors {errors}, lost {options.people - total}")
    ok = held == options.seats and waiting == options.people - options.seats and errors == 0
    log("OK" if ok else "NOT OK")


if __name__ == "__main__":
    main()
