"""The series subscription: a mail when a new event is published, with its own double opt-in.

Separate from any registration. When an event is published (through the admin or
``events.services.update_event``), every confirmed subscriber of its series, or of all
series, gets one mail about it through the task queue: ``SeriesAnnouncement`` makes the
announcement happen once per event, ``SeriesNotice`` each subscriber's mail once. Every
such mail carries ``List-Unsubscribe`` with an HTTPS address and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058): a POST there deletes the
subscription, without a login, a cookie or a second click.

The events domain knows nothing of this: a ``post_save`` receiver here sees an event
become published (connected in ``RegistrationsConfig.ready``).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from events.models import Event

from . import mails, tasks
from .models import SeriesAnnouncement, SeriesNotice, SeriesSubscription, normalise_email

logger = logging.getLogger(__name__)

CONFIRMATION_MAIL_EVERY = timedelta(hours=1)


def series_names():
    """The series that published events belong to, for the form's choice."""
    names = Event.objects.published().exclude(series="").values_list("series", flat=True)
    return sorted(set(names))


def subscribe(*, email: str, series: str = "", language: str = settings.LANGUAGE_CODE, now=None):
    """Subscribe ``email`` (to ``series``, or to all); mail the confirmation link.

    The same neutral answer for everyone: a known address gets at most one confirmation
    mail an hour, a confirmed one none at all.
    """
    now = now or timezone.now()
    email = normalise_email(email)
    with transaction.atomic():
        subscription = (
            SeriesSubscription.objects.select_for_update()
            .filter(series=series)
            .annotate(lower_email=Lower("email"))
            .filter(lower_email=email.lower())
            .first()
        )
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = SeriesSubscription.objects.create(
                        email=email,
                        series=series,
                        language=language,
                        consent_at=now,
                        consent_version=settings.PRIVACY_NOTICE_VERSION,
                    )
            except IntegrityError:
                return None  # the same address at the same moment: that one mails
        last = subscription.confirmation_mailed_at
        if subscription.confirmed_at or (last and last > now - CONFIRMATION_MAIL_EVERY):
            return subscription
        subscription.confirmation_mailed_at = now
        subscription.save(update_fields=["confirmation_mailed_at"])
        pk = subscription.pk
        transaction.on_commit(lambda: send_subscription_mail.enqueue(subscription_id=pk))
    return subscription


def confirm(*, subscription: SeriesSubscription, now=None) -> SeriesSubscription:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = now or timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def unsubscribe(*, token: str) -> bool:
    """Delete the subscription with its data; False when there was none."""
    deleted, _by_model = SeriesSubscription.objects.filter(token=token).delete()
    return bool(deleted)


def delete_unconfirmed(*, now=None) -> int:
    """Unconfirmed subscriptions go after the hold time, like unconfirmed registrations."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.REGISTRATION_HOLD_HOURS)
    deleted, _by_model = SeriesSubscription.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return deleted


def counts_per_series():
    """Confirmed and unconfirmed subscriptions per series, for staff: counts, no addresses."""
    return list(
        SeriesSubscription.objects.values("series")
        .annotate(
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
            unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
        )
        .order_by("series")
    )


def subscribers_of(event):
    return SeriesSubscription.objects.filter(
        Q(series="") | Q(series=event.series), confirmed_at__isnull=False
    )


def announce_if_published(sender, instance, **kwargs):
    """post_save of Event: a newly published, coming event is announced once."""
    event = instance
    if not event.is_published or event.is_cancelled or event.starts_at <= timezone.now():
        return
    if SeriesAnnouncement.objects.filter(event_id=event.pk).exists():
        return
    try:
        with transaction.atomic():
            SeriesAnnouncement.objects.create(event_id=event.pk)
    except IntegrityError:
        return  # announced by a parallel save
    if subscribers_of(event).exists():  # no task for nobody
        transaction.on_commit(lambda: send_series_notices.enqueue(event_id=event.pk))


def unsubscribe_url(subscription):
    return settings.SITE_URL + reverse("registrations:unsubscribe", args=[subscription.token])


def _message(subscription, template, *, subject, **context):
    context = {
        "subscription": subscription,
        "subject": subject,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url(subscription),
        **context,
    }
    message = mails.new_message(
        subject=subject,
        body=mails.tidy(render_to_string(f"registrations/email/{template}.txt", context)),
        to=[subscription.email],
    )
    message.attach_alternative(
        render_to_string(f"registrations/email/{template}.html", context), "text/html"
    )
    return message


@task()
def send_subscription_mail(*, subscription_id: int) -> bool:
    """The double opt-in mail of a subscription."""
    subscription = SeriesSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None or subscription.confirmed_at:
        return False
    with translation.override(subscription.language):
        confirm_url = settings.SITE_URL + reverse(
            "registrations:subscription_confirm", args=[subscription.token]
        )
        _message(
            subscription,
            "subscription_confirm",
            subject=_("Please confirm your subscription"),
            confirm_url=confirm_url,
        ).send()
    return True


@task()
def send_series_notices(*, event_id: int) -> int:
    """Queue one notice per confirmed subscriber of the event's series without one yet."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    waiting = subscribers_of(event).exclude(notices__event_id=event_id)
    count = 0
    for subscription_id in waiting.values_list("pk", flat=True).order_by("pk").iterator():
        send_series_notice.enqueue(subscription_id=subscription_id, event_id=event_id)
        count += 1
    return count


@task()
def send_series_notice(*, subscription_id: int, event_id: int, attempt: int = 1) -> bool:
    """Mail one subscriber about a new event, unless they have had that mail."""
    return tasks._send(
        send_series_notice, _send_series_notice,
        attempt=attempt, subscription_id=subscription_id, event_id=event_id,
    )


def _send_series_notice(*, subscription_id, event_id):
    with transaction.atomic():
        subscription = (
            SeriesSubscription.objects.select_for_update().filter(pk=subscription_id).first()
        )
        event = Event.objects.published().filter(pk=event_id).first()
        if subscription is None or event is None or subscription.confirmed_at is None:
            return False
        notice, created = SeriesNotice.objects.get_or_create(
            subscription=subscription, event=event
        )
        if not created:
            return False
        with translation.override(subscription.language):
            message = _message(
                subscription,
                "series_notice",
                subject=_("New event: %(title)s") % {"title": event.title},
                event=event,
                event_url=settings.SITE_URL + event.get_absolute_url(),
            )
        message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url(subscription)}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        # Sent inside the transaction: a failed send rolls the notice back for the retry.
        message.send()
    return True
