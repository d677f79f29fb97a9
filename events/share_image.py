"""The 1200 × 630 picture that social networks show when someone shares an event.

Drawn with Pillow from the fonts we ship (static/fonts, DejaVu) and the speakers'
photos; kept in the cache under a fingerprint of everything drawn, so a change of the
event or its people makes a new picture and an unchanged one is drawn once.
"""

import hashlib
import io
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps

from .templatetags.events_tags import time_span

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
FONTS = settings.BASE_DIR / "static" / "fonts"
# Raised when the drawing changes, so cached pictures are drawn again.
DRAWING_VERSION = 1
CACHE_SECONDS = 30 * 24 * 3600
MAX_PEOPLE = 6
PHOTO = 116
# Background and text colour of a series; the first is the house colour (site.css).
PALETTE = [
    ("#a8321e", "#ffffff"),
    ("#1f3a5f", "#ffffff"),
    ("#0b5d44", "#ffffff"),
    ("#4b2a6e", "#ffffff"),
    ("#6b3f00", "#ffffff"),
]


@dataclass(frozen=True)
class Person:
    name: str
    photo: str = ""  # the file's name in the default storage


@dataclass(frozen=True)
class Card:
    eyebrow: str
    title: str
    when: str
    people: tuple[Person, ...] = ()
    series: str = ""  # picks the colours

    @property
    def fingerprint(self):
        raw = repr((DRAWING_VERSION, self))
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def series_colours(series):
    if not series or series.casefold() == "landtagstalk":
        return PALETTE[0]
    return PALETTE[zlib.crc32(series.casefold().encode()) % len(PALETTE)]


def card_for_event(event):
    """What the picture of ``event`` shows; ``event`` comes with its agenda (``with_agenda``)."""
    when = time_span(event)
    if event.is_cancelled:
        when = _("Cancelled: %(when)s") % {"when": when}
    people = tuple(
        Person(person.display_name, person.photo.name or "") for person in event.people()
    )
    return Card(event.series or "LandtagsTalk", event.title, when, people, event.series)


def card_for_site():
    return Card(
        "LandtagsTalk",
        _("Public events and discussions"),
        _("Public events of the SPD parliamentary group in the Landtag of North Rhine-Westphalia"),
    )


def png_for(card):
    """The PNG of ``card``, from the cache or drawn now."""
    key = f"share-image:{card.fingerprint}"
    return caches["pages"].get_or_set(key, lambda: draw(card), CACHE_SECONDS)


def font(size, *, bold=False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def draw(card):
    background, ink = series_colours(card.series)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    pen = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN

    pen.text((MARGIN, 52), card.eyebrow.upper(), font=font(28, bold=True), fill=ink)
    pen.rectangle((MARGIN, 98, MARGIN + 96, 104), fill=ink)
    bottom = HEIGHT - 40 - (PHOTO + 48 if card.people else 0)
    title_font, lines = fit_title(card.title, width, max_height=bottom - 150 - 60)
    y = 132
    for line in lines:
        pen.text((MARGIN, y), line, font=title_font, fill=ink)
        y += round(title_font.size * 1.18)
    when_font = font(30)
    for line in wrap(card.when, when_font, width)[:2]:
        pen.text((MARGIN, y + 14), line, font=when_font, fill=ink)
        y += 40
    if card.people:
        draw_people(image, pen, card.people, top=HEIGHT - 40 - PHOTO - 44, ink=ink)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def fit_title(title, width, *, max_height):
    """The largest size at which the title fits in three lines; cut short if none does."""
    for size in (64, 58, 52, 46, 40):
        title_font = font(size, bold=True)
        lines = wrap(title, title_font, width)
        if len(lines) <= 3 and len(lines) * size * 1.18 <= max_height:
            return title_font, lines
    lines = wrap(title, title_font, width)
    fitting = max(1, min(3, int(max_height // (title_font.size * 1.18))))
    if len(lines) > fitting:
        rest = " ".join(lines[fitting - 1 :])
        lines = lines[: fitting - 1] + [ellipsize(rest, title_font, width)]
    return title_font, lines


def wrap(text, text_font, width):
    lines, line = [], ""
    for word in " ".join(text.split()).split(" "):
        candidate = f"{line} {word}".strip()
        if line and text_font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return [ellipsize(line, text_font, width) for line in lines]


def ellipsize(text, text_font, width):
    if text_font.getlength(text) <= width:
        return text
    while text and text_font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def draw_people(image, pen, people, *, top, ink):
    shown = people[:MAX_PEOPLE]
    column = (WIDTH - 2 * MARGIN) // MAX_PEOPLE
    name_font = font(18)
    for index, person in enumerate(shown):
        x = MARGIN + index * column
        image.paste(portrait(person), (x + (column - PHOTO) // 2, top), circle_mask(PHOTO))
        label = ellipsize(person.name, name_font, column - 8)
        offset = (column - name_font.getlength(label)) / 2
        pen.text((x + offset, top + PHOTO + 12), label, font=name_font, fill=ink)
    if len(people) > MAX_PEOPLE:
        more = f"+{len(people) - MAX_PEOPLE}"
        pen.text((WIDTH - MARGIN, top - 36), more, font=font(26, bold=True), fill=ink, anchor="ra")


def portrait(person):
    """The person's photo as a square, or their initials when there is none (or it is broken)."""
    if person.photo:
        try:
            with default_storage.open(person.photo, "rb") as file, Image.open(file) as photo:
                photo = ImageOps.exif_transpose(photo).convert("RGB")
                return ImageOps.fit(photo, (PHOTO, PHOTO), Image.Resampling.LANCZOS)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            pass
    tile = Image.new("RGB", (PHOTO, PHOTO), "#faf6f2")
    letters = "".join(part[0] for part in person.name.split()[:2] if part[:1].isalpha()).upper()
    ImageDraw.Draw(tile).text(
        (PHOTO / 2, PHOTO / 2), letters, font=font(40, bold=True), fill="#1f2328", anchor="mm"
    )
    return tile


def circle_mask(size):
    """An antialiased round mask: drawn four times as large, then scaled down."""
    big = Image.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(big).ellipse((0, 0, size * 4 - 1, size * 4 - 1), fill=255)
    return big.resize((size, size), Image.Resampling.LANCZOS)
