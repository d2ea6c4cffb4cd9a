"""The monitoring fixtures (cadres acting through the API, a movable clock) for the summary."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import ApiClient
from tests.monitoring.conftest import Cadres, Clock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def cadres(api_as: Callable[..., ApiClient], clock: Clock) -> Cadres:
    return Cadres(api_as, clock)
