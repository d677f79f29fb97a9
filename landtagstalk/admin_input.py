"""Admin add forms that take no date or time from the URL.

Django's admin fills an add form from the query string (``?starts_at=...``); a date or
time field's widget then gets a string where it expects a date, and the page fails
with a 500. No link of this site prefills a date, so those values are dropped.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import models


class NoDateFromQueryMixin:
    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, models.DateField | models.TimeField | models.DurationField):
                del initial[name]
        return initial
