"""Uploaded files in the database: every app server reads them, a backup holds them.

Each stored name carries a part of the content's SHA-256 (``ada-256.3f2a9c1be0.webp``),
so a changed file gets a new URL and browsers may keep a file for a year
(``landtagstalk.views.media``).
"""

import hashlib
import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible
from django.utils.encoding import filepath_to_uri

HASH_LENGTH = 12


def hashed_name(name, digest):
    """``name`` with the start of ``digest`` before its suffix (once: a stored file saved
    again keeps its name)."""
    path = PurePosixPath(name)
    tag = f".{digest[:HASH_LENGTH]}"
    if path.stem.endswith(tag):
        return name
    return str(path.with_name(f"{path.stem}{tag}{path.suffix}"))


@deconstructible
class DatabaseStorage(Storage):
    """A Django storage backed by ``landtagstalk.StoredFile``."""

    def _open(self, name, mode="rb"):
        from .models import StoredFile

        stored = StoredFile.objects.filter(name=name).only("content").first()
        if stored is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(stored.content), name=name)

    def _save(self, name, content):
        from .models import StoredFile

        content.seek(0)
        data = content.read()
        digest = hashlib.sha256(data).hexdigest()
        name = hashed_name(name, digest)
        StoredFile.objects.get_or_create(
            name=name,
            defaults={
                "content": data,
                "size": len(data),
                "sha256": digest,
                "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
            },
        )
        return name

    def get_available_name(self, name, max_length=None):
        """``name`` with room for the hash: the hash makes it unique (see ``_save``)."""
        room = (max_length or 255) - HASH_LENGTH - 1
        path = PurePosixPath(name)
        overflow = len(name) - room
        if overflow > 0:
            path = path.with_name(f"{path.stem[:max(len(path.stem) - overflow, 1)]}{path.suffix}")
        return str(path)

    def delete(self, name):
        from .models import StoredFile

        StoredFile.objects.filter(name=name).delete()

    def exists(self, name):
        from .models import StoredFile

        return StoredFile.objects.filter(name=name).exists()

    def size(self, name):
        from .models import StoredFile

        stored = StoredFile.objects.filter(name=name).only("size").first()
        if stored is None:
            raise FileNotFoundError(name)
        return stored.size

    def url(self, name):
        return settings.MEDIA_URL + filepath_to_uri(name)

    def listdir(self, path):
        from .models import StoredFile

        prefix = f"{path.rstrip('/')}/" if path else ""
        directories, files = set(), []
        for name in StoredFile.objects.filter(name__startswith=prefix).values_list(
            "name", flat=True
        ):
            first, slash, _rest = name[len(prefix):].partition("/")
            (directories.add(first) if slash else files.append(first))
        return sorted(directories), sorted(files)
