"""Pages of the registrant: the personal page behind the token link."""

from django.views.generic import DetailView

from .models import Registration


class RegistrationManageView(DetailView):
    template_name = "registrations/registration_manage.html"
    slug_field = "token"
    slug_url_kwarg = "token"
    context_object_name = "registration"

    def get_queryset(self):
        return Registration.objects.select_related("event").filter(purged_at__isnull=True)
