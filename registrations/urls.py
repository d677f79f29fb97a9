from django.urls import path

from . import views

app_name = "registrations"
urlpatterns = [
    path(
        "events/<slug:slug>/register/",
        views.RegistrationCreateView.as_view(),
        name="register",
    ),
    path(
        "events/<slug:slug>/register/thanks/",
        views.RegistrationDoneView.as_view(),
        name="done",
    ),
    path("subscribe/", views.SubscribeView.as_view(), name="subscribe"),
    path("subscribe/thanks/", views.SubscribedView.as_view(), name="subscribed"),
    path(
        "subscribe/<slug:token>/confirm/",
        views.SubscriptionConfirmView.as_view(),
        name="subscription_confirm",
    ),
    path(
        "subscribe/<slug:token>/unsubscribe/",
        views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
    path("r/deleted/", views.RegistrationDeletedView.as_view(), name="deleted"),
    path("r/<slug:token>/", views.RegistrationManageView.as_view(), name="manage"),
    path("r/<slug:token>/confirm/", views.RegistrationConfirmView.as_view(), name="confirm"),
    path("r/<slug:token>/cancel/", views.RegistrationCancelView.as_view(), name="cancel"),
    path("r/<slug:token>/mode/", views.RegistrationModeView.as_view(), name="mode"),
    path("r/<slug:token>/data/", views.RegistrationDataView.as_view(), name="data"),
    path("r/<slug:token>/feedback/", views.RegistrationFeedbackView.as_view(), name="feedback"),
    path("r/<slug:token>/delete/", views.RegistrationDeleteView.as_view(), name="delete"),
    path("r/<slug:token>/questions/", views.RegistrationAskView.as_view(), name="ask"),
    path(
        "r/<slug:token>/questions/<int:question>/vote/",
        views.RegistrationVoteView.as_view(),
        name="vote",
    ),
    path(
        "r/<slug:token>/calendar.ics",
        views.registration_calendar,
        name="calendar",
    ),
]
