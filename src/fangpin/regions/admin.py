"""Back office for regions and grids (scoped: see core.admin)."""

from __future__ import annotations

from django.contrib import admin

from fangpin.core.admin import ScopedModelAdmin

from .models import Grid, Region

# Grids are kept by the people who know the village.
GRID_WRITE_ROLES = frozenset({"village", "township", "county"})


@admin.register(Region)
class RegionAdmin(ScopedModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("=code", "name")
    list_select_related = ("parent",)
    readonly_fields = ("code", "name", "level", "parent", "prefix", "prefix_code")
    # The division tree comes from the statistics bureau's data (load-divisions), not by hand.
    write_roles = frozenset()


@admin.register(Grid)
class GridAdmin(ScopedModelAdmin):
    list_display = ("name", "village", "worker_name")
    search_fields = ("name", "worker_name")
    list_select_related = ("village",)
    raw_id_fields = ("village",)
    write_roles = GRID_WRITE_ROLES
    may_add = True
