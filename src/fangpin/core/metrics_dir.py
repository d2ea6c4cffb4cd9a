"""The folder where a server's processes keep their metric counts (prometheus multiprocess).

Needs neither Django nor prometheus-client: the CLI calls it before either is imported.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_dir_prepare(data_dir: Path) -> Path:
    """Give this server's processes a fresh folder for their metric files, in the environment.

    One folder per serving process (host and pid) under `<data dir>/metrics/`, so that two
    servers sharing a data directory never add up or delete each other's counts. Folders of
    this host's servers that are gone are removed: a restart starts the counts at zero, as
    Prometheus's rate() expects. The processes started afterwards (gunicorn's workers, the
    background worker) inherit the folder through the environment.
    """
    root = data_dir / "metrics"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    host = socket.gethostname()
    for folder in root.glob(f"{host}-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    mine = root / f"{host}-{os.getpid()}"
    shutil.rmtree(mine, ignore_errors=True)
    mine.mkdir(mode=0o700)
    os.environ[MULTIPROC_ENV] = str(mine)
    return mine


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
