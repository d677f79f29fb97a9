"""Staff pages of one event in the admin: export, questions for the panel, attendance upload."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event

from . import attendance, export, housekeeping
from .models import Registration

VIEW = "registrations.view_registration"
CHANGE = "registrations.change_registration"
EXPORT = "registrations.export_registration"


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


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
            "In Zoom: Reports → Usage → Participants → Export. At most 5 MB. "
            "People are matched by their e-mail address."
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
