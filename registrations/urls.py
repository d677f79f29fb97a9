from django.urls import path

from . import views

app_name = "registrations"
urlpatterns = [
    path("r/<str:token>/", views.RegistrationManageView.as_view(), name="manage"),
]
