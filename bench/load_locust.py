"""The load's users, driven by locust as a library; run by bench_load as a process of its own.

    python -m bench.load_locust PLAN.json RESULT.json

A process of its own because locust patches the standard library for gevent when imported,
which the benchmark's Django process must not have. It needs nothing of Fangpin: the plan
(written by bench_load) holds each account's bearer token and session cookie, the households
it may see and the cases prepared for its village.

Each simulated user is one account's worker at a desk or in the field: it sends a request,
reads the answer, thinks for THINK seconds and sends the next one. What it sends depends on
its role (WEIGHTS). Village users take the workflow steps on their village's cases — verify
a reported case, deliberate a verified one — and record visits, each POST with a fresh
Idempotency-Key; RETRY_SHARE of them are sent a second time with the same key, as a phone
does when it did not see the answer, and must be replayed. Every answer is written to the
result for the history check.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import time
import uuid
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, between, events, task
from locust.env import Environment

THINK = (0.2, 1.0)  # seconds between a user's requests
RETRY_SHARE = 0.2
WEIGHTS: dict[str, dict[str, int]] = {
    "village": {
        "case_action": 4,
        "visit": 3,
        "search": 3,
        "household_page": 2,
        "case_list": 1,
        "summary": 1,
    },
    "township": {"search": 3, "household_page": 2, "case_list": 3, "summary": 1, "dashboard": 1},
    "county": {"search": 4, "household_page": 2, "case_list": 2, "summary": 1, "dashboard": 1},
    "city": {"search": 3, "household_page": 1, "case_list": 1, "summary": 2, "dashboard": 2},
}
CHECKLIST = ["income_drop", "serious_illness", "students", "unstable_work"]

PLAN: dict[str, Any] = {}
LATENCIES: dict[str, list[float]] = defaultdict(list)
ERRORS: dict[str, int] = defaultdict(int)
ERROR_SAMPLES: list[str] = []
ACTIONS: list[dict[str, Any]] = []
VISITS: list[tuple[str, int, bool]] = []
# Cases waiting for their next step, per village: shared by the users of that village.
TO_VERIFY: dict[str, deque[int]] = {}
TO_DELIBERATE: dict[str, deque[int]] = {}
_SEATS = itertools.count()


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, **_: Any) -> None:
    if exception is None:
        LATENCIES[name].append(response_time / 1000)
    else:
        ERRORS[name] += 1
        if len(ERROR_SAMPLES) < 20:
            ERROR_SAMPLES.append(f"{name}: {exception}"[:300])


class FieldUser(FastHttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        seats = PLAN["seats"]
        self.account = PLAN["accounts"][seats[next(_SEATS) % len(seats)]]
        self.api_headers = {"Authorization": f"Bearer {self.account['token']}"}
        self.page_headers = {"Cookie": f"sessionid={self.account['session']}"}
        self.rng = random.Random(hash(self.account["username"]) ^ id(self))
        weights = WEIGHTS[self.account["role"]]
        self.kinds = list(weights)
        self.weights = list(weights.values())

    @task
    def one(self) -> None:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        getattr(self, f"do_{kind}")()

    # ---- reads
    def _get(self, name: str, path: str, headers: dict[str, str]) -> None:
        with self.client.get(path, headers=headers, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    def do_search(self) -> None:
        kind, q = self.rng.choice(self.account["queries"])
        self._get(f"search_{kind}", "/api/v1/households?q=" + _quote(q), self.api_headers)

    def do_household_page(self) -> None:
        household = self.rng.choice(self.account["households"])
        self._get("household_page", f"/households/{household}/", self.page_headers)

    def do_case_list(self) -> None:
        page = self.rng.randint(1, 3)
        path = f"/api/v1/cases?region={self.account['region']}&page={page}"
        self._get("case_list", path, self.api_headers)

    def do_summary(self) -> None:
        path = f"/api/v1/stats/summary?region={self.account['region']}"
        self._get("summary", path, self.api_headers)

    def do_dashboard(self) -> None:
        self._get("dashboard_page", "/dashboard/", self.page_headers)

    # ---- writes
    def _post(self, name: str, path: str, body: dict[str, Any], key: str) -> tuple[int, Any, bool]:
        headers = {**self.api_headers, "Idempotency-Key": key}
        with self.client.post(
            path, json=body, headers=headers, name=name, catch_response=True
        ) as r:
            replayed = (r.headers or {}).get("Idempotent-Replayed") == "true"
            ok = 200 <= r.status_code < 300
            if not ok:
                r.failure(f"{r.status_code} {(r.text or '')[:200]}")
            try:
                answer = r.json() if ok else None
            except ValueError:
                answer = None
                r.failure("not JSON")
            return r.status_code, answer, replayed

    def do_case_action(self) -> None:
        village = self.account["village"]
        if TO_DELIBERATE[village] and self.rng.random() < 0.5:
            case_id, action = TO_DELIBERATE[village].popleft(), "deliberate"
            body: dict[str, Any] = {"votes_total": 9, "votes_agree": 7, "votes_disagree": 2}
        elif TO_VERIFY[village]:
            case_id, action = TO_VERIFY[village].popleft(), "verify"
            body = {"findings": "入户核实,情况属实", "consent_signed": True}
        else:
            self.do_visit()  # nothing waits in this village any more
            return
        key = uuid.uuid4().hex
        path = f"/api/v1/cases/{case_id}/actions/{action}"
        tries = 2 if self.rng.random() < RETRY_SHARE else 1
        for attempt in range(tries):
            name = "case_action" if attempt == 0 else "case_action_retry"
            status, _, replayed = self._post(name, path, body, key)
            ACTIONS.append(
                {
                    "case": case_id,
                    "action": action,
                    "key": key,
                    "status": status,
                    "replayed": replayed,
                }
            )
        if action == "verify" and 200 <= status < 300:
            TO_DELIBERATE[village].append(case_id)

    def do_visit(self) -> None:
        household = self.rng.choice(self.account["households"])
        body = {
            "household_id": household,
            "met": "户主",
            "checklist": {item: self.rng.random() < 0.9 for item in CHECKLIST},
            "findings": "走访正常",
        }
        key = uuid.uuid4().hex
        tries = 2 if self.rng.random() < RETRY_SHARE else 1
        for attempt in range(tries):
            name = "visit" if attempt == 0 else "visit_retry"
            status, answer, replayed = self._post(name, "/api/v1/visits", body, key)
            if status == 201 and answer:
                VISITS.append((key, int(answer["id"]), replayed))


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def run(plan_path: Path, result_path: Path) -> None:
    PLAN.update(json.loads(plan_path.read_text()))
    for village, cases in PLAN["cases"].items():
        TO_VERIFY[village] = deque(cases)
        TO_DELIBERATE[village] = deque()
    # stop_timeout: a user finishes the request it is sending before it stops, so that every
    # action that reached the server has its answer recorded for the history check.
    env = Environment(user_classes=[FieldUser], host=PLAN["host"], events=events, stop_timeout=60)
    runner = env.create_local_runner()
    started = time.perf_counter()
    runner.start(PLAN["users"], spawn_rate=PLAN["spawn_rate"])
    gevent.spawn_later(PLAN["seconds"], runner.quit)
    runner.greenlet.join()
    elapsed = time.perf_counter() - started
    result = {
        "seconds": elapsed,
        "latencies": LATENCIES,
        "errors": ERRORS,
        "error_samples": ERROR_SAMPLES,
        "actions": ACTIONS,
        "visits": VISITS,
    }
    result_path.write_text(json.dumps(result))


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]))
