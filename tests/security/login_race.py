"""Twenty wrong passwords for one account at the same moment, through the web login, the API
token and the back office login, each from its own thread with its own database connection.

Run in-process on PostgreSQL (tests/security/test_logins.py), and as a script on a real
SQLite file in WAL mode as served in production (`python -m tests.security.login_race DIR`
prints the outcome as JSON).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any

ATTEMPTS = 20
USERNAME = "race-target"
PATHS = ("/login/", "/api/v1/auth/token", "/admin/login/")


def _attempt(path: str) -> Any:
    from django.test import Client

    client = Client()
    credentials = {"username": USERNAME, "password": "wrong-password-0"}
    if path.startswith("/api/"):
        return client.post(path, json.dumps(credentials), content_type="application/json")
    return client.post(path, credentials)


def race() -> dict[str, Any]:
    """Fire ATTEMPTS wrong logins at once; return the password checks made and the answers."""
    from django.db import connection

    from tests.security.counting import CountingBackend

    CountingBackend.reset(delay_s=0.2)
    barrier = threading.Barrier(ATTEMPTS)
    answers: list[Any] = [None] * ATTEMPTS

    def run(index: int) -> None:
        try:
            barrier.wait()
            response = _attempt(PATHS[index % len(PATHS)])
            answers[index] = [response.status_code, response.get("Retry-After")]
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"checks": CountingBackend.calls, "answers": answers}


def main(data_dir: str) -> None:
    os.environ["FANGPIN_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fangpin.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    from fangpin.accounts.models import User
    from tests.security.counting import PATH

    call_command("migrate", verbosity=0)
    User.objects.create_user(USERNAME, password="Right-password-2026")
    with override_settings(
        AUTHENTICATION_BACKENDS=[PATH],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        outcome = race()
    print(json.dumps(outcome))


if __name__ == "__main__":
    main(sys.argv[1])
