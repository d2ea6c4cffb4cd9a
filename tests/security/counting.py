"""An authentication backend that counts the password checks it makes (and makes each one
take a while, like a real hash, so that simultaneous attempts overlap)."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.contrib.auth.backends import ModelBackend

PATH = "tests.security.counting.CountingBackend"


class CountingBackend(ModelBackend):
    calls = 0
    delay_s = 0.0
    _lock = threading.Lock()

    @classmethod
    def reset(cls, delay_s: float = 0.0) -> None:
        with cls._lock:
            cls.calls = 0
        cls.delay_s = delay_s

    def authenticate(
        self, request: Any, username: Any = None, password: Any = None, **kw: Any
    ) -> Any:
        with CountingBackend._lock:
            CountingBackend.calls += 1
        time.sleep(CountingBackend.delay_s)
        return super().authenticate(request, username=username, password=password, **kw)
