"""Pages of the registrant: the form, the opt-in, and the personal page behind the token."""

import datetime
import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, TemplateView

from events.ical import calendar_response
from events.models import Event
from landtagstalk.security import client_ip

from . import feedback, mails, ratelimit, selectors, services
from .forms import RegistrationForm
from .models import Feedback, Registration


def published_event(slug):
    return get_object_or_404(Event.objects.published(), slug=slug)


class RegistrationCreateView(FormView):
    template_name = "registrations/registration_form.html"
    form_class = RegistrationForm

    @functools.cached_property
    def event(self):
        """The event, for showing the page; a POST that registers never reads it here."""
        return published_event(self.kwargs["slug"])

    @functools.cached_property
    def state(self):
        return selectors.registration_state(self.event)

    def post(self, request, *args, **kwargs):
        if ratelimit.is_limited(
            request, scope="register", limit=settings.REGISTRATION_RATE_LIMIT, window=3600
        ):
            # Keep what the person typed, so that they can send it again later.
            typed = {key: value for key, value in request.POST.items() if key != "website"}
            form = self.form_class(initial=typed, event=self.event)
            return self.render_to_response(
                self.get_context_data(form=form, limited=True), status=429
            )
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        # Lazy: the form needs the event only for the consent text, when it is shown.
        return {**super().get_form_kwargs(), "event": SimpleLazyObject(lambda: self.event)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, state=self.state, **kwargs)

    def form_valid(self, form):
        if form.is_spam:
            if not self.state.accepts_registrations:
                return self.get(self.request)
        else:
            try:
                # services.register reads the published event of this URL under its lock,
                # so a valid form costs one reading of the event, not two.
                services.register(
                    event=Event.objects.published().filter(slug=self.kwargs["slug"]),
                    **{
                        name: form.cleaned_data[name]
                        for name in ("first_name", "last_name", "email", "organisation", "question")
                    },
                    language=translation.get_language(),
                    client_ip=client_ip(self.request),
                )
            except Event.DoesNotExist:
                raise Http404 from None
            except ValidationError:
                # Registration closed since the form was shown: the page now says why.
                return self.get(self.request)
        # The same page whoever registers: it never tells whether an address is known.
        return HttpResponseRedirect(reverse("registrations:done", args=[self.kwargs["slug"]]))


class RegistrationDoneView(TemplateView):
    template_name = "registrations/registration_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=published_event(kwargs["slug"]), **kwargs)


def private_page(view):
    """Pages behind a token: never cached, and the token never leaks as a referrer.

    Not "no-referrer": with it, browsers send "Origin: null" with the page's own
    forms, and Django's CSRF check rightly refuses them.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return never_cache(wrapped)


@method_decorator(private_page, name="dispatch")
class TokenView(DetailView):
    """A page of one registration, found by the token in the URL; 404 for an unknown one."""

    slug_field = "token"
    slug_url_kwarg = "token"
    context_object_name = "registration"

    def get_queryset(self):
        return Registration.objects.select_related("event").filter(purged_at__isnull=True)

    def get_context_data(self, **kwargs):
        registration = self.object
        state = selectors.registration_state(registration.event)
        return super().get_context_data(
            event=registration.event,
            event_accepts_registrations=state.accepts_registrations,
            shows_join_link=bool(registration.join_url),
            join_link_to_come=registration.awaits_join_link,
            offers_feedback=feedback.may_give_feedback(registration),
            **kwargs,
        )


class RegistrationManageView(TokenView):
    template_name = "registrations/registration_manage.html"


class RegistrationConfirmView(TokenView):
    """GET shows a button, POST confirms: mail scanners follow links, but do not post."""

    template_name = "registrations/registration_confirm.html"

    def post(self, request, *args, **kwargs):
        self.object = registration = self.get_object()
        try:
            registration = services.confirm(registration=registration)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(error=error))
        if registration.status == Registration.Status.WAITLISTED:
            messages.success(
                request, _("Thank you: your address is confirmed. You are on the waiting list.")
            )
        else:
            messages.success(request, _("Thank you: your registration is confirmed."))
        return redirect(registration.personal_path)

    def get_context_data(self, **kwargs):
        registration = self.object
        expired = registration.cancel_reason == Registration.CancelReason.EXPIRED
        return super().get_context_data(expired=expired, **kwargs)


class RegistrationCancelView(TokenView):
    template_name = "registrations/registration_cancel.html"

    def get(self, request, *args, **kwargs):
        registration = self.get_object()
        if registration.event.is_cancelled:
            # Nothing to cancel: the event itself is off, and the personal page says so.
            return redirect(registration.personal_path)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        registration = self.get_object()
        if registration.event.is_cancelled:
            return redirect(registration.personal_path)
        registration = services.cancel(registration=registration)
        messages.success(request, _("Your registration has been cancelled."))
        return redirect(registration.personal_path)


class RegistrationFeedbackView(TokenView):
    """The feedback form after the event: one answer per registration, no account."""

    template_name = "registrations/registration_feedback.html"

    def get_context_data(self, **kwargs):
        registration = self.object
        answered = Feedback.objects.filter(registration=registration).exists()
        open_ = feedback.may_give_feedback(registration) and not answered
        return super().get_context_data(
            answered=answered,
            feedback_open=open_,
            form=kwargs.pop("form", None) or (feedback.FeedbackForm() if open_ else None),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.object = registration = self.get_object()
        form = feedback.FeedbackForm(request.POST)
        if not feedback.may_give_feedback(registration):
            return redirect(registration.personal_path)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if feedback.save_feedback(registration=registration, form=form) is None:
            messages.info(request, _("You have answered already. Thank you!"))
        else:
            messages.success(request, _("Thank you for your feedback!"))
        return redirect("registrations:feedback", token=registration.token)


class RegistrationDataView(TokenView):
    """Everything stored about this registration (Art. 15 GDPR)."""

    template_name = "registrations/registration_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(stored_data=stored_data(self.object), **kwargs)


def stored_data(registration):
    """(label, value) of every field of ``registration``, as a person can read them."""
    rows = []
    for field in registration._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(registration, field.name)
        if field.choices:
            value = getattr(registration, f"get_{field.name}_display")()
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, datetime.datetime):
            value = formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
        rows.append((field.verbose_name, value))
    answer = Feedback.objects.filter(registration=registration).first()
    if answer is not None:
        for name in ("rating", "next_topic", "comment"):
            rows.append((Feedback._meta.get_field(name).verbose_name, getattr(answer, name)))
    return rows


class RegistrationDeleteView(TokenView):
    """Cancel and erase this registration's personal data (Art. 17 GDPR)."""

    template_name = "registrations/registration_delete.html"

    def post(self, request, *args, **kwargs):
        registration = self.get_object()
        # The written feedback is personal data too; the rating stays, like the counts.
        feedback.erase_feedback_text(registrations=Registration.objects.filter(pk=registration.pk))
        services.erase_personal_data(registration=registration)
        return redirect("registrations:deleted")


class RegistrationDeletedView(TemplateView):
    template_name = "registrations/registration_deleted.html"


@private_page
def registration_calendar(request, token):
    registration = get_object_or_404(
        Registration.objects.select_related("event").filter(purged_at__isnull=True),
        token=token,
    )
    with translation.override(registration.language):
        content = mails.personal_calendar(registration)
    return calendar_response(content, f"{registration.event.slug}.ics")
