from __future__ import annotations

from ninja import Router

warnings_router = Router(tags=["预警"])
batches_router = Router(tags=["部门筛查"])
