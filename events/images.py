"""Speaker photos: only real JPEG, PNG or WebP images of bounded size, and the small
square renditions that public pages show instead of the upload."""

import io
import warnings
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

# Pillow's format name, and the file name endings that go with it.
FORMATS = {"JPEG": {".jpg", ".jpeg"}, "PNG": {".png"}, "WEBP": {".webp"}}
MAX_BYTES = 5 * 1024 * 1024
# 25 megapixels: any camera photo; a bomb of 144 megapixels in 140 KB is not one.
MAX_PIXELS = 25_000_000
# Square renditions in pixels: the avatar on the event page is 64 px, 256 is sharp
# on any screen; 512 for larger uses (share images, print).
SIZES = (256, 512)
# The upload itself is stored re-encoded (no appended bytes, no metadata), at most this big.
MAX_STORED_SIDE = 2048


def _open(file):
    """The image in ``file``, checked; raises ValidationError with a message for staff."""
    if file.size > MAX_BYTES:
        raise ValidationError(_("The photo is larger than 5 MB."), code="too_large")
    file.seek(0)
    too_many_pixels = ValidationError(
        _("The photo has more than 25 megapixels. Please upload a smaller one."),
        code="too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)
            image_format = image.format
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise too_many_pixels
            if image_format not in FORMATS:
                raise ValidationError(
                    _("Please upload a photo as JPEG, PNG or WebP."), code="format"
                )
            image.verify()  # the whole file, not only its header
        file.seek(0)
        image = Image.open(file)
        image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_many_pixels from None
    except Exception:  # Pillow raises many kinds of errors for a broken file
        raise ValidationError(
            _("This file is not a photo that can be read. Please upload a JPEG, PNG or WebP."),
            code="invalid",
        ) from None
    finally:
        file.seek(0)
    suffix = PurePath(file.name or "").suffix.lower()
    if suffix not in FORMATS[image_format]:
        raise ValidationError(
            _("The file name ends in “%(suffix)s”, but the file is a %(format)s image."),
            code="suffix",
            params={"suffix": suffix or "–", "format": image_format},
        )
    return image


class PhotoFormField(forms.ImageField):
    """Checks the upload before Django's ImageField, whose one message for every
    problem ("upload a valid image") would not say what is wrong."""

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)
        if file is not None:
            _open(file)
        return super().to_python(data)


class PhotoField(models.ImageField):
    """An ImageField for JPEG, PNG and WebP photos of bounded size (see ``_open``)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})


def prepare_photo(file):
    """The checked upload re-encoded, and its renditions: (stored file, {size: file})."""
    opened = _open(file)
    image_format = opened.format
    image = ImageOps.exif_transpose(opened)
    stem = PurePath(file.name).stem[:80] or "photo"
    stored = image.copy()
    stored.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))
    original = ContentFile(
        _encode(stored, image_format), name=f"{stem}{min(FORMATS[image_format], key=len)}"
    )
    renditions = {
        size: ContentFile(
            _encode(ImageOps.fit(image, (size, size)), "WEBP"), name=f"{stem}-{size}.webp"
        )
        for size in SIZES
    }
    return original, renditions


def _encode(image, image_format):
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, quality=85)
    return buffer.getvalue()
