"""Small things a person notices on every page: short village names and the current menu."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from fangpin.accounts.models import User
from fangpin.web.templatetags.fangpin import short_region
from tests.conftest import BAOFENG_VILLAGE


@pytest.mark.parametrize(
    ("official", "spoken"),
    [
        ("周庄村村民委员会", "周庄村"),
        ("刘湾村委会", "刘湾村"),
        ("东崔庄村民委员会", "东崔庄村"),
        ("陈营社区居委会", "陈营社区"),
        ("丁楼社区居民委员会", "丁楼社区"),
        ("周庄镇", "周庄镇"),
    ],
)
def test_village_committee_names_are_shown_as_people_say_them(official: str, spoken: str) -> None:
    assert short_region(official) == spoken


@pytest.mark.django_db
def test_only_the_most_specific_menu_entry_is_marked_current(
    make_user: Callable[..., User],
) -> None:
    client = Client()
    client.force_login(make_user("village", BAOFENG_VILLAGE))

    html = client.get("/households/import/").content.decode()

    assert html.count('aria-current="page"') == 1
    assert 'class="active" aria-current="page">导入<' in html


@pytest.mark.django_db
def test_every_page_names_the_site_icon_and_the_icon_is_served() -> None:
    from django.contrib.staticfiles import finders

    client = Client()
    html = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/static/web/favicon.svg" type="image/svg+xml">' in html
    icon = finders.find("web/favicon.svg")
    assert icon is not None
    with open(icon, encoding="utf-8") as fh:
        svg = fh.read()
    assert svg.startswith("<svg") and "style" not in svg and "script" not in svg  # strict CSP
    asked = client.get("/favicon.ico")  # what a browser asks for on its own
    assert asked.status_code == 301 and asked["Location"] == "/static/web/favicon.svg"
