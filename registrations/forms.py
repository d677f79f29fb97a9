"""The public registration form; the staff forms for the Zoom report and for messages."""

import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import cached_property, lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from landtagstalk.validators import validate_visible

from . import attendance, outreach, selectors
from .models import PanelQuestion, RegistrantMessage, Registration

# Line and paragraph separators break mail headers and calendar lines like CR/LF do.
LINE_BREAKING = {"\u2028", "\u2029", "\u0085"}


def has_control_characters(value, *, allow_newlines=False):
    # NUL has Django's own validator and message on every CharField.
    allowed = {"\x00", "\n", "\r", "\t"} if allow_newlines else {"\x00"}
    return any(
        (unicodedata.category(char) == "Cc" or char in LINE_BREAKING) and char not in allowed
        for char in value
    )


def validate_single_line(value):
    validate_visible(value)
    if has_control_characters(value):
        raise ValidationError(
            _("Please enter this on one line, without line breaks or control characters."),
            code="control_characters",
        )


def validate_text(value):
    validate_visible(value)
    if has_control_characters(value, allow_newlines=True):
        raise ValidationError(
            _("Please remove the control characters from this text."),
            code="control_characters",
        )


def _consent_label(event):
    """The consent text naming the organiser."""
    return format_html(
        _(
            "I explicitly agree that the organiser ({organiser}) processes my details to "
            "run this event. I know that taking part can reveal a political opinion "
            "(Art. 9 GDPR). I can withdraw my "
            'consent at any time. Details in the <a href="{url}">privacy notice</a>.'
        ),
        organiser=event.organiser,
        url=reverse("events:privacy"),
    )


# Made lazy once here: lazy() builds a class each time it is called.
consent_label = lazy(_consent_label, SafeString)


def mode_choices(event):
    """The ways of taking part in a hybrid event, each with what is left of its seats."""
    choices = []
    for mode, label, left in selectors.seats_by_mode(event):
        if left is None:
            choices.append((mode, label))
        elif left:
            text = ngettext(
                "%(mode)s (%(seats)s seat left)", "%(mode)s (%(seats)s seats left)", left
            )
            choices.append((mode, text % {"mode": label, "seats": left}))
        else:
            choices.append((mode, _("%(mode)s (fully booked: waiting list)") % {"mode": label}))
    return choices


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def question_field(question):
    """The form field that asks one of the event's own questions."""
    common = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
    }
    Kind = question.Kind
    if question.kind == Kind.TEXT:
        return forms.CharField(
            max_length=1000, validators=[validate_text], widget=forms.Textarea(attrs={"rows": 2}),
            **common,
        )
    if question.kind == Kind.BOOLEAN:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    choices = [(choice, choice) for choice in question.choice_list]
    if question.kind == Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)


def max_length(name):
    """The length the model allows for field ``name``: the form refuses what it cannot store."""
    return Registration._meta.get_field(name).max_length


class RegistrationForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=max_length("first_name"),
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=max_length("last_name"),
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=max_length("email"),
        help_text=_("We send you a link to confirm your registration."),
        validators=[validate_single_line],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Organisation or municipality (optional)"),
        max_length=max_length("organisation"),
        required=False,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    question = forms.CharField(
        label=_("Your question for the panel (optional)"),
        max_length=max_length("question"),
        required=False,
        validators=[validate_text],
        help_text=_("Up to 1000 characters. Some questions are answered during the event."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # Shown and required for hybrid events only; services.register refuses a hybrid
    # registration without it, so the view reads the event only once.
    mode = forms.ChoiceField(
        label=_("How will you take part?"),
        choices=Registration.Mode.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose how you will take part."),
            "invalid_choice": _("Please choose one of the ways of taking part shown."),
        },
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Please give your consent, or we cannot register you.")},
    )
    # The honeypot: hidden from people by the stylesheet, filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, event, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The event's own questions (visible ones), each a field of its own.
        self.questions = {f"answer_{question.pk}": question for question in questions}
        for name, question in self.questions.items():
            self.fields[name] = question_field(question)
        # Lazy, like the event may be: it is read when the form is shown, not when it is checked.
        self.event = event
        self.fields["consent"].label = consent_label(event)
        self.fields["consent"].short_label = _("Consent")
        self.fields["mode"].short_label = _("Taking part")

    @cached_property
    def helper(self):
        """The layout for {% crispy %}: built only when the form is shown."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        hybrid = self.event.is_hybrid
        if hybrid:
            self.fields["mode"].required = True
            self.fields["mode"].choices = mode_choices(self.event)
        helper.layout = Layout(
            *(["mode"] if hybrid else []),
            Div(
                Field("first_name", wrapper_class="col-sm-6"),
                Field("last_name", wrapper_class="col-sm-6"),
                css_class="row",
            ),
            "email",
            "organisation",
            *self.questions,
            "question",
            "consent",
            Div("website", css_class="hp", aria_hidden="true"),
        )
        return helper

    @property
    def answers(self):
        """{question: answer text} of the questions answered; several choices one per line."""
        answers = {}
        for name, question in self.questions.items():
            value = self.cleaned_data.get(name)
            if isinstance(value, list):
                value = "\n".join(value)
            if value:
                answers[question] = value.replace("\r\n", "\n").replace("\r", "\n")
        return answers

    def clean_question(self):
        # One kind of line break, so that no CR reaches an export or a mail.
        return self.cleaned_data["question"].replace("\r\n", "\n").replace("\r", "\n")

    @property
    def is_spam(self):
        return bool(self.data.get(self.add_prefix("website")))


class ParticipantReportForm(forms.Form):
    report = forms.FileField(
        label=_("Participant report (CSV)"),
        help_text=_(
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


class RegistrantMessageForm(forms.Form):
    audiences = forms.MultipleChoiceField(
        label=_("Recipients"),
        choices=RegistrantMessage.Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cancelled registrations never get a message."),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "lt-wide"}),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12, "class": "lt-wide"}),
        help_text=_(
            "Plain text; web addresses become links. The mail starts with “Hello <first "
            "name>,” and ends with the personal link and the sender. Placeholders: "
            "{first_name}, {personal_link}, {documentation_link}, {feedback_link}, and for "
            "confirmed people only {join_link}."
        ),
    )

    def __init__(self, *args, event, sending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.event, self.sending = event, sending

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            text = cleaned["subject"] + cleaned["body"]
            outreach.check_text(text, audiences=cleaned["audiences"])
            if self.sending:
                # The preview shows it as a warning; sending waits until it can be filled.
                outreach.check_fillable(text, event=self.event)
        return cleaned


class PanelQuestionForm(forms.Form):
    """A question for the panel from the personal page: the text and, if wished, a place."""

    text = forms.CharField(
        label=_("Your question"),
        max_length=PanelQuestion.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_text],
        help_text=_("At most 500 characters. Other registrants see it without your name."),
    )
    place = forms.CharField(
        label=_("Place to show with it (optional)"),
        max_length=100,
        required=False,
        validators=[validate_single_line],
        help_text=_("For example “Köln”: shown as “from Köln”. Leave empty to show none."),
    )


class SubscriptionForm(forms.Form):
    """“Über neue Termine informieren”: an address, the series where there are several."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    series = forms.ChoiceField(label=_("Which events?"), required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that my e-mail address is stored to tell me of new events. I can end "
            "this at any time with the link in every mail."
        ),
        error_messages={"required": _("Please give your consent, or we cannot inform you.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, series_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [("", _("All events"))] + [
            (name, name) for name in series_names
        ]
        if len(series_names) < 2:
            self.fields["series"].widget = forms.HiddenInput()

    @cached_property
    def helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            "email", "series", "consent", Div("website", css_class="hp", aria_hidden="true")
        )
        return helper

    @property
    def is_spam(self):
        return bool(self.data.get(self.add_prefix("website")))
