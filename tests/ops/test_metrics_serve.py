"""`/metrics` of a real `fangpin serve`: gunicorn's workers and the background worker count
into one folder (prometheus multiprocess mode), and a scrape adds them all up."""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

from .conftest import World, free_port, serving, stop, wait_for

pytestmark = pytest.mark.xdist_group("ops-serve")

REQUESTS = 60
CLIENTS = 6
MEDICAL_CSV = (
    "id_number,name,settled_on,total_cost,reimbursed,out_of_pocket,inpatient\n"
    "410421198001010000,甲,2026-03-01,30000,5000,25000,是\n"
)


def _get(url: str, **headers: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _counter(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def _token(base: str, username: str) -> str:
    body = json.dumps({"username": username, "password": "fangpin2026"}).encode()
    request = urllib.request.Request(  # noqa: S310
        base + "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return str(json.loads(response.read())["token"])


def _upload(base: str, token: str) -> int:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in (("source", "medical"), ("period", "2026-03")):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n{MEDICAL_CSV}\r\n--{boundary}--\r\n"
    )
    request = urllib.request.Request(  # noqa: S310
        base + "/api/v1/screening/batches",
        data="".join(parts).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        assert response.status == 202
        return int(json.loads(response.read())["id"])


def test_a_scrape_adds_up_every_worker_process_and_the_background_worker(world: World):
    stale = world.data / "metrics" / f"{socket.gethostname()}-999999999"
    stale.mkdir(parents=True)
    (stale / "counter_999999999.db").write_bytes(b"left by a server that is gone")
    port = free_port()
    server = world.start("serve", "--port", str(port), FANGPIN_SERVE_WORKERS="3")
    base = f"http://127.0.0.1:{port}"
    assert serving(base, server), server.stdout.read().decode() if server.stdout else ""
    assert not stale.exists(), "the folder of a server that is gone was left behind"
    folder = world.data / "metrics" / f"{socket.gethostname()}-{server.pid}"
    assert folder.is_dir()

    # Many clients at once, each request on a new connection: the workers share them.
    def client() -> None:
        for _ in range(REQUESTS // CLIENTS):
            assert _get(base + "/healthz")[0] == 200

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Every scrape, whichever worker answers it, sees every worker's count.
    for _ in range(5):
        status, body = _get(base + "/metrics")
        assert status == 200
        text = body.decode()
        healthz = _counter(
            text, "fangpin_http_requests_total", route="healthz", method="GET", status="2xx"
        )
        assert healthz == REQUESTS
    pids = {f.stem.rsplit("_", 1)[1] for f in folder.glob("counter_*.db")}
    assert len(pids) >= 2, f"one worker answered everything ({pids}): not a multiprocess test"

    # A batch screened by the background worker, a process of its own, is counted too.
    token = _token(base, "department")
    batch = _upload(base, token)

    def finished() -> bool:
        status, body = _get(
            f"{base}/api/v1/screening/batches/{batch}", Authorization=f"Bearer {token}"
        )
        return status == 200 and json.loads(body)["status"] in ("done", "failed")

    assert wait_for(finished, timeout=120, every=1)
    text = _get(base + "/metrics")[1].decode()
    assert _counter(text, "fangpin_screening_batches_total", source="medical", status="done") == 1
    assert _counter(text, "fangpin_screening_rows_total", source="medical") == 1

    # Not reachable through a proxy's forwarding header, even from this machine.
    assert _get(base + "/metrics", **{"X-Forwarded-For": "203.0.113.7"})[0] == 404
    assert stop(server) == 0
