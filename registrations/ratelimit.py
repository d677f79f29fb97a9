"""A per-client-IP limit on form submissions, counted in Django's cache.

django-ratelimit refuses the caches this project runs with (local memory, database),
so this is the small fixed-window counter it would be. The client address is the one
the admin login lockout uses: REMOTE_ADDR, or behind the operator's own proxies
(``DJANGO_TRUSTED_PROXY_COUNT``) the entry they appended to X-Forwarded-For, counted by its
group as the seat limit counts it (``client_group``: an IPv6 client by its /64 network).

The counters live in the "ratelimit" cache: the database cache's own table (or Redis),
shared by all workers and app servers, so the limit is the same whatever their number,
and filled by nothing else, so no flood of pages evicts a count.
"""

import contextlib

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import connections, router, transaction

from landtagstalk.security import client_group, client_ip


def is_limited(request, *, scope, limit, window):
    """Count this request; True when the client made more than ``limit`` in ``window`` s."""
    if not settings.RATELIMIT_ENABLE:
        return False
    cache = caches["ratelimit"]
    key = f"ratelimit:{scope}:{client_group(client_ip(request)) or ''}"
    # add() starts a window only if none runs.
    cache.add(key, 0, timeout=window)
    with _one_at_a_time(cache, key):
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window)
            count = 1
    return count > limit


def _one_at_a_time(cache, key):
    """Make incr() atomic: memcached, Redis and local memory do it themselves; the
    database cache reads and writes, so its row is locked for the two (SQLite locks
    the whole database for a write transaction anyway)."""
    if not isinstance(cache, BaseDatabaseCache):
        return contextlib.nullcontext()
    return _row_locked(cache, key)


@contextlib.contextmanager
def _row_locked(cache, key):
    database = router.db_for_write(cache.cache_model_class)
    connection = connections[database]
    with transaction.atomic(using=database):
        if connection.features.has_select_for_update:
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(cache._table)
                cursor.execute(
                    f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",
                    [cache.make_and_validate_key(key)],
                )
        yield
