"""Demo data for asset work: income of operating assets shared equally among their villages'
脱贫户 (as `asset_income` links, then handed to the registry like every link), a disposal
approved and one waiting, this year's check with about three in four assets checked, and one
联村共建 group per county. Called by `seeding.seed`."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from fangpin.core.errors import Conflict
from fangpin.core.money import yuan
from fangpin.core.scoping import region_q
from fangpin.regions.models import Region

from .models import (
    Asset,
    AssetCheck,
    AssetClass,
    AssetDisposal,
    AssetIncome,
    BenefitKind,
    BenefitLink,
    CheckRound,
    Condition,
    DisposalKind,
    DisposalState,
    DistributionRule,
    Entity,
    Project,
    VillageGroup,
)
from .services_assets import equal_shares

INCOMES_PER_COUNTY = 3
RETURN_RATE = Decimal("0.06")  # a year's rent on an operating asset, of its value
CHECKED_SHARE = 0.75


def seed_asset_work(
    rng: random.Random,
    counties: list[str],
    villages: dict[str, list[str]],
    today: dt.date,
    sync: Callable[[set[int], dt.date], None],
) -> None:
    sync(_incomes(rng, counties, today), today)
    _disposals(counties, today)
    _checks(rng, counties, today)
    _groups(counties, villages, today)


def _incomes(rng: random.Random, counties: list[str], today: dt.date) -> set[int]:
    touched: set[int] = set()
    for county in counties:
        operating = Asset.objects.filter(
            region_q("village_id", county), asset_class=AssetClass.OPERATING
        ).select_related("village")[:INCOMES_PER_COUNTY]
        for asset in operating:
            income = AssetIncome.objects.create(
                asset=asset,
                year=today.year,
                amount=yuan(asset.value * RETURN_RATE) or Decimal("1000.00"),
                source=rng.choice(["出租收益", "经营分红", "光伏发电收益"]),
                received_on=today - dt.timedelta(days=rng.randint(1, 60)),
            )
            try:
                shares = equal_shares(income, income.amount)
            except Conflict:  # no 脱贫户 in the village: the income waits undistributed
                continue
            BenefitLink.objects.bulk_create(
                BenefitLink(
                    household_id=hid,
                    asset_income=income,
                    kind=BenefitKind.ASSET_INCOME,
                    year=income.year,
                    amount=amount,
                )
                for hid, amount in shares.items()
            )
            AssetIncome.objects.filter(pk=income.pk).update(
                rule=DistributionRule.EQUAL, distributed_at=income.created_at
            )
            touched |= set(shares)
    return touched


def _disposals(counties: list[str], today: dt.date) -> None:
    for county in counties:
        assets = list(Asset.objects.filter(region_q("village_id", county)).order_by("-id")[:2])
        if len(assets) < 2:
            continue
        done_on = today - dt.timedelta(days=20)
        AssetDisposal.objects.create(
            asset=assets[0],
            kind=DisposalKind.SCRAP,
            reason="设施老化损毁,已无修复价值",
            value=Decimal(0),
            state=DisposalState.APPROVED,
            requested_on=today - dt.timedelta(days=40),
            decided_on=done_on,
            opinion="同意报废",
        )
        Asset.objects.filter(pk=assets[0].pk).update(disposed_on=done_on)
        AssetDisposal.objects.create(
            asset=assets[1],
            kind=DisposalKind.TRANSFER,
            reason="移交乡镇统一管护",
            value=assets[1].value,
            recipient="乡镇政府",
            requested_on=today - dt.timedelta(days=5),
        )


def _checks(rng: random.Random, counties: list[str], today: dt.date) -> None:
    rows = []
    for county in counties:
        check_round = CheckRound.objects.create(
            year=today.year, county_id=county, starts_on=today - dt.timedelta(days=30)
        )
        due = Asset.objects.filter(region_q("village_id", county), disposed_on__isnull=True)
        for asset in due:
            if rng.random() > CHECKED_SHARE:
                continue  # not checked yet: flagged on the check page
            rows.append(
                AssetCheck(
                    round=check_round,
                    asset=asset,
                    exists=rng.random() > 0.03,
                    condition=rng.choice([Condition.GOOD, Condition.GOOD, Condition.FAIR]),
                    in_use=rng.random() > 0.1,
                    rights_ok=asset.rights_complete,
                    checked_on=today - dt.timedelta(days=rng.randint(0, 25)),
                )
            )
    AssetCheck.objects.bulk_create(rows)


def _groups(counties: list[str], villages: dict[str, list[str]], today: dt.date) -> None:
    by_county: dict[str, list[str]] = defaultdict(list)
    for county in counties:
        by_county[county] = villages[county][:3]
    for county, members in by_county.items():
        if len(members) < 2:
            continue
        entity = Entity.objects.filter(county_id=county).order_by("id").first()
        industry = entity.industry if entity is not None and entity.industry else "特色种养"
        group = VillageGroup.objects.create(
            name=f"{industry}联村共建",
            county_id=county,
            lead_village_id=members[0],
            industry=industry,
            year=today.year,
        )
        group.villages.set(Region.objects.filter(code__in=members))
        project = Project.objects.filter(village_id__in=members).order_by("id").first()
        if project is not None:
            group.projects.set([project])
        if entity is not None:
            group.entities.set([entity])
