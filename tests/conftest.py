import pytest
from django.contrib.auth.models import Group


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
            user.groups.add(Group.objects.get(name=group_name))
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
