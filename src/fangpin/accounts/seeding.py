"""Accounts for `fangpin demo` seeders (monitoring, supervision ...)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from .models import Role, User


class DemoActors:
    """Who acts in the demo: the demo accounts where they exist, else one account per role and
    place, with an unusable password (these accounts never log in)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], User] = {}
        self._password = make_password(None)

    def get(self, role: str, code: str) -> User:
        key = (role, code)
        if key not in self._cache:
            user = User.objects.filter(role=role, region_id=code).order_by("id").first()
            if user is None:
                user = User.objects.create(
                    username=f"seed-{role}-{code}",
                    role=role,
                    region_id=code,
                    password=self._password,
                    first_name=f"{Role(role).label}经办人",
                )
            self._cache[key] = User.objects.select_related("region").get(pk=user.pk)
        return self._cache[key]
