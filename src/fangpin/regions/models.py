"""The administrative tree 省 > 市 > 县 > 乡镇 > 村 with real 统计用区划代码, and grids."""

from __future__ import annotations

from django.db import models


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县(市、区)"
    TOWNSHIP = "township", "乡镇(街道)"
    VILLAGE = "village", "村(社区)"


# How many leading digits of the 12-digit code identify a region of each level.
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
# The level below each one (the drill-down of dashboards and region pickers).
CHILD_LEVEL = {
    Level.PROVINCE: Level.CITY,
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
}


def canonical_code(raw: str) -> str:
    """Accept 41, 4104, 410400, 410400000000, 410421, 410421100, 410421100200 and the padded
    forms.

    Canonical codes follow the statistics bureau's usage: province, city and county 6 digits,
    township 9, village 12.
    """
    code = raw.strip()
    if not code.isdigit():
        return code
    if len(code) == 2:
        return code + "0000"
    if len(code) == 4:
        return code + "00"
    if len(code) == 12 and code.endswith("000000"):
        return code[:6]
    if len(code) == 12 and code.endswith("000"):
        return code[:9]
    return code


class Region(models.Model):
    region_field = "prefix_code"

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The digits that begin every code in this subtree (4104, 410421, 410421100, ...).
    prefix = models.CharField("代码前缀", max_length=12, db_index=True)
    # The 12-digit padded code, so that a subtree is a range scan on one index.
    prefix_code = models.CharField("12位代码", max_length=12, unique=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}({self.code})"

    @property
    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class Grid(models.Model):
    """A grid (网格) inside a village, with the grid worker who visits its households."""

    region_field = "village_id"

    village = models.ForeignKey(
        Region,
        verbose_name="村",
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"level": Level.VILLAGE},
    )
    name = models.CharField("网格名称", max_length=64)
    worker_name = models.CharField("网格员", max_length=32, blank=True)
    worker_phone = models.CharField("网格员电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="grid_unique_name_in_village")
        ]

    def __str__(self) -> str:
        return self.name
