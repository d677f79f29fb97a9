"""The editor's page: an event's agenda slots and, inside each, the people with their roles.

Nested inlines (django-nested-admin) on the event's admin page. Slot times are entered as
times of day on the event's date; people are chosen by autocomplete or created in place.
"""

import datetime

import nested_admin
from django import forms
from django.contrib.admin import widgets
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .models import AgendaSlot, Event, SlotSpeaker, Speaker
from .services import moved_slot_times, wall_clock_offset

# A text field, not type="time": browsers show that one in 12 hours where the OS says so.
TIME_INPUT = {
    "format": "%H:%M",
    "attrs": {"class": "lt-time", "size": 5, "inputmode": "numeric", "placeholder": "hh:mm"},
}


def at_time_of_day(event, value: datetime.time) -> datetime.datetime:
    """``value`` on the event's local date; after midnight for an event that runs into the night."""
    start = timezone.localtime(event.starts_at)
    moment = timezone.make_aware(datetime.datetime.combine(start.date(), value))
    if moment < event.starts_at and timezone.localdate(event.ends_at) > start.date():
        moment += datetime.timedelta(days=1)
    return moment


class LabelledSplitDateTime(widgets.AdminSplitDateTime):
    """Django's date and time inputs, named by their "Date:" and "Time:" for screen readers."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(
            context["widget"]["subwidgets"],
            (context["date_label"], context["time_label"]),
            strict=True,
        ):
            subwidget["attrs"]["aria-label"] = str(label).rstrip(":")
        return context


class OrderedForm(forms.ModelForm):
    """A place in a list, set by dragging or the move buttons; empty means first."""

    # The same bound on every database (SQLite would store any number in a small integer).
    order = forms.IntegerField(
        min_value=0, max_value=32767, required=False, widget=forms.HiddenInput
    )

    def clean_order(self):
        return self.cleaned_data["order"] or 0


def clock(value) -> str:
    return time_format(timezone.localtime(value), "H:i")


class AgendaSlotForm(OrderedForm):
    start_time = forms.TimeField(
        label=_("starts at"),
        widget=forms.TimeInput(**TIME_INPUT),
        help_text=_("Time of day on the event's date, Berlin time."),
    )
    end_time = forms.TimeField(
        label=_("ends at"), required=False, widget=forms.TimeInput(**TIME_INPUT)
    )

    class Meta:
        model = AgendaSlot
        fields = ["title", "kind", "is_parallel", "description", "order"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "vTextField lt-wide"}),
            "description": forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        }

    def __init__(self, *args, event=None, event_moved_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        # How far the event's start moves with this save, asked when the slot is cleaned
        # (the event's own form is cleaned by then): untouched slots move along.
        self.event_moved_by = event_moved_by or (lambda: datetime.timedelta(0))
        for name, value in (("start_time", self.instance.starts_at),
                            ("end_time", self.instance.ends_at)):
            if value:
                self.initial.setdefault(name, timezone.localtime(value).time())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        event = self.event
        # Without a valid date of the event the event's own form shows the error.
        if start is None or event is None or not event.starts_at or not event.ends_at:
            return cleaned
        self.typed = not self.instance.pk or bool(
            {"start_time", "end_time"} & set(self.changed_data)
        )
        if self.typed:
            starts_at = at_time_of_day(event, start)
            ends_at = at_time_of_day(event, end) if end is not None else None
            self.instance.starts_at, self.instance.ends_at = starts_at, ends_at
        else:
            # Staff left the times as they were: update_event moves the slot with the event,
            # so it is checked where it will be.
            starts_at, ends_at = moved_slot_times(self.instance, self.event_moved_by())
        self.planned = (starts_at, ends_at)
        span = {"start": clock(event.starts_at), "end": clock(event.ends_at)}
        if ends_at is not None and ends_at <= starts_at:
            self.add_error("end_time", _("The slot must end after it starts."))
        # Slot times have no seconds; an event starting at 18:00:30 still takes a slot at 18:00.
        if not event.starts_at.replace(second=0, microsecond=0) <= starts_at < event.ends_at:
            self.add_error(
                "start_time",
                _("The slot must start within the event (%(start)s–%(end)s).") % span,
            )
        elif ends_at is not None and ends_at > event.ends_at:
            self.add_error(
                "end_time", _("The slot must end by the end of the event (%(end)s).") % span
            )
        return cleaned

    def save(self, commit=True):
        if commit and self.instance.pk and not getattr(self, "typed", True):
            # The stored times are the service's: it has moved them with the event by now.
            self.instance.save(update_fields=AgendaSlotForm.Meta.fields)
            return self.instance
        return super().save(commit=commit)


class OrderedFormSet(nested_admin.formsets.NestedInlineFormSet):
    """Items in the order posted; two with the same place follow each other as on the page.

    The drag-and-drop script numbers the places; a second tab or a page sent without
    JavaScript may post one place twice, or no number at all. nested-admin cannot sort such a
    page again, so the places are numbered anew before the forms read them.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self._number_places()

    def _number_places(self):
        keys = [f"{self.add_prefix(i)}-order" for i in range(self.total_form_count())]
        # "" and "-1" are the empty place nested-admin puts last; they need no number.
        placed = [
            (i, self.data.get(key)) for i, key in enumerate(keys)
            if self.data.get(key, "") not in ("", "-1")
        ]
        numbers = [_place(value) for _i, value in placed]
        if None not in numbers and len(set(numbers)) == len(numbers):
            return
        by_place = sorted(
            zip(numbers, (i for i, _value in placed), strict=True),
            key=lambda item: (item[0] is None, item[0] or 0, item[1]),
        )
        self.data = self.data.copy()
        for place, (_number, i) in enumerate(by_place):
            self.data[keys[i]] = str(place)


def _place(value) -> int | None:
    """A posted place as nested-admin reads it, or None where it could not."""
    value = str(value).strip()
    return int(value) if value.isdecimal() and len(value) <= 10 else None


class PeopleFormSet(OrderedFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "A slot has at most %(num)d person.", "A slot has at most %(num)d people.", "num"
        )
    }


class AgendaSlotFormSet(OrderedFormSet):
    """Slots see their event; together they must follow the agenda's order without overlapping."""

    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "An event has at most %(num)d agenda slot.",
            "An event has at most %(num)d agenda slots.",
            "num",
        )
    }

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "event": self.instance,
            "event_moved_by": self.event_moved_by,
        }

    def event_moved_by(self):
        """How far this save moves the event's start (wall clock); zero for a new event."""
        event = self.instance
        if event.pk is None or not event.starts_at:
            return datetime.timedelta(0)
        if not hasattr(self, "_stored_start"):
            self._stored_start = (
                Event.objects.filter(pk=event.pk).values_list("starts_at", flat=True).first()
            )
        if self._stored_start is None:
            return datetime.timedelta(0)
        return wall_clock_offset(self._stored_start, event.starts_at)

    @property
    def empty_form(self):
        form = super().empty_form
        form.event = self.instance
        return form

    def clean(self):
        super().clean()
        # Each slot where it will be: as typed, or moved with the event (AgendaSlotForm.planned).
        slots = [
            (form, *form.planned)
            for form in self.forms
            if form.is_valid()
            and form.has_changed() | bool(form.instance.pk)
            and not self._should_delete_form(form)
            and hasattr(form, "planned")
        ]
        slots.sort(key=lambda slot: slot[0].cleaned_data.get("order") or 0)
        for (before, before_start, _end), (form, start, _end) in zip(
            slots, slots[1:], strict=False
        ):
            if start < before_start:
                form.add_error(
                    "start_time",
                    _(
                        "Starts before the slot above it, “%(title)s” (%(time)s). Change the "
                        "time or drag the slot to its place."
                    )
                    % {"title": before.instance.title, "time": clock(before_start)},
                )
        for index, (form, start, _end) in enumerate(slots):
            if form.instance.is_parallel:
                continue
            for other, other_start, other_end in slots[:index]:
                other_end = other_end or other_start
                if other_start <= start < other_end or start == other_start:
                    form.add_error(
                        "start_time",
                        _(
                            "Overlaps “%(title)s” (%(start)s–%(end)s). Change the time, or "
                            "tick “runs in parallel” if both take place at once."
                        )
                        % {
                            "title": other.instance.title,
                            "start": clock(other_start),
                            "end": clock(other_end),
                        },
                    )
                    break


class SlotSpeakerForm(OrderedForm):
    """A role in a slot, for a person chosen from the list or created right here."""

    new_name = forms.CharField(label=_("name"), max_length=200, required=False)
    new_affix = forms.CharField(
        label=_("affix"), max_length=50, required=False, help_text=_("For example “MdL”.")
    )
    new_position = forms.CharField(label=_("position"), max_length=300, required=False)
    new_organisation = forms.CharField(label=_("organisation"), max_length=200, required=False)
    new_bio = forms.CharField(
        label=_("short biography"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    new_photo = forms.ImageField(label=_("photo"), required=False)

    class Meta:
        model = SlotSpeaker
        fields = ["speaker", "role", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].required = False
        self.fields["speaker"].help_text = _(
            "Type to search. Someone new: leave this empty and fill in “New person” below."
        )
        self.new_speaker = None

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("new_name", "").strip()
        if cleaned.get("speaker") and name:
            self.add_error(
                "new_name",
                _("Either choose a person from the list or enter a new one, not both."),
            )
        elif name:
            self.new_speaker = Speaker(
                name=name,
                affix=cleaned.get("new_affix", "").strip(),
                position=cleaned.get("new_position", "").strip(),
                organisation=cleaned.get("new_organisation", "").strip(),
                bio=cleaned.get("new_bio", "").strip(),
                photo=cleaned.get("new_photo") or "",
            )
        elif not cleaned.get("speaker") and "speaker" not in self.errors:
            self.add_error(
                "speaker", _("Choose a person from the list, or enter a new person below.")
            )
        return cleaned

    @property
    def open_collapsed(self):
        """Show "New person" open again when the page comes back with what was typed in it."""
        new = [name for name in self.fields if name.startswith("new_")]
        return self.is_bound and (
            any(self.data.get(self.add_prefix(name)) for name in new)
            or any(name in self.errors for name in new)
        )

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if self.new_speaker is not None:
            # The new person is saved together with the role, so there is no id to check yet.
            exclusions.add("speaker")
        return exclusions

    def save(self, commit=True):
        if self.new_speaker is not None and self.instance.speaker_id is None:
            self.new_speaker.save()
            self.instance.speaker = self.new_speaker
        return super().save(commit=commit)


class BoundedInline(nested_admin.NestedStackedInline):
    """At most ``max_num`` items: a post of more is refused before thousands of forms are built."""

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(
            request, obj, **{"absolute_max": self.max_num, "validate_max": True, **kwargs}
        )


class SlotSpeakerInline(BoundedInline):
    model = SlotSpeaker
    formset = PeopleFormSet
    max_num = 20
    verbose_name = _("person in this slot")
    verbose_name_plural = _("people in this slot")
    form = SlotSpeakerForm
    extra = 0
    autocomplete_fields = ["speaker"]
    sortable_field_name = "order"
    sortable_excludes = ["role"]
    fieldset_template = "admin/events/slotspeaker/fieldset.html"
    fieldsets = [
        (None, {"fields": [("speaker", "role"), "order"]}),
        (
            _("New person"),
            {
                "classes": ["collapse"],
                "fields": [
                    ("new_name", "new_affix"),
                    ("new_position", "new_organisation"),
                    "new_bio",
                    "new_photo",
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        # Each role's heading names its person; the autocomplete box still reads its own.
        return super().get_queryset(request).select_related("speaker")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "speaker":
            # No pop-up windows: a new person is entered right here, in "New person".
            wrapper = field.widget
            wrapper.can_add_related = wrapper.can_change_related = False
            wrapper.can_delete_related = wrapper.can_view_related = False
        return field


class AgendaSlotInline(BoundedInline):
    model = AgendaSlot
    max_num = 50
    verbose_name = _("agenda slot")
    verbose_name_plural = _("agenda slots")
    form = AgendaSlotForm
    formset = AgendaSlotFormSet
    extra = 0
    inlines = [SlotSpeakerInline]
    sortable_field_name = "order"
    sortable_excludes = ["kind"]
    fields = [("start_time", "end_time", "kind", "is_parallel"), "title", "description", "order"]

    class Media:
        js = ["js/editor.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("order", "starts_at", "pk")
