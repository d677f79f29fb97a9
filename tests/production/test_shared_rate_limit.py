"""The registration rate limit is one limit for all gunicorn workers (the database cache)."""

from concurrent.futures import ThreadPoolExecutor

from tests.factories import EventFactory

from .conftest import Browser, free_port, registration_fields


def test_sixty_posts_to_three_workers_meet_one_limit(processes):
    event = EventFactory(is_published=True, capacity=None)
    path = f"/events/{event.slug}/register/"
    port = free_port()
    # The default cache (DJANGO_CACHE_URL unset), a limit of 20 to see it in 60 POSTs.
    processes.gunicorn(port, workers=3, REGISTRATION_RATE_LIMIT=20)

    def register(number):
        return Browser(port).post_form(path, registration_fields(number))[0]

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(register, range(60)))

    assert sorted(statuses) == [302] * 20 + [429] * 40
