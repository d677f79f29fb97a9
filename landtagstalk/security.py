"""The client's address as seen through the operator's own proxies."""

from django.conf import settings


def client_ip(request):
    """The address of the client, not of the proxy in front of the app.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is
    the entry that many places from the right; anything further left came from the
    client and can be forged. Without trusted proxies only REMOTE_ADDR counts.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
