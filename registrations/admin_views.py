"""Staff pages of one event in the admin: export, questions, attendance, messages."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event

from . import attendance, export, housekeeping, mails, outreach
from .models import RegistrantMessage, Registration

VIEW = "registrations.view_registration"
CHANGE = "registrations.change_registration"
EXPORT = "registrations.export_registration"


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def may_see_people(user):
    """Registrations, questions and written feedback: the group that sees people."""
    return user.has_perm(VIEW)


def may_write_to_registrants(user):
    """Writing to registrants: only the group that sees people (Teilnehmermanagement)."""
    return user.has_perm(CHANGE)


def _context(model_admin, request, event, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Registration._meta,
        "event": event,
        "title": title,
        "subtitle": event.title,
        **extra,
    }


def event_export(model_admin, request, event_id):
    """The attendee list of one event as CSV, optionally of some statuses only."""
    _require(request, EXPORT)
    event = get_object_or_404(Event, pk=event_id)
    statuses = [s for s in request.GET.getlist("status") if s in Registration.Status.values]
    queryset = Registration.objects.filter(event=event)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    return export.export_response(
        queryset=queryset,
        user=request.user,
        event=event,
        statuses=statuses,
        description=export.describe(
            event=event, statuses=statuses, source=_("Event page in the admin")
        ),
    )


def event_questions(model_admin, request, event_id, *, printable=False):
    """The questions submitted with registrations, to pick and tick off during the event."""
    _require(request, VIEW)
    event = get_object_or_404(Event, pk=event_id)
    if request.method == "POST":
        _require(request, CHANGE)
        return _set_flag(request, event)
    oldest_first = request.GET.get("order") == "oldest"
    selected_only = request.GET.get("selected") == "1"
    asked = _questions(event)
    totals = asked.aggregate(
        total=Count("pk"),
        selected=Count("pk", filter=Q(question_selected=True)),
        answered=Count("pk", filter=Q(question_answered=True)),
    )
    if selected_only:
        asked = asked.filter(question_selected=True)
    questions = asked.only(
        "pk",
        "first_name",
        "organisation",
        "question",
        "created_at",
        "question_selected",
        "question_answered",
    ).order_by("created_at" if oldest_first else "-created_at", "pk")
    context = _context(
        model_admin,
        request,
        event,
        _("Questions for the panel"),
        questions=questions,
        totals=totals,
        oldest_first=oldest_first,
        selected_only=selected_only,
        can_change=request.user.has_perm(CHANGE),
        query=request.GET.urlencode(),
    )
    template = "questions_print" if printable else "questions"
    return TemplateResponse(request, f"admin/registrations/registration/{template}.html", context)


def _questions(event):
    """Questions for the moderator: only of people who confirmed their address, so that
    nobody can put words on the panel's list under someone else's address."""
    return (
        Registration.objects.filter(event=event, email_confirmed_at__isnull=False)
        .active()
        .exclude(question="")
    )


def _set_flag(request, event):
    registration = get_object_or_404(_questions(event), pk=request.POST.get("registration"))
    flag, value = request.POST.get("flag"), request.POST.get("value") == "1"
    if flag not in {"selected", "answered"}:
        raise PermissionDenied
    housekeeping.set_question_flags(registration=registration, **{flag: value})
    done = {
        ("selected", True): _("The question of %(name)s is selected for the panel."),
        ("selected", False): _("The question of %(name)s is no longer selected."),
        ("answered", True): _("The question of %(name)s is marked as answered."),
        ("answered", False): _("The question of %(name)s is marked as open again."),
    }[flag, value]
    messages.success(request, done % {"name": registration.first_name or "–"})
    query = request.POST.get("query", "")
    return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))


class ParticipantReportForm(forms.Form):
    report = forms.FileField(
        label=gettext_lazy("Participant report (CSV)"),
        help_text=gettext_lazy(
            "In Zoom: Reports → Usage → Participants → Export, or for a webinar Reports → "
            "Webinar → Attendee Report. At most 5 MB. People are matched by their e-mail "
            "address; hosts and panelists are left out."
        ),
    )

    def clean_report(self):
        report = self.cleaned_data["report"]
        if report.size > attendance.MAX_SIZE:
            raise ValidationError(
                _("The file is larger than 5 MB. Is it really the participant report?")
            )
        self.participants = attendance.read_participant_report(report.read())
        return report


def event_attendance(model_admin, request, event_id):
    """Upload the Zoom participant report; see who was matched and who was not."""
    _require(request, CHANGE)
    event = get_object_or_404(Event, pk=event_id)
    result = None
    if request.method == "POST":
        form = ParticipantReportForm(request.POST, request.FILES)
        if form.is_valid():
            result = attendance.record_attendance(event=event, participants=form.participants)
            form = ParticipantReportForm()
    else:
        form = ParticipantReportForm()
    context = _context(
        model_admin,
        request,
        event,
        _("Attendance from the Zoom report"),
        form=form,
        result=result,
        attended=Registration.objects.filter(event=event, attended=True).count(),
    )
    return TemplateResponse(request, "admin/registrations/registration/attendance.html", context)


class RegistrantMessageForm(forms.Form):
    audiences = forms.MultipleChoiceField(
        label=gettext_lazy("Recipients"),
        choices=RegistrantMessage.Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Cancelled registrations never get a message."),
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "lt-wide"}),
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12, "class": "lt-wide"}),
        help_text=gettext_lazy(
            "Plain text; web addresses become links. The mail starts with “Hello <first "
            "name>,” and ends with the personal link and the sender. Placeholders: "
            "{first_name}, {personal_link}, {documentation_link}, {feedback_link}, and for "
            "confirmed people only {join_link}."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            outreach.check_text(
                cleaned["subject"] + cleaned["body"], audiences=cleaned["audiences"]
            )
        return cleaned


def event_messages(model_admin, request, event_id):
    """Write to the registrants of one event: preview with a real registrant, then send."""
    if not may_write_to_registrants(request.user):
        raise PermissionDenied
    event = get_object_or_404(Event, pk=event_id)
    draft = outreach.follow_up_draft(request.GET.get("draft"))
    form = RegistrantMessageForm(request.POST or None, initial=draft)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "send" in request.POST:
            if _sent_just_now(event, request.user, data):
                messages.warning(request, _("This message was sent a moment ago already."))
            else:
                message = outreach.send_message(event=event, sender=request.user, **data)
                model_admin.log_change(request, event, f"Message to registrants: {message}")
                messages.success(
                    request,
                    _("The message is being sent to %(count)s people.")
                    % {"count": message.recipient_count},
                )
            return HttpResponseRedirect(request.path)
        preview = _preview(event, data)
    context = _context(
        model_admin,
        request,
        event,
        _("Messages to registrants"),
        form=form,
        preview=preview,
        sent_messages=outreach.sent_messages(event, limit=50),
    )
    return TemplateResponse(request, "admin/registrations/registration/messages.html", context)


def _sent_just_now(event, user, data):
    """The same text by the same person in the last minutes: a second click, not a message."""
    return event.messages.filter(
        sender=user,
        subject=data["subject"],
        body=data["body"],
        created_at__gte=timezone.now() - timedelta(minutes=10),
    ).exists()


def _preview(event, data):
    recipients = outreach.recipients(event=event, audiences=data["audiences"])
    count = recipients.count()
    example = recipients.select_related("event").first()
    if example is None:
        return {"count": 0}
    link = mails.personal_url(example)
    with translation.override(example.language):
        body = outreach.fill_in(data["body"], registration=example, personal_url=link)
        text = render_to_string(
            "registrations/email/message.txt",
            {
                "registration": example,
                "event": event,
                "body": body,
                "personal_url": link,
                "event_url": mails.settings.SITE_URL + event.get_absolute_url(),
            },
        )
    return {
        "count": count,
        "example": example,
        "subject": outreach.fill_in(data["subject"], registration=example, personal_url=link),
        "text": mails.tidy(text),
    }
