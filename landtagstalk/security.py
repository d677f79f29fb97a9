"""The client's address as seen through the operator's own proxies."""

import ipaddress

from django.conf import settings


def parse_address(value):
    """``value`` as a normalised IP address, or None when it is none.

    Some balancers append ``ip:port`` (``[v6]:port`` for IPv6): the port is dropped, for
    the address is what names the client. Anything else (a name, "unknown", garbage)
    is no address, and no address is believed.
    """
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request):
    """The address of the client, not of the proxy in front of the app.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is
    the entry that many places from the right; anything further left came from the
    client and can be forged. Without trusted proxies only REMOTE_ADDR counts. When the
    trusted entry is no IP address, the proxy's own address (REMOTE_ADDR) stands in: one
    bucket for all such requests, never a value the client chose.

    This holds only while the app is reachable by the proxies alone (gunicorn binds to
    loopback by default; see README, "Security and abuse").
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if count and len(forwarded) >= count:
        address = parse_address(forwarded[-count])
        if address:
            return address
    return parse_address(request.META.get("REMOTE_ADDR", "")) or None


def allow_framing(response):
    """The frame rules of the settings of now (``DJANGO_EMBED_ORIGINS``) for an embed page;
    the page cache asks again for each answer, so a kept page never carries old ones."""
    origins = settings.EMBED_ORIGINS
    response._csp_replace = {"frame-ancestors": origins or ["'none'"]}
    # Browsers that know frame-ancestors ignore X-Frame-Options, older ones would refuse
    # every frame: the CSP alone decides where origins are allowed.
    response.xframe_options_exempt = bool(origins)
    return response
