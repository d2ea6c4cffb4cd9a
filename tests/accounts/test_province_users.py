"""Users at the province (410000): a viewer may be bound there; the city role stays a city's."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangpin.accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_viewer_can_be_created_for_the_province(capsys) -> None:
    call_command("create-user", "prov", "--role", "viewer", "--region", "410000")
    user = User.objects.get(username="prov")
    assert (user.role, user.region_id) == ("viewer", "410000")
    assert "密码" in capsys.readouterr().out


def test_a_viewer_at_the_province_may_be_given_as_41() -> None:
    call_command("create-user", "prov41", "--role", "viewer", "--region", "41")
    assert User.objects.get(username="prov41").region_id == "410000"


def test_the_city_role_cannot_be_bound_to_the_province() -> None:
    with pytest.raises(CommandError) as caught:
        call_command("create-user", "c", "--role", "city", "--region", "410000")
    assert caught.value.returncode == 1
    assert not User.objects.filter(username="c").exists()
