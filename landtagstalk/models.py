"""What every app server shares through the database: uploaded files, the worker's heartbeat."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """An uploaded file (speaker photo, rendition, event document), kept in the database.

    Every app server reads it from there, so no shared disk is needed, and a backup of
    the database holds the uploads too (landtagstalk.storage.DatabaseStorage).
    """

    name = models.CharField(_("name"), max_length=255, unique=True)
    content = models.BinaryField(_("content"))
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    # The SHA-256 of the content: the ETag, and part of the name (a changed file, a new URL).
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self):
        return self.name


class WorkerHeartbeat(models.Model):
    """When a background worker last ran the heartbeat task (landtagstalk.status)."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("worker status")
        verbose_name_plural = _("worker status")
        ordering = ["-beat_at"]

    def __str__(self):
        return self.worker_id
