"""Staff admin for registrations (group "Teilnehmermanagement"), with the pages of one event:
export, questions for the panel, attendance from the Zoom report. Who may use which is
decided in ``landtagstalk.permissions``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from events.models import Event
from landtagstalk import permissions
from landtagstalk.admin import ViewOnlyAdmin

from . import attendance, export, outreach, questions, reminders, selectors, subscriptions
from .forms import ParticipantReportForm, RegistrantMessageForm
from .front_desk import FrontDeskMixin
from .models import ExportLog, PanelQuestion, PurgeLog, Registration, normalise_email


def _int_or_none(value):
    try:
        return int(value or "")
    except ValueError:
        return None


def _int_or_404(value):
    number = _int_or_none(value)
    if number is None:
        raise Http404
    return number


class PurgedFilter(admin.SimpleListFilter):
    title = _("deletion of personal data")
    parameter_name = "purged"

    def lookups(self, request, model_admin):
        return [("no", _("not yet deleted")), ("yes", _("deleted"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(purged_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(purged_at__isnull=True)
        return queryset


class BouncedFilter(admin.SimpleListFilter):
    title = _("undeliverable address")
    parameter_name = "bounced"

    def lookups(self, request, model_admin):
        return [("yes", _("undeliverable")), ("no", _("deliverable"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(bounced_at__isnull=self.value() == "no")
        return queryset


class RegistrationAdminForm(forms.ModelForm):
    def clean_email(self):
        # The unique rule names the event, a read-only field here, so Django's own
        # constraint check skips it: without this, a taken address is a database error.
        email = normalise_email(self.cleaned_data["email"])
        registration = self.instance
        taken = (
            Registration.objects.mailable()
            .filter(event_id=registration.event_id, email=email)
            .exclude(pk=registration.pk)
        )
        if registration.status != Registration.Status.CANCELLED and taken.exists():
            raise forms.ValidationError(
                _("This address is already registered for the event."), code="unique"
            )
        return email


@admin.register(Registration)
class RegistrationAdmin(FrontDeskMixin, admin.ModelAdmin):
    form = RegistrationAdminForm
    # Name, status and event first: they stay in view at 1280 px.
    list_display = [
        "person",
        "first_name",
        "status",
        "event",
        "email",
        "organisation",
        "event",
        "status",
        "mode",
        "created_at",
        "attended",
        "reminder_sent_at",
        "purged_at",
        "undeliverable",
    ]
    list_display_links = ["person"]
    list_filter = ["status", "mode", "attended", PurgedFilter, BouncedFilter, "event"]
    actions = ["export_csv", "mark_attended", "send_reminder"]
    search_fields = ["first_name", "last_name", "email", "organisation"]
    date_hierarchy = "created_at"
    list_select_related = ["event"]
    readonly_fields = [
        "event",
        "status",
        # Changed only by the seat services: a mode holds a seat of its own quota.
        "mode",
        "cancel_reason",
        "language",
        "consent_at",
        "privacy_version",
        "created_at",
        "email_confirmed_at",
        "confirmed_at",
        "cancelled_at",
        "expires_at",
        "reminder_sent_at",
        "purged_at",
        "bounced_at",
        "bounce_reason",
    ]
    # The token is the key to the person's own page: not even staff see it.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "event", "status", "mode", "first_name", "last_name", "email", "organisation"
                ]
            },
        ),
        (
            _("Question for the panel"),
            {"fields": ["question"]},
        ),
        (
            _("History"),
            {
                "fields": [
                    "created_at",
                    "email_confirmed_at",
                    "confirmed_at",
                    "cancelled_at",
                    "cancel_reason",
                    "expires_at",
                    "reminder_sent_at",
                    "bounced_at",
                    "bounce_reason",
                    "attended",
                    "purged_at",
                ]
            },
        ),
        (_("Consent"), {"fields": ["consent_at", "privacy_version", "language"]}),
    ]

    def has_view_permission(self, request, obj=None):
        return permissions.can_see_people(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_change_registrations(request.user)

    def has_add_permission(self, request):
        # Registrations come from citizens through the form, with their consent.
        return False

    def has_delete_permission(self, request, obj=None):
        # Cancelled or erased through the seat services, never deleted: seats and records stay true.
        return False

    def has_export_permission(self, request):
        return permissions.can_export_attendees(request.user)

    def has_attendance_permission(self, request):
        return permissions.can_record_attendance(request.user)

    def has_remind_permission(self, request):
        return permissions.can_write_to_registrants(request.user)

    def has_message_permission(self, request):
        return permissions.can_write_to_registrants(request.user)

    @admin.display(description=_("last name"), ordering="last_name")
    def person(self, registration):
        if registration.purged_at:
            return gettext("(deleted, no. %(pk)s)") % {"pk": registration.pk}
        return registration.last_name or "–"

    @admin.display(description=_("mail"), ordering="bounced_at")
    def undeliverable(self, registration):
        # The mail server said the address does not exist (tasks.is_bounce).
        return gettext("Undeliverable") if registration.bounced_at else ""

    def get_urls(self):
        def event_page(view, name, **kwargs):
            def page(request, event_id):
                return view(request, event_id, **kwargs)

            return path(
                f"event/<int:event_id>/{name}",
                self.admin_site.admin_view(page),
                name=f"registrations_registration_event_{name.strip('/').replace('/', '_')}",
            )

        return [
            event_page(self.event_export_view, "export/"),
            event_page(self.event_questions_view, "questions/"),
            event_page(self.event_questions_view, "questions/print/", printable=True),
            event_page(self.event_questions_wall_view, "questions/wall/"),
            event_page(self.event_attendance_view, "attendance/"),
            event_page(self.event_messages_view, "messages/"),
            *self.front_desk_urls(),
            path(
                "subscriptions/",
                self.admin_site.admin_view(self.subscriptions_view),
                name="registrations_registration_subscriptions",
            ),
            *super().get_urls(),
        ]

    def event_page_context(self, request, event, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "event": event,
            "title": title,
            "subtitle": event.title,
            **extra,
        }

    def event_export_view(self, request, event_id):
        """The attendee list of one event as CSV, optionally of some statuses only.

        A POST, as the admin's actions are: a link followed from another site must not
        create an export in a staff member's name.
        """
        if not self.has_export_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        event = get_object_or_404(Event, pk=event_id)
        statuses = [s for s in request.POST.getlist("status") if s in Registration.Status.values]
        queryset = Registration.objects.filter(event=event)
        if statuses:
            queryset = queryset.filter(status__in=statuses)
        return export.export_response(
            queryset=queryset,
            user=request.user,
            event=event,
            statuses=statuses,
            description=export.describe(
                event=event, statuses=statuses, source=gettext("Event page in the admin")
            ),
        )

    def event_questions_view(self, request, event_id, *, printable=False):
        """The event's questions by votes: release, hide, merge and tick them off."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            return self._moderate_question(request, event)
        order = request.GET.get("order")
        if order not in {"votes", "newest", "oldest"}:
            order = "votes"
        released_only = request.GET.get("selected") == "1"
        asked = selectors.questions_for_the_panel(event, order=order)
        totals = asked.aggregate(
            total=Count("pk", distinct=True),
            selected=Count("pk", filter=Q(is_released=True), distinct=True),
            answered=Count("pk", filter=Q(is_answered=True), distinct=True),
        )
        if released_only:
            asked = asked.filter(is_released=True)
        questions = list(asked)
        context = self.event_page_context(
            request,
            event,
            gettext("Questions for the panel"),
            questions=questions,
            merge_targets=[q for q in questions if not q.is_hidden],
            totals=totals,
            order=order,
            selected_only=released_only,
            can_change=self.has_change_permission(request),
            query=request.GET.urlencode(),
        )
        template = "questions_print" if printable else "questions"
        return TemplateResponse(
            request, f"admin/registrations/registration/{template}.html", context
        )

    def _moderate_question(self, request, event):
        action = request.POST.get("action", "")
        if action not in {*questions.MODERATION, "merge"}:
            raise PermissionDenied
        listed = PanelQuestion.objects.filter(event=event).listed()
        question = get_object_or_404(listed, pk=_int_or_404(request.POST.get("question")))
        if action == "merge":
            into = listed.filter(pk=_int_or_none(request.POST.get("into"))).first()
            if into is None or into.pk == question.pk:
                self.message_user(
                    request, gettext("Please choose the question to merge into."), messages.ERROR
                )
            else:
                try:
                    questions.merge_question(duplicate=question, into=into)
                except ValidationError as error:
                    self.message_user(request, error.messages[0], messages.ERROR)
                else:
                    merged = gettext(
                        "Question no. %(a)s is merged into no. %(b)s; its votes count there."
                    )
                    self.message_user(request, merged % {"a": question.pk, "b": into.pk})
        else:
            questions.moderate(question=question, action=action)
            done = {
                "release": gettext("Question no. %(pk)s is released."),
                "unrelease": gettext("Question no. %(pk)s is no longer released."),
                "hide": gettext("Question no. %(pk)s is hidden."),
                "show": gettext("Question no. %(pk)s is shown again."),
                "answer": gettext("Question no. %(pk)s is marked as answered."),
                "reopen": gettext("Question no. %(pk)s is marked as open again."),
            }[action]
            self.message_user(request, done % {"pk": question.pk})
        query = request.POST.get("query", "")
        return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))

    def subscriptions_view(self, request):
        """Subscriptions to new events per series: counts for staff, the export by POST."""
        if not permissions.can_see_subscription_counts(request.user):
            raise PermissionDenied
        if request.method == "POST":
            if not permissions.can_export_subscribers(request.user):
                raise PermissionDenied
            return export.subscribers_response(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Subscriptions to new events"),
            "rows": subscriptions.counts_per_series(),
            "can_export": permissions.can_export_subscribers(request.user),
        }
        return TemplateResponse(
            request, "admin/registrations/registration/subscriptions.html", context
        )

    def event_questions_wall_view(self, request, event_id):
        """For the screen share or the hall: released, open questions by votes, large."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        context = self.event_page_context(
            request,
            event,
            gettext("Questions for the panel"),
            questions=selectors.questions_on_the_wall(event)[:12],
            refresh_seconds=15,
        )
        response = TemplateResponse(
            request, "admin/registrations/registration/questions_wall.html", context
        )
        add_never_cache_headers(response)
        return response

    def event_attendance_view(self, request, event_id):
        """Upload the Zoom participant report; see who was matched and who was not."""
        if not self.has_attendance_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        result = None
        if request.method == "POST":
            form = ParticipantReportForm(request.POST, request.FILES)
            if form.is_valid():
                result = attendance.record_attendance(
                    event=event, participants=form.participants
                )
                form = ParticipantReportForm()
        else:
            form = ParticipantReportForm()
        context = self.event_page_context(
            request,
            event,
            gettext("Attendance from the Zoom report"),
            form=form,
            result=result,
            attended=Registration.objects.filter(event=event, attended=True).count(),
        )
        return TemplateResponse(
            request, "admin/registrations/registration/attendance.html", context
        )

    def event_messages_view(self, request, event_id):
        """Write to the registrants of one event: preview with a real registrant, then send."""
        if not self.has_message_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        draft = outreach.follow_up_draft(request.GET.get("draft"))
        form = RegistrantMessageForm(
            request.POST or None, initial=draft, event=event, sending="send" in request.POST
        )
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if "send" in request.POST:
                if outreach.sent_just_now(event=event, sender=request.user, **data):
                    self.message_user(
                        request,
                        gettext("This message was sent a moment ago already."),
                        messages.WARNING,
                    )
                else:
                    message = outreach.send_message(event=event, sender=request.user, **data)
                    self.log_change(request, event, f"Message to registrants: {message}")
                    self.message_user(
                        request,
                        gettext("The message is being sent to %(count)s people.")
                        % {"count": message.recipient_count},
                    )
                return HttpResponseRedirect(request.path)
            preview = outreach.preview(event=event, **data)
        context = self.event_page_context(
            request,
            event,
            gettext("Messages to registrants"),
            form=form,
            preview=preview,
            sent_messages=selectors.sent_messages(event, limit=50),
        )
        return TemplateResponse(
            request, "admin/registrations/registration/messages.html", context
        )

    def changelist_view(self, request, extra_context=None):
        # Links to the questions of the event in the filter, or of the latest events.
        events = Event.objects.order_by("-starts_at")
        chosen = request.GET.get("event__id__exact")
        if chosen and chosen.isdigit():
            events = events.filter(pk=chosen)
        extra_context = {**(extra_context or {}), "question_events": events[:3]}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Export selected registrations as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        event_ids = set(queryset.values_list("event_id", flat=True).distinct().order_by())
        event = Event.objects.get(pk=event_ids.pop()) if len(event_ids) == 1 else None
        return export.export_response(
            queryset=queryset,
            user=request.user,
            event=event,
            description=export.describe(
                event=event,
                source=gettext("Selection in the registration list"),
            ),
        )

    @admin.action(description=_("Mark as attended"), permissions=["attendance"])
    def mark_attended(self, request, queryset):
        changed = attendance.mark_attended(registrations=queryset.live())
        self.message_user(
            request,
            gettext("%(count)s registrations marked as attended.") % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Send reminder now"), permissions=["remind"])
    def send_reminder(self, request, queryset):
        selected = queryset.count()
        sent = reminders.send_reminders(Registration.objects.filter(pk__in=queryset))
        self.message_user(
            request,
            gettext("Reminders sent: %(sent)s.") % {"sent": len(sent)},
            messages.SUCCESS if sent else messages.WARNING,
        )
        if len(sent) < selected:
            self.message_user(
                request,
                gettext(
                    "Skipped: %(count)s (not confirmed, already reminded, or the event is "
                    "cancelled or over). Everyone gets a reminder only once."
                )
                % {"count": selected - len(sent)},
                messages.WARNING,
            )


class RecordAdmin(ViewOnlyAdmin):
    """Records of what was done with personal data: read-only, for superusers only."""

    def may_view(self, user):
        return permissions.can_see_records(user)


@admin.register(ExportLog)
class ExportLogAdmin(RecordAdmin):
    list_display = ["created_at", "user", "event", "row_count", "description"]
    list_filter = ["event"]
    list_select_related = ["user", "event"]


@admin.register(PurgeLog)
class PurgeLogAdmin(RecordAdmin):
    list_display = ["created_at", "event", "anonymised_count", "deleted_count"]
    list_select_related = ["event"]

from . import admin_mails  # noqa: E402, F401 (the failed mails' admin registers itself)
