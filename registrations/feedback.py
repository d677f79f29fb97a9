"""Feedback after an event: the form behind the personal link, the results, their CSV."""

import csv
import io
from dataclasses import dataclass

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import export
from .forms import validate_single_line
from .models import Feedback, Registration

RATINGS = [(n, str(n)) for n in range(1, 6)]
CHART_WIDTH, BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 320, 22, 8, 28


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("How did you like the event overall? (1 = not at all, 5 = very much)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Feedback
        fields = ["rating", "next_topic", "comment"]
        labels = {"comment": _("Anything else you want to tell us (optional)")}
        widgets = {"comment": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_topic"].label = _("Which topic should we discuss next? (optional)")
        self.fields["next_topic"].validators.append(validate_single_line)


def may_give_feedback(registration, *, now=None) -> bool:
    """Once the event has begun, anyone who registered and did not cancel may answer."""
    event = registration.event
    return (
        event.starts_at <= (now or timezone.now())
        and not event.is_cancelled
        and registration.status != Registration.Status.CANCELLED
        and registration.purged_at is None
    )


def save_feedback(*, registration, form) -> Feedback | None:
    """Keep the answer; None when this registration has answered already (one answer each)."""
    feedback = form.save(commit=False)
    feedback.registration = registration
    feedback.event_id = registration.event_id
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError:
        return None
    return feedback


@dataclass
class Bar:
    rating: int
    count: int
    y: int
    width: float
    percent: int


@dataclass
class Results:
    count: int
    average: float | None
    bars: list[Bar]
    comments: list[Feedback]
    chart_width: int = CHART_WIDTH + LABEL_WIDTH + 40
    chart_height: int = 5 * (BAR_HEIGHT + BAR_GAP)
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def results(event) -> Results:
    """Average, distribution (as bars for an inline SVG) and the written answers."""
    answers = Feedback.objects.filter(event=event)
    summary = answers.aggregate(count=Count("pk"), average=Avg("rating"))
    by_rating = dict(
        answers.values_list("rating").annotate(n=Count("pk")).order_by().values_list("rating", "n")
    )
    most = max(by_rating.values(), default=0)
    total = summary["count"]
    bars = [
        Bar(
            rating=rating,
            count=by_rating.get(rating, 0),
            y=index * (BAR_HEIGHT + BAR_GAP),
            width=CHART_WIDTH * by_rating.get(rating, 0) / most if most else 0,
            percent=round(100 * by_rating.get(rating, 0) / total) if total else 0,
        )
        for index, rating in enumerate(range(5, 0, -1))
    ]
    comments = list(answers.exclude(next_topic="", comment="").order_by("-created_at")[:200])
    average = round(summary["average"], 1) if summary["average"] is not None else None
    return Results(count=total, average=average, bars=bars, comments=comments)


def csv_response(event) -> HttpResponse:
    """The answers as CSV for Excel (UTF-8 with BOM, semicolons): no names, no addresses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=export.DELIMITER)
    writer.writerow([gettext("Rating"), gettext("Next topic"), gettext("Comment"),
                     gettext("Answered at")])
    for answer in Feedback.objects.filter(event=event).order_by("created_at", "pk"):
        writer.writerow(
            [
                answer.rating,
                export.neutralise(answer.next_topic),
                export.neutralise(answer.comment),
                timezone.localtime(answer.created_at).strftime("%d.%m.%Y %H:%M"),
            ]
        )
    response = HttpResponse(export.BOM + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="feedback-{event.slug}.csv"'
    return response
