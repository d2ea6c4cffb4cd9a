"""Serving the site: gunicorn in production, Django's own server with `--dev`.

Both run the background worker beside them (fangpin.web.worker) and stop it when they stop.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from .worker import worker_start, worker_stop

MISSING_KEY_MESSAGE = (
    "拒绝启动:生产环境必须设置环境变量 FANGPIN_SECRET_KEY(至少 50 个随机字符,"
    '例如 python -c "import secrets; print(secrets.token_urlsafe(50))" 生成)。'
    "开发调试请使用 fangpin serve --dev,演示请使用 make demo。"
)


def secret_key_missing(*, dev: bool) -> bool:
    """Production (not --dev, not DEBUG) needs its own secret key from the environment."""
    if dev or settings.DEBUG:
        return False
    key = os.environ.get("FANGPIN_SECRET_KEY", "")
    return not key or key == settings.FANGPIN_DEV_SECRET


def serve(*, port: int, out: Any, dev: bool = False, host: str = "127.0.0.1") -> None:
    # WhiteNoise serves through the finders; an existing STATIC_ROOT just keeps it quiet.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    kind = "开发服务器" if dev else "gunicorn"
    out.write(f"防贫系统已启动({kind}):http://{host}:{port}/  (按 Ctrl+C 停止)")
    # Forked workers must not share the connections the preparation opened.
    connections.close_all()
    worker = worker_start()
    # SIGTERM ends the server like Ctrl+C does (gunicorn installs its own handlers).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if dev:
            _dev_serve(host=host, port=port)
        else:
            _gunicorn_serve(host=host, port=port)
    finally:
        worker_stop(worker)


def _dev_serve(*, host: str, port: int) -> None:
    """Django's server, threaded, without the auto-reloader (it would run everything twice)."""
    from django.core.management import call_command

    call_command(
        "runserver", f"{host}:{port}", use_reloader=False, use_threading=True, skip_checks=True
    )


def _gunicorn_serve(*, host: str, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"{host}:{port}",
        "workers": settings.FANGPIN_SERVE_WORKERS,
        "threads": settings.FANGPIN_SERVE_THREADS,
        "worker_class": "gthread",
        "timeout": 120,
        "graceful_timeout": 20,
        "keepalive": 5,
        "max_requests": 5000,
        "max_requests_jitter": 500,
        # No access log: request lines carry query strings (a search by ID number).
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "fangpin",
    }

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from fangpin.wsgi import application

            return application

    Application().run()
