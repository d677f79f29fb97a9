"""Who among staff may do what: the staff groups and every decision the admin asks, named once.

The admin's ``has_*_permission`` methods and its pages ask the functions below; the groups
get exactly the Django permissions named in ``GROUP_PERMISSIONS`` on every ``migrate``
(``sync_staff_groups``). Superusers may do everything Django lets them.
"""

EDITORIAL = "Redaktion"
PARTICIPANTS = "Teilnehmermanagement"

# The Django permissions behind the decisions.
SEE_PEOPLE = "registrations.view_registration"
CHANGE_REGISTRATIONS = "registrations.change_registration"
EXPORT_ATTENDEES = "registrations.export_registration"
ADD_EVENTS = "events.add_event"

# The event's own registration questions are the event's content; their answers are not.
_EDITORIAL_MODELS = ("event", "agendaslot", "slotspeaker", "speaker", "registrationquestion")

GROUP_PERMISSIONS = {
    # Events, agenda and people on it, the texts of the legal pages; never a registrant.
    EDITORIAL: {
        *(
            f"events.{action}_{model}"
            for model in _EDITORIAL_MODELS
            for action in ("add", "change", "delete", "view")
        ),
        "events.view_legalpage",
        "events.change_legalpage",
    },
    # Registrations, questions, export, attendance, mails to registrants; events read-only.
    PARTICIPANTS: {
        "events.view_event",
        "events.view_registrationquestion",
        SEE_PEOPLE,
        CHANGE_REGISTRATIONS,
        EXPORT_ATTENDEES,
    },
}


def can_see_people(user) -> bool:
    """Registrations with names and addresses, and the questions for the panel."""
    return user.has_perm(SEE_PEOPLE)


def can_change_registrations(user) -> bool:
    """Question flags and the few fields staff may correct by hand."""
    return can_see_people(user) and user.has_perm(CHANGE_REGISTRATIONS)


def can_record_attendance(user) -> bool:
    """Mark attendance by hand or from the Zoom report."""
    return can_change_registrations(user)


def can_check_in(user) -> bool:
    """Check people in at the door: the QR code's page, the search by name, the guest list."""
    return can_record_attendance(user)


def can_write_to_registrants(user) -> bool:
    """Send reminders and messages to the registrants of an event."""
    return can_change_registrations(user)


def can_export_attendees(user) -> bool:
    """The attendee list as CSV; every export is recorded."""
    return can_see_people(user) and user.has_perm(EXPORT_ATTENDEES)


def can_see_subscription_counts(user) -> bool:
    """How many people subscribed to each series: counts only, never an address."""
    return user.is_active and user.is_staff


def can_export_subscribers(user) -> bool:
    """The subscribers' addresses as CSV, recorded like the attendee export."""
    return can_export_attendees(user)


def can_preview_events(user) -> bool:
    """Open the public page of an unpublished event, marked as a preview."""
    return user.has_perm("events.view_event")


def can_see_agenda_list(user) -> bool:
    """The read-only list of agenda slots (slots are edited on their event's page)."""
    return user.has_perm("events.view_agendaslot") or user.has_perm("events.change_agendaslot")


def can_copy_events(user) -> bool:
    """Copy an event as the template of a new one."""
    return user.has_perm(ADD_EVENTS)


def can_see_mail_queue(user) -> bool:
    """The status page (queue, worker) and the list of mails that failed for good."""
    return user.is_active and (user.is_superuser or can_change_registrations(user))


def can_resend_mails(user) -> bool:
    """Queue a mail that failed for good again."""
    return can_see_mail_queue(user) and can_write_to_registrants(user)


def can_see_records(user) -> bool:
    """Export and deletion records: who took personal data out, and when it was deleted."""
    return user.is_active and user.is_superuser


def sync_staff_groups(*, using="default", **kwargs):
    """Create the staff groups and give each exactly the permissions named above."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Permissions are created after each app's migrations; make sure ours exist now.
    for label in ("events", "registrations"):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    for name, names in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        wanted = []
        for dotted in sorted(names):
            app_label, codename = dotted.split(".")
            wanted.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
