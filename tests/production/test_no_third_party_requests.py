"""No page makes the browser ask another host for anything (DSGVO: no third parties).

The pages are found in the URL configuration, not listed by hand: every public URL
name that can be reversed with no arguments, an event's slug or a registration's token
is fetched, so pages added later are checked too.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from events.models import Event
from registrations import services

pytestmark = pytest.mark.django_db

PRIVATE_NAMESPACES = {"admin"}
# Tags whose URLs the browser loads (or sends the form to) by itself.
LOADED = {
    "script": ["src"],
    "link": ["href"],
    "img": ["src", "srcset"],
    "iframe": ["src"],
    "frame": ["src"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "form": ["action"],
    "input": ["formaction", "src"],
    "button": ["formaction"],
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")


class LoadedURLs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in LOADED.get(tag, ()) and value:
                candidates = value.split(",") if name == "srcset" else [value]
                self.urls += [candidate.strip().split(" ")[0] for candidate in candidates]
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh":
            self.urls.append(dict(attrs).get("content", "").partition("url=")[2])


def own_hosts():
    return {"testserver", urlsplit(settings.SITE_URL).netloc}


def is_own(url):
    parts = urlsplit(url.strip())
    if parts.scheme == "data":
        return True
    return parts.scheme in {"", "http", "https"} and parts.netloc in {""} | own_hosts()


def url_names(resolver, prefix=""):
    """Every URL name of the project with its namespace, outside the admin."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in PRIVATE_NAMESPACES:
                continue
            inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from url_names(pattern, inner)
        elif pattern.name:
            yield prefix + pattern.name


def public_urls(event, registration):
    arguments = [{}, {"slug": event.slug}, {"token": registration.token}]
    arguments.append({"slug": event.slug, "token": registration.token})
    urls = set()
    for name in url_names(get_resolver()):
        for kwargs in arguments:
            try:
                urls.add(reverse(name, kwargs=kwargs))
                break
            except NoReverseMatch:
                continue
    return urls


@pytest.fixture
def demo_event():
    call_command("loaddemo", "--force", "--date", "2099-04-27", verbosity=0)
    return Event.objects.get()


@pytest.fixture
def registration(demo_event):
    registration, _ = services.register(
        event=demo_event, first_name="Erika", last_name="Mustermann", email="erika@example.org"
    )
    return registration


def test_public_urls_found_include_the_contract_pages(demo_event, registration):
    urls = public_urls(demo_event, registration)

    for url in ("/", f"/events/{demo_event.slug}/", "/healthz", f"/r/{registration.token}/"):
        assert url in urls


def test_no_public_page_loads_anything_from_another_host(client, demo_event, registration):
    pages = {}
    for url in sorted(public_urls(demo_event, registration)):
        response = client.get(url)
        if response.status_code in {301, 302, 303, 307, 308}:
            assert is_own(response["Location"]), (url, response["Location"])
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages[url] = response.text

    assert f"/events/{demo_event.slug}/" in pages and "/" in pages
    foreign = []
    stylesheets = set()
    for url, html in pages.items():
        parser = LoadedURLs()
        parser.feed(html)
        assert parser.urls, f"{url} loads nothing at all, not even the stylesheet"
        foreign += [(url, loaded) for loaded in parser.urls if not is_own(loaded)]
        stylesheets |= {
            urljoin(url, loaded) for loaded in parser.urls if loaded.split("?")[0].endswith(".css")
        }
    assert foreign == []

    assert stylesheets
    for stylesheet in stylesheets:
        css = b"".join(client.get(stylesheet).streaming_content).decode()
        loaded = [first or second for first, second in CSS_URL.findall(css)]
        assert [url for url in loaded if not is_own(url)] == [], stylesheet


def test_checker_notices_a_page_that_loads_from_a_cdn():
    parser = LoadedURLs()
    parser.feed(
        '<link rel="stylesheet" href="https://cdn.example.com/b.css">'
        '<script src="/static/site.js"></script>'
        '<img srcset="/a.png 1x, //fonts.example.net/b.png 2x">'
        '<form action="https://forms.example.com/post"></form>'
    )

    assert [url for url in parser.urls if not is_own(url)] == [
        "https://cdn.example.com/b.css",
        "//fonts.example.net/b.png",
        "https://forms.example.com/post",
    ]
