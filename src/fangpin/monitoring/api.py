from __future__ import annotations

from ninja import Router

cases_router = Router(tags=["监测帮扶"])
