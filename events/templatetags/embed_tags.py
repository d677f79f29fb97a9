"""The embed code for the admin: apart from ``events_tags``, which the domain (share
images, mails) uses, for the embed is a page that shows the registration state."""

from django import template

from events.embed import snippet

register = template.Library()


@register.simple_tag
def embed_snippet(event=None):
    """The HTML that shows ``event`` (or all upcoming events) on another website."""
    return snippet(event)
