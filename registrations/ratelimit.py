"""A per-client-IP limit on form submissions, counted in Django's cache.

django-ratelimit refuses the caches this project runs with by default (local memory,
database), so this is the small fixed-window counter it would be. The client address
is the one the admin login lockout uses: REMOTE_ADDR, or behind the operator's own
proxies (``DJANGO_TRUSTED_PROXY_COUNT``) the entry they appended to X-Forwarded-For.
"""

from django.conf import settings
from django.core.cache import cache

from landtagstalk.security import client_ip


def is_limited(request, *, scope, limit, window):
    """Count this request; True when the client made more than ``limit`` in ``window`` s."""
    if not settings.RATELIMIT_ENABLE:
        return False
    key = f"ratelimit:{scope}:{client_ip(request) or ''}"
    # add() starts a window only if none runs; incr() is atomic in memcached, Redis and
    # local memory, and close enough in the database cache.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
