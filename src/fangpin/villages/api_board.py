"""API of CONTRACT §7: census rounds, problems, ratings."""

from ninja import Router

router = Router(tags=["村级工作"])
