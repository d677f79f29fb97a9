import importlib

import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission


def staff_group(name):
    """The group the migration made, or again after a transactional test flushed it."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        staff_groups = importlib.import_module("registrations.migrations.0002_staff_groups")
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        for app_label, model, action in staff_groups.GROUP_PERMISSIONS[name]:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )
    return group


@pytest.fixture
def staff_user(django_user_model):
    def make(group_name=None, **extra):
        user = django_user_model.objects.create_user(
            username=extra.pop("username", f"staff-{group_name or 'none'}"),
            password="pw-for-tests-only",
            is_staff=True,
            **extra,
        )
        if group_name:
            user.groups.add(staff_group(group_name))
        return user

    return make


@pytest.fixture
def editor(staff_user):
    return staff_user("Redaktion")


@pytest.fixture
def participant_manager(staff_user):
    return staff_user("Teilnehmermanagement")


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
