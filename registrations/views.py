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
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, FormView, TemplateView

from events.ical import calendar_response
from events.models import Event, RegistrationQuestion
from landtagstalk.security import client_ip

from . import feedback, front_desk, mails, questions, ratelimit, selectors, services, subscriptions
from .forms import PanelQuestionForm, RegistrationForm, SubscriptionForm
from .models import Feedback, PanelQuestion, Registration, SeriesSubscription


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
            form = self.form_class(initial=typed, event=self.event, questions=self.questions)
            return self.render_to_response(
                self.get_context_data(form=form, limited=True), status=429
            )
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        # Lazy: the form needs the event only for the consent text, when it is shown.
        return {
            **super().get_form_kwargs(),
            "event": SimpleLazyObject(lambda: self.event),
            "questions": self.questions,
        }

    @functools.cached_property
    def questions(self):
        """The event's own questions, read by the URL's slug: a POST never reads the event."""
        asked = RegistrationQuestion.objects.filter(
            event__slug=self.kwargs["slug"], event__is_published=True, is_hidden=False
        ).select_related("event")
        return [question for question in asked if question.is_asked()]

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
                    mode=form.cleaned_data["mode"] or None,
                    answers=form.answers,
                    client_ip=client_ip(self.request),
                )
            except Event.DoesNotExist:
                raise Http404 from None
            except ValidationError as error:
                if error.code == "mode":
                    form.add_error("mode", form.fields["mode"].error_messages["required"])
                    return self.form_invalid(form)
                # Registration closed since the form was shown: the page now says why.
                return self.get(self.request)
        # The same page whoever registers: it never tells whether an address is known.
        return HttpResponseRedirect(reverse("registrations:done", args=[self.kwargs["slug"]]))


class RegistrationDoneView(TemplateView):
    template_name = "registrations/registration_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=published_event(kwargs["slug"]), **kwargs)


def private_page(view):
    """Pages behind a token: never cached, never indexed, the token never leaks as a referrer.

    Not "no-referrer": with it, browsers send "Origin: null" with the page's own
    forms, and Django's CSRF check rightly refuses them.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return never_cache(wrapped)


@method_decorator(private_page, name="dispatch")
class TokenView(DetailView):
    """A page of one registration, found by the token in the URL; 404 for an unknown one."""

    slug_field = "token"
    slug_url_kwarg = "token"
    context_object_name = "registration"

    def get_queryset(self):
        return Registration.objects.live().select_related("event")

    def get_context_data(self, **kwargs):
        registration = self.object
        state = selectors.registration_state(registration.event)
        return super().get_context_data(
            event=registration.event,
            state=state,
            may_change_mode=registration.event.is_hybrid
            and registration.status != Registration.Status.CANCELLED
            and selectors.moves_up_from_waiting_list(registration.event),
            event_accepts_registrations=state.accepts_registrations,
            may_cancel=may_cancel(registration),
            shows_join_link=bool(registration.join_url),
            checkin_qr=front_desk.qr_svg(registration)
            if front_desk.has_qr_code(registration)
            else None,
            join_link_to_come=registration.awaits_join_link,
            offers_feedback=feedback.may_give_feedback(registration),
            **kwargs,
        )


def may_cancel(registration):
    """Whether the personal page offers to cancel: not when cancelled, called off or over."""
    event = registration.event
    return (
        registration.status != Registration.Status.CANCELLED
        and not event.is_cancelled
        and not event.is_over()
    )


class RegistrationManageView(TokenView):
    template_name = "registrations/registration_manage.html"

    def get_context_data(self, **kwargs):
        registration = self.object
        closed = questions.why_closed(registration)
        asked = registration.panel_questions.count()
        return super().get_context_data(
            panel_questions=selectors.questions_for_registrant(registration),
            questions_closed=closed,
            questions_left=max(PanelQuestion.PER_REGISTRATION - asked, 0),
            question_form=kwargs.pop("question_form", None) or PanelQuestionForm(),
            **kwargs,
        )


class RegistrationAskView(RegistrationManageView):
    """POST a question for the panel; a form with errors comes back on the personal page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = registration = self.get_object()
        form = PanelQuestionForm(request.POST)
        if form.is_valid():
            try:
                questions.ask_question(registration=registration, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if registration.event.questions_moderated:
                    messages.success(
                        request,
                        _("Thank you for your question. Others see it once it is released."),
                    )
                else:
                    messages.success(request, _("Thank you for your question."))
                return redirect(registration.personal_path + "#questions")
        return self.render_to_response(self.get_context_data(question_form=form))


@method_decorator(private_page, name="dispatch")
class RegistrationVoteView(TokenView):
    """POST a vote for a question (``vote=1``) or take it back (``vote=0``)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        registration = self.get_object()
        cast = questions.vote if request.POST.get("vote") == "1" else questions.withdraw_vote
        try:
            changed = cast(registration=registration, question_id=kwargs["question"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            if cast is questions.vote:
                messages.success(
                    request,
                    _("Your vote is counted.") if changed else _("You have voted for it already."),
                )
            else:
                messages.success(request, _("Your vote is withdrawn."))
        return redirect(registration.personal_path + f"#question-{kwargs['question']}")


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
        if registration.event.is_over():
            messages.info(
                request, _("The event is over: the registration can no longer be cancelled.")
            )
            return redirect(registration.personal_path)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        registration = self.get_object()
        if registration.event.is_cancelled:
            return redirect(registration.personal_path)
        try:
            registration = services.cancel(registration=registration)
        except ValidationError as error:
            # The event ended while the page was open.
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Your registration has been cancelled."))
        return redirect(registration.personal_path)


class RegistrationModeView(TokenView):
    """The switch between the hall and online of a hybrid event (POST; GET shows the page)."""

    def get(self, request, *args, **kwargs):
        return redirect(self.get_object().personal_path)

    def post(self, request, *args, **kwargs):
        registration = self.get_object()
        mode = request.POST.get("mode", "")
        try:
            registration = services.change_mode(registration=registration, mode=mode)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(registration.personal_path)
        label = registration.get_mode_display()
        if registration.status == Registration.Status.WAITLISTED:
            messages.success(
                request,
                _("You now take part: %(mode)s. All these seats are taken: you are on the "
                  "waiting list.") % {"mode": label},
            )
        else:
            messages.success(request, _("You now take part: %(mode)s.") % {"mode": label})
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
    for given in registration.answers.select_related("question").order_by(
        "question__order", "question__pk"
    ):
        rows.append((given.question.label, given.shown))
    for question in registration.panel_questions.all():
        text = f"{question.text} ({question.place})" if question.place else question.text
        rows.append((PanelQuestion._meta.verbose_name, text))
    votes = registration.question_votes.count()
    if votes:
        rows.append((_("votes for questions"), str(votes)))
    answer = Feedback.objects.filter(registration=registration).first()
    if answer is not None:
        for name in ("rating", "next_topic", "comment"):
            rows.append((Feedback._meta.get_field(name).verbose_name, getattr(answer, name)))
    return rows


class RegistrationDeleteView(TokenView):
    """Cancel and erase this registration's personal data (Art. 17 GDPR)."""

    template_name = "registrations/registration_delete.html"

    def post(self, request, *args, **kwargs):
        services.erase_personal_data(registration=self.get_object())
        return redirect("registrations:deleted")


class RegistrationDeletedView(TemplateView):
    template_name = "registrations/registration_deleted.html"


@private_page
def registration_calendar(request, token):
    registration = get_object_or_404(
        Registration.objects.live().select_related("event"), token=token
    )
    with translation.override(registration.language):
        content = mails.personal_calendar(registration)
    return calendar_response(content, f"{registration.event.slug}.ics")


@method_decorator(csrf_exempt, name="dispatch")
class SubscribeView(FormView):
    """“Über neue Termine informieren”: the form, and its POST from the public pages.

    Without a CSRF check: the start and event pages carry this form and stay cacheable
    (no token, no ``Vary: Cookie``), and a forged request can do no more than the form
    itself — send one confirmation link to an address, at most once an hour. The double
    opt-in decides; the rate limit bounds what one client sends.
    """

    template_name = "registrations/subscription_form.html"
    form_class = SubscriptionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "series_names": subscriptions.series_names()}

    def post(self, request, *args, **kwargs):
        if ratelimit.is_limited(
            request, scope="subscribe", limit=settings.REGISTRATION_RATE_LIMIT, window=3600
        ):
            form = self.form_class(series_names=subscriptions.series_names())
            return self.render_to_response(
                self.get_context_data(form=form, limited=True), status=429
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not form.is_spam:
            subscriptions.subscribe(
                email=form.cleaned_data["email"],
                series=form.cleaned_data["series"],
                language=translation.get_language(),
            )
        # The same answer for every address: it never tells whether one is known.
        return HttpResponseRedirect(reverse("registrations:subscribed"))


class SubscribedView(TemplateView):
    template_name = "registrations/subscription_done.html"


@method_decorator(private_page, name="dispatch")
class SubscriptionConfirmView(DetailView):
    """GET shows a button, POST confirms the subscription (mail scanners do not post)."""

    template_name = "registrations/subscription_confirm.html"
    slug_field = slug_url_kwarg = "token"
    context_object_name = "subscription"
    queryset = SeriesSubscription.objects.all()

    def post(self, request, *args, **kwargs):
        self.object = subscriptions.confirm(subscription=self.get_object())
        return self.render_to_response(self.get_context_data(confirmed=True))


@method_decorator([csrf_exempt, private_page], name="dispatch")
class UnsubscribeView(TemplateView):
    """End a subscription. The POST is RFC 8058's one click: a mail client sends
    ``List-Unsubscribe=One-Click`` without cookies or a CSRF token, so none is asked for;
    the token in the address is the key. Deleting twice is no error."""

    template_name = "registrations/subscription_unsubscribe.html"

    def get_context_data(self, **kwargs):
        known = SeriesSubscription.objects.filter(token=kwargs["token"]).exists()
        return super().get_context_data(known=known, **kwargs)

    def post(self, request, *args, **kwargs):
        subscriptions.unsubscribe(token=kwargs["token"])
        return self.render_to_response({"ended": True})
