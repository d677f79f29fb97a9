"""Staff admin for events, their agenda and speakers (group "Redaktion")."""

import datetime

import nested_admin
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime, now
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from landtagstalk import permissions
from landtagstalk.admin_input import NoDateFromQueryMixin
from registrations import feedback, selectors

from . import access_needs, dashboard, services
from .editor import AgendaSlotInline, LabelledSplitDateTime
from .models import AgendaSlot, Event, EventDocument, LegalPage, Speaker
from .registration_questions import RegistrationQuestionInline


class CopyEventForm(forms.Form):
    starts_on = forms.DateField(
        label=_("New date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("All times of the event and its agenda keep their local time of day."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"class": "lt-wide"})
    )
    slug = forms.SlugField(
        label=_("slug"),
        max_length=120,
        widget=forms.TextInput(attrs={"class": "lt-wide"}),
        help_text=_("The address of the new event: /events/<slug>/. It must be unique."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Event.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("An event with this slug already exists."))
        return slug


def _shown(value):
    """A field value as staff read it in the confirmation."""
    if isinstance(value, datetime.datetime):
        return date_format(localtime(value), "DATETIME_FORMAT")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return dict(Event.Format.choices).get(value, value) or "–"


class EventForm(forms.ModelForm):
    """The event form; a change registrants must know is saved only once staff confirm it."""

    inform_registrants = forms.BooleanField(
        label=_("Yes, save and send the change to these registrants"), required=False
    )
    asks_access_needs = forms.BooleanField(
        label=_("Ask for access needs"),
        required=False,
        help_text=_(
            "The form asks which services a person needs to take part (sign-language "
            "interpreting, captioning, step-free access, induction loop, other needs) until "
            "7 days before the event; each request is mailed to the organiser address."
        ),
    )
    access_services_booked = forms.MultipleChoiceField(
        label=_("Access services booked"),
        choices=access_needs.Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The public page names the services ticked here."),
    )

    class Meta:
        model = Event
        fields = []  # the admin's fieldsets choose them
        # Long titles are read in full; a line break typed in one is a space.
        widgets = {
            name: forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField lt-title"})
            for name in ("title", "subtitle")
        }

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_subtitle(self):
        return " ".join(self.cleaned_data["subtitle"].split())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "asks_access_needs" in self.fields:
            self.fields["asks_access_needs"].initial = access_needs.is_switched_on(self.instance)

    def clean(self):
        cleaned = super().clean()
        # What staff changed, found once: the confirmation shows it, update_event saves it.
        self.changes, self.recipient_counts = {}, {}
        if (
            cleaned.get("venue_capacity") is not None
            and "format" in cleaned
            and cleaned["format"] != Event.Format.HYBRID
        ):
            self.add_error(
                "venue_capacity",
                _(
                    "Only a hybrid event has seats in the hall besides the online seats; "
                    "for any other event, the capacity is its only limit."
                ),
            )
        if self.instance.pk is None or self.errors:
            return cleaned
        fields = {f.name for f in Event._meta.concrete_fields}
        self.changes = {name: cleaned[name] for name in self.changed_data if name in fields}
        self.recipient_counts = selectors.recipient_counts(
            event=self.instance, changes=self.changes
        )
        self.change_rows = [
            (Event._meta.get_field(name).verbose_name, _shown(self.initial.get(name)), _shown(new))
            for name, new in self.changes.items()
            if name in selectors.NOTICE_FIELDS
        ]
        if self.recipient_counts and not cleaned.get("inform_registrants"):
            raise forms.ValidationError(
                _(
                    "This change is mailed to the registrants. Please check who gets it in "
                    "the box “Inform the registrants”, tick it and save again."
                ),
                code="confirm",
            )
        return cleaned

    @property
    def recipient_rows(self):
        labels = dict(selectors.Status.choices)
        return [(labels[status], n) for status, n in self.recipient_counts.items()]

    @property
    def recipient_total(self):
        return sum(self.recipient_counts.values())


class DocumentationForm(forms.ModelForm):
    recording_url = forms.URLField(
        label=_("Recording"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "lt-wide"}),
    )

    class Meta:
        model = Event
        fields = ["summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6, "class": "lt-wide"})}

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        # Declared (for the https default), so the model form leaves its initial to us.
        self.initial["recording_url"] = instance.recording_url
        self.order_fields(["recording_url", "summary"])


class BaseDocumentFormSet(forms.BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "An event has at most %(num)d document.",
            "An event has at most %(num)d documents.",
            "num",
        )
    }


# No more forms are built than an event may have documents: a post of thousands is refused.
DocumentFormSet = forms.inlineformset_factory(
    Event,
    EventDocument,
    formset=BaseDocumentFormSet,
    fields=["title", "file", "order"],
    extra=2,
    can_delete=True,
    max_num=20,
    absolute_max=20,
    validate_max=True,
)


def update_messages(result):
    """What staff are told after saving an event: who moved up, the agenda, the mails."""
    if result.promoted:
        count = len(result.promoted)
        yield ngettext(
            "%(count)d person moved up from the waiting list and was informed.",
            "%(count)d people moved up from the waiting list and were informed.",
            count,
        ) % {"count": count}
    if result.moved_slots:
        minutes = int(result.offset.total_seconds() // 60)
        yield ngettext(
            "The agenda moved with the event by %(minutes)s minutes (%(count)d slot).",
            "The agenda moved with the event by %(minutes)s minutes (%(count)d slots).",
            result.moved_slots,
        ) % {"minutes": f"{minutes:+d}", "count": result.moved_slots}
    if result.notice and result.notice.recipient_count:
        count = result.notice.recipient_count
        yield ngettext(
            "The change is being mailed to %(count)d registrant; the event page shows the "
            "progress.",
            "The change is being mailed to %(count)d registrants; the event page shows the "
            "progress.",
            count,
        ) % {"count": count}


@admin.register(Event)
class EventAdmin(NoDateFromQueryMixin, nested_admin.NestedModelAdmin):
    list_display = [
        "title",
        "starts_at",
        "format",
        "is_published",
        "is_cancelled",
        "capacity",
        "pending_count",
        "confirmed_count",
        "waitlisted_count",
        "cancelled_count",
    ]
    list_filter = ["is_published", "is_cancelled", "format", "series", "starts_at"]
    search_fields = ["title", "subtitle", "series", "organiser", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "starts_at"
    save_on_top = True
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.DateTimeField: {"widget": LabelledSplitDateTime},
    }
    inlines = [AgendaSlotInline, RegistrationQuestionInline]
    form = EventForm
    actions = ["copy_as_template"]
    change_form_template = "admin/events/event/change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "series",
                    "title",
                    "subtitle",
                    "slug",
                    "organiser",
                    "description",
                    "easy_summary",
                ]
            },
        ),
        (
            _("Date and place"),
            {
                "fields": [
                    "starts_at",
                    "ends_at",
                    "format",
                    "location",
                    ("street_address", "postal_code", "locality"),
                ],
                "description": _("All times are Berlin time (Europe/Berlin)."),
            },
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "venue_capacity",
                    "registration_opens_at",
                    "registration_closes_at",
                    "online_url",
                    "asks_access_needs",
                    "access_services_booked",
                    "questions_moderated",
                ]
            },
        ),
        (_("Publication"), {"fields": ["is_published", "is_cancelled"]}),
    ]

    def view_on_site(self, obj):
        # An unpublished event has no public page yet: the admin offers its preview instead.
        return obj.get_absolute_url() if obj.is_published else None

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        result = services.update_event(event=obj, changes=form.changes, user=request.user)
        for text in update_messages(result):
            self.message_user(request, text, messages.SUCCESS)
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "asks_access_needs" in form.changed_data:
            access_needs.switch(event=form.instance, on=form.cleaned_data["asks_access_needs"])

    def get_queryset(self, request):
        # Ordered again: with the counts' GROUP BY the model's default order no longer counts,
        # and the autocomplete pages through this queryset.
        counted = selectors.with_status_counts(super().get_queryset(request))
        return counted.order_by(*Event._meta.ordering)

    def get_urls(self):
        return [
            path(
                "<int:event_id>/copy/",
                self.admin_site.admin_view(self.copy_view),
                name="events_event_copy",
            ),
            path(
                "<int:event_id>/feedback.csv",
                self.admin_site.admin_view(self.feedback_csv_view),
                name="events_event_feedback_csv",
            ),
            path(
                "<int:event_id>/documentation/",
                self.admin_site.admin_view(self.documentation_view),
                name="events_event_documentation",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            user = request.user
            context.update(
                dashboard=dashboard.dashboard(obj),
                retention_days=settings.PERSONAL_DATA_RETENTION_DAYS,
                can_copy=permissions.can_copy_events(user),
                can_export=permissions.can_export_attendees(user),
                can_see_questions=permissions.can_see_people(user),
                can_record_attendance=permissions.can_record_attendance(user),
                can_write_to_registrants=permissions.can_write_to_registrants(user),
                registrant_messages=selectors.sent_messages(obj, limit=10)
                if permissions.can_write_to_registrants(user)
                else [],
                feedback_results=feedback.results(obj) if obj.starts_at <= now() else None,
                change_notices=[
                    (notice, selectors.mailed_count(notice)) for notice in obj.changes.all()[:5]
                ],
            )
        # By keyword: django-nested-admin's render_change_form takes obj as its third argument.
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    @admin.action(description=_("Copy as template for a new event"), permissions=["copy"])
    def copy_as_template(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Please select exactly one event to copy."), messages.ERROR
            )
            return None
        return HttpResponseRedirect(reverse("admin:events_event_copy", args=[queryset.get().pk]))

    def has_copy_permission(self, request):
        return permissions.can_copy_events(request.user)

    def copy_view(self, request, event_id):
        """Ask for the new date, title and slug; then copy the event with its agenda."""
        if not self.has_copy_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        starts_on = services.default_copy_date(event)
        initial = {
            "starts_on": starts_on,
            "title": event.title,
            "slug": services.copy_slug(event, starts_on),
        }
        form = CopyEventForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            copy = services.copy_event(event=event, **form.cleaned_data)
            self.message_user(
                request,
                gettext(
                    "The copy “%(title)s” on %(date)s was created, unpublished. Check the "
                    "agenda, then publish it."
                )
                % {"title": copy.title, "date": date_format(localtime(copy.starts_at))},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[copy.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Copy as template"),
            "subtitle": event.title,
            "event": event,
            "form": form,
            "slot_count": event.slots.count(),
        }
        return TemplateResponse(request, "admin/events/event/copy.html", context)

    def feedback_csv_view(self, request, event_id):
        """The feedback answers as CSV: texts of citizens, so only for who sees people.

        A POST, as every export is: a link from another site must not start one.
        """
        if not permissions.can_see_people(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return feedback.csv_response(get_object_or_404(Event, pk=event_id))

    def documentation_view(self, request, event_id):
        """Recording, slides and a short summary, shown publicly once the event is over."""
        event = get_object_or_404(Event, pk=event_id)
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        data = (request.POST, request.FILES) if request.method == "POST" else ()
        form = DocumentationForm(*data, instance=event)
        documents = DocumentFormSet(*data, instance=event, prefix="documents")
        if request.method == "POST" and form.is_valid() and documents.is_valid():
            services.update_event(
                event=event,
                changes={name: form.cleaned_data[name] for name in form.changed_data},
                user=request.user,
            )
            documents.save()
            self.log_change(request, event, "Documentation changed")
            self.message_user(
                request, gettext("The documentation was saved."), messages.SUCCESS
            )
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Documentation"),
            "subtitle": event.title,
            "event": event,
            "original": event,
            "form": form,
            "documents": documents,
            "is_over": event.is_over(),
        }
        return TemplateResponse(request, "admin/events/event/documentation.html", context)

    @admin.display(description=_("pending"), ordering="pending_total")
    def pending_count(self, event):
        return event.pending_total

    @admin.display(description=_("confirmed"), ordering="confirmed_total")
    def confirmed_count(self, event):
        return event.confirmed_total

    @admin.display(description=_("waiting list"), ordering="waitlisted_total")
    def waitlisted_count(self, event):
        return event.waitlisted_total

    @admin.display(description=_("cancelled"), ordering="cancelled_total")
    def cancelled_count(self, event):
        return event.cancelled_total


@admin.register(AgendaSlot)
class AgendaSlotAdmin(NoDateFromQueryMixin, admin.ModelAdmin):
    """A list to find a slot; slots and their people are edited on their event's page."""

    list_display = ["title", "event_link", "starts_at", "kind"]
    list_filter = ["kind", "event"]
    search_fields = ["title", "event__title"]
    list_select_related = ["event"]
    fields = ["event_link", "starts_at", "ends_at", "title", "kind", "is_parallel", "people"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return permissions.can_see_agenda_list(request.user)

    @admin.display(description=_("event"), ordering="event__starts_at")
    def event_link(self, slot):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:events_event_change", args=[slot.event_id]),
            slot.event,
        )

    @admin.display(description=_("people"))
    def people(self, slot):
        return format_html_join(
            ", ", "{}: {}", ((r.get_role_display(), r.speaker) for r in slot.roles.all())
        ) or "–"


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "affix", "position", "organisation"]
    search_fields = ["name", "position", "organisation"]
    readonly_fields = ["appearances"]
    fields = ["name", "affix", "position", "organisation", "bio", "photo", "appearances"]

    @admin.display(description=_("events"))
    def appearances(self, speaker):
        events = Event.objects.filter(slots__roles__speaker=speaker).distinct()
        return format_html_join(
            ", ",
            "{} ({})",
            ((event, date_format(localtime(event.starts_at))) for event in events),
        ) or "–"


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "updated_at"]
    readonly_fields = ["kind"]

    def get_fields(self, request, obj=None):
        if obj is not None and obj.kind == LegalPage.Kind.SIGN_LANGUAGE:
            return ["kind", "title", "body", "video", "captions"]
        return ["kind", "title", "body"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
