"""Shared fixtures: the real Pingdingshan tree is loaded once per test database, and users
of every role in two counties (宝丰县 and 叶县) are at hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from fangpin.accounts.models import User
from fangpin.accounts.services import token_issue, user_create

# Real codes from the bundled division data.
CITY = "410400"
BAOFENG = "410421"  # 宝丰县
BAOFENG_TOWN = "410421101"  # 宝丰县周庄镇
BAOFENG_VILLAGE = "410421101201"  # 周庄村
YEXIAN = "410422"  # 叶县
YEXIAN_TOWN = "410422101"  # 叶县任店镇
YEXIAN_VILLAGE = "410422101201"  # 任店一村
PASSWORD = "Fangpin-test-2026"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (not skip) PostgreSQL-only tests when the suite runs on SQLite."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    chosen = [item for item in items if item.get_closest_marker("postgres_only") is None]
    dropped = [item for item in items if item.get_closest_marker("postgres_only") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = chosen


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 is slow on purpose; tests log in hundreds of times. Production keeps PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_file_areas(settings: Any, tmp_path: Any) -> None:
    """Each test writes uploads and screening files in its own folder: the test databases are
    per worker, so a shared ./var would let one worker's registry export meet another's rows."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FANGPIN_SCREENING_DIR = tmp_path / "screening"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from fangpin.policy.services import policy_seed
    from fangpin.regions.services import regions_load

    with django_db_blocker.unblock():
        regions_load(city="4104")
        policy_seed()


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(role: str, region: str, username: str | None = None) -> User:
        user, _ = user_create(
            username=username or f"{role}-{region}",
            role=role,
            region_code=region,
            password=PASSWORD,
        )
        return user

    return make


class ApiClient(Client):
    """A test client that speaks JSON to /api/v1/ with a bearer token."""

    def __init__(self, user: User | None = None) -> None:
        super().__init__()
        self.user = user
        self.token = token_issue(user=user) if user is not None else None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def api(self, method: str, path: str, data: Any = None, **kwargs: Any) -> Any:
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        call = getattr(self, method.lower())
        headers = {**self._headers(), **kwargs.pop("headers", {})}
        if method.upper() in {"POST", "PUT", "PATCH"} and "content_type" not in kwargs:
            if isinstance(data, dict) and any(hasattr(v, "read") for v in data.values()):
                return call(url, data, headers=headers, **kwargs)
            kwargs["content_type"] = "application/json"
        return call(url, data, headers=headers, **kwargs)


@pytest.fixture
def api_as(make_user: Callable[..., User]) -> Callable[..., ApiClient]:
    """api_as("county", BAOFENG) -> a client acting as a county user of 宝丰县."""

    def make(role: str, region: str, username: str | None = None) -> ApiClient:
        return ApiClient(make_user(role, region, username))

    return make


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient(None)


# Transactional tests (threads, other processes) empty every table when they end.
@pytest.fixture(scope="module")
def reference_data_restored(django_db_blocker: Any) -> Any:
    """A transactional test empties every table when it ends; put the division tree and the
    policy rows back for whatever test runs next (a module fixture tears down after that)."""
    yield
    from fangpin.policy.services import policy_seed
    from fangpin.regions.models import Region
    from fangpin.regions.services import regions_load

    with django_db_blocker.unblock():
        if not Region.objects.exists():
            regions_load(city="4104")
        policy_seed()


@pytest.fixture
def reference_data(transactional_db: Any) -> None:
    """The division tree and policy rows, for a transactional test that runs after another
    one emptied the tables."""
    from fangpin.policy.services import policy_seed
    from fangpin.regions.models import Region
    from fangpin.regions.services import regions_load

    if not Region.objects.exists():
        regions_load(city="4104")
        policy_seed()
