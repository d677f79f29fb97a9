"""Template helpers of the public pages: dates as people write them, initials, page texts."""

import re

from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import escape, format_html, urlize
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from events import search

register = template.Library()


@register.filter
def long_date(value):
    """“Dienstag, 27. April 2021” in German, “Tuesday, 27 April 2021” in English."""
    # Translators: a PHP-style date format, see Django's "date" template filter.
    return format_date(localtime(value), _("l, j F Y"))


@register.filter
def time_span(event):
    """“Dienstag, 27. April 2021, 18:00–20:00 Uhr”: when an event or a slot takes place."""
    starts, ends = localtime(event.starts_at), event.ends_at and localtime(event.ends_at)
    if ends is None:
        return _("%(date)s, %(time)s") % {"date": long_date(starts), "time": f"{starts:%H:%M}"}
    if ends.date() == starts.date():
        return _("%(date)s, %(start)s–%(end)s") % {
            "date": long_date(starts),
            "start": f"{starts:%H:%M}",
            "end": f"{ends:%H:%M}",
        }
    return _("%(start_date)s, %(start)s – %(end_date)s, %(end)s") % {
        "start_date": long_date(starts),
        "start": f"{starts:%H:%M}",
        "end_date": long_date(ends),
        "end": f"{ends:%H:%M}",
    }


@register.filter
def series_names(events):
    """The series of ``events``, each once, in order: for the subscription form's choice."""
    return sorted({event.series for event in events if event.series})


@register.filter
def initials(name):
    letters = [part[0] for part in name.split() if part[:1].isalpha()]
    return "".join(letters[:1] + letters[-1:] if len(letters) > 1 else letters).upper()


@register.filter
def page_markup(text):
    """Render staff-written page text: paragraphs, “## ” headings, “- ” lists, links.

    Everything is escaped, so the text can hold no markup of its own.
    """
    blocks = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            blocks.append(format_html("<h2>{}</h2>", lines.pop(0)[3:]))
        if lines and all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{urlize(line[2:], autoescape=True)}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif lines:
            blocks.append(
                "<p>" + "<br>".join(urlize(line, autoescape=True) for line in lines) + "</p>"
            )
    return mark_safe("\n".join(blocks))


@register.filter
def soft_breaks(text):
    """Let “Digital.Bürgernah.Effizient.” break after its dots on a narrow phone."""
    return mark_safe(re.sub(r"\.(?=\w)", ".<wbr>", str(escape(text))))


@register.filter
def highlight(text, query):
    """The text escaped, with the searched words in ``<mark>``."""
    return search.highlight(text, query)

