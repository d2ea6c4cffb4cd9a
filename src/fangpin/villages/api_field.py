"""API of CONTRACT §7: grids, visits, public village pages, self-reports, policies, liaisons."""

from ninja import Router

router = Router(tags=["村级工作"])
