"""The province (河南省 410000) above the cities: codes, the loaded tree, `load-divisions`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangpin.regions.models import CHILD_LEVEL, Level, Region, canonical_code
from tests.conftest import CITY

pytestmark = pytest.mark.django_db


def test_province_codes_are_read_in_every_written_form() -> None:
    assert canonical_code("41") == "410000"
    assert canonical_code("410000") == "410000"
    assert canonical_code("410000000000") == "410000"
    assert canonical_code("4104") == CITY


def test_loading_a_city_puts_the_province_above_it() -> None:
    province = Region.objects.get(code="410000")
    assert (province.name, province.level, province.parent_id) == ("河南省", "province", None)
    assert (province.prefix, province.prefix_code) == ("41", "410000000000")
    city = Region.objects.get(code=CITY)
    assert city.parent_id == "410000"
    assert Region.objects.get(code="410421101201").full_name.startswith("河南省平顶山市宝丰县")
    assert CHILD_LEVEL[Level.PROVINCE] == Level.CITY


def test_load_divisions_for_the_province_loads_every_city_and_village() -> None:
    out = StringIO()
    call_command("load-divisions", "--province", "41", stdout=out)
    assert "已加载 55164 个行政区划" in out.getvalue()
    cities = Region.objects.filter(level=Level.CITY)
    assert cities.count() == 18
    assert set(cities.values_list("parent_id", flat=True)) == {"410000"}
    assert Region.objects.filter(level=Level.VILLAGE).count() == 52_378


def test_load_divisions_refuses_a_province_it_does_not_have() -> None:
    with pytest.raises(CommandError, match="没有代码为 42 的省") as caught:
        call_command("load-divisions", "--province", "42", stdout=StringIO())
    assert caught.value.returncode == 1
