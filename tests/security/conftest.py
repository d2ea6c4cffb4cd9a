"""Fixtures for the attacks: hostile files made once per session, uploads kept in the test's
own folders, clients of the roles that can send files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_q.conf import Conf

from fangpin.accounts.models import User

from .hostile import deflate_bomb, sparse_extent


@pytest.fixture(autouse=True)
def sandbox(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FANGPIN_SCREENING_DIR = tmp_path / "screening"
    monkeypatch.setattr(Conf, "SYNC", True)
    return tmp_path


@pytest.fixture(scope="session")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {
        "sparse": sparse_extent(folder / "sparse.xlsx"),
        "sparse_undeclared": sparse_extent(folder / "sparse_undeclared.xlsx", declared=False),
        "deflate": deflate_bomb(folder / "deflate.xlsx"),
    }


@pytest.fixture
def browser(make_user: Callable[..., User]) -> Callable[..., Client]:
    def make(role: str, region: str, username: str | None = None) -> Client:
        client = Client()
        client.force_login(make_user(role, region, username))
        return client

    return make


# The world of the bad-input and fuzz tests (one of everything a write route can name).
from .world import world as world  # noqa: E402
