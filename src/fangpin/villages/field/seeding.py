"""Demo data of the field work (`fangpin demo`): grids over every household, a few months of
visits, the sample policy catalogue (22 sector + 13 city policies, marked 示例), liaisons and
a few farmers' reports. Deterministic for a given `rng`; bulk inserts, a few seconds."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.db.models import QuerySet

from fangpin.accounts.models import Role, User
from fangpin.core.deadlines import add_working_days
from fangpin.monitoring.models import Case
from fangpin.regions.models import Region
from fangpin.registry.models import Household

from ..models import CHECKLIST, Grid, GridHousehold, GridLevel, Liaison, Policy, SelfReport, Visit
from .selectors import MONITORED_NOW

CITY = "410400"
VISIT_MONTHS = 4
GROUP_SIZE = 60  # households per 组级网格 in the bigger villages

# (部门, 政策, 层级, 享受条件, 帮扶内容, 办理方式): plausible Henan content, sample data.
SECTOR_POLICIES: list[tuple[str, str, str, str, str, str]] = [
    (
        "教育局",
        "学前教育资助",
        "provincial",
        "脱贫家庭、监测对象家庭在园幼儿",
        "每生每年资助保育教育费1000元",
        "向就读幼儿园申请",
    ),
    (
        "教育局",
        "义务教育阶段家庭经济困难学生生活补助",
        "national",
        "脱贫家庭、监测对象家庭寄宿生",
        "小学每生每年1000元,初中1250元",
        "向就读学校申请",
    ),
    (
        "教育局",
        "普通高中国家助学金",
        "national",
        "家庭经济困难学生",
        "每生每年平均2000元",
        "向就读学校申请",
    ),
    (
        "乡村振兴局",
        "雨露计划职业教育补助",
        "provincial",
        "脱贫家庭、监测对象家庭中职、高职在校生",
        "每生每学期1500元",
        "向村委会提出申请,乡镇审核",
    ),
    (
        "医疗保障局",
        "城乡居民医保参保资助",
        "provincial",
        "特困人员、低保对象、返贫致贫人口",
        "个人缴费部分给予全额或定额资助",
        "由乡镇医保站统一办理",
    ),
    (
        "医疗保障局",
        "基本医保、大病保险、医疗救助三重保障",
        "provincial",
        "参加城乡居民医保的农村人口",
        "住院费用按规定比例报销,大病保险起付线降低",
        "出院时在定点医院一站式结算",
    ),
    (
        "卫生健康委",
        "家庭医生签约服务",
        "county",
        "脱贫人口和监测对象",
        "一年一次免费健康体检和随访",
        "联系村卫生室签约",
    ),
    (
        "卫生健康委",
        "慢性病门诊用药保障",
        "county",
        "患高血压、糖尿病等慢性病的参保人员",
        "门诊用药按比例报销",
        "村卫生室或乡镇卫生院办理认定",
    ),
    (
        "住房和城乡建设局",
        "农村危房改造",
        "provincial",
        "住房鉴定为C级、D级的低收入群体",
        "按改造方式给予补助,最高每户3.5万元",
        "向村委会申请,县住建局鉴定",
    ),
    (
        "水利局",
        "农村饮水安全保障",
        "county",
        "饮水不达标的农户",
        "免费接通自来水、维修管网",
        "向村委会或乡镇水利站反映",
    ),
    (
        "民政局",
        "农村最低生活保障",
        "provincial",
        "家庭人均收入低于当地低保标准的农户",
        "按标准差额发放低保金",
        "向乡镇人民政府提出申请",
    ),
    (
        "民政局",
        "特困人员救助供养",
        "provincial",
        "无劳动能力、无生活来源、无法定赡养人的人员",
        "基本生活费和照料护理补贴",
        "向乡镇人民政府提出申请",
    ),
    (
        "民政局",
        "临时救助",
        "county",
        "因意外事件、突发重大疾病等导致生活困难的家庭",
        "一次性发放临时救助金",
        "向乡镇人民政府或村委会申请",
    ),
    (
        "残疾人联合会",
        "困难残疾人生活补贴和重度残疾人护理补贴",
        "provincial",
        "持证残疾人",
        "每人每月各80元左右",
        "向乡镇残联专干申请",
    ),
    (
        "人力资源和社会保障局",
        "跨省务工一次性交通补助",
        "city",
        "外出务工的脱贫劳动力和监测对象",
        "每人每年一次性补助交通费",
        "向乡镇社保所申请",
    ),
    (
        "人力资源和社会保障局",
        "职业技能培训补贴",
        "provincial",
        "有培训意愿的农村劳动力",
        "免费培训并发放生活费补贴",
        "向县就业局或培训学校报名",
    ),
    (
        "人力资源和社会保障局",
        "乡村公益性岗位",
        "county",
        "弱劳动力、半劳动力的脱贫人口和监测对象",
        "每人每月岗位补贴",
        "向村委会报名,乡镇审核",
    ),
    (
        "金融监管局",
        "脱贫人口小额信贷",
        "national",
        "有贷款意愿、有发展能力的脱贫户和监测户",
        "5万元以下、3年以内、免担保免抵押、财政贴息",
        "向村委会或当地银行申请",
    ),
    (
        "农业农村局",
        "产业发展奖补",
        "county",
        "发展种养业的脱贫户和监测户",
        "按产业规模给予以奖代补",
        "向村委会申报,乡镇验收",
    ),
    (
        "应急管理局",
        "自然灾害生活救助",
        "county",
        "遭受自然灾害的受灾群众",
        "发放过渡期生活救助和倒损住房恢复重建补助",
        "向村委会报灾,乡镇核实",
    ),
    (
        "乡村振兴局",
        "防贫保险",
        "city",
        "脱贫户、监测户及收入不稳定的一般农户",
        "因病、因灾、因学导致支出骤增的给予保险赔付",
        "村级申报,保险公司核查",
    ),
    (
        "司法局",
        "法律援助",
        "county",
        "经济困难的农村群众",
        "免费法律咨询和代理",
        "拨打12348或到乡镇司法所申请",
    ),
]

CITY_POLICIES: list[tuple[str, str, str, str, str]] = [
    (
        "市乡村振兴局",
        "平顶山市防止返贫动态监测帮扶实施办法",
        "全市农村人口",
        "监测范围、识别程序和帮扶措施",
        "向村委会或网格员反映",
    ),
    (
        "市乡村振兴局",
        "市级衔接资金产业项目",
        "带动脱贫户和监测户的经营主体",
        "项目资金支持和收益分红",
        "由乡镇申报,县级审核",
    ),
    (
        "市人社局",
        "就业帮扶车间吸纳就业奖补",
        "吸纳脱贫人口就业的帮扶车间",
        "按吸纳人数给予一次性奖补",
        "车间向县人社局申报",
    ),
    (
        "市人社局",
        "返乡创业担保贷款",
        "返乡创业的农民工",
        "最高20万元创业担保贷款,财政贴息",
        "向县人社局创业担保中心申请",
    ),
    (
        "市医保局",
        "困难群众医疗费用兜底保障",
        "脱贫人口和监测对象",
        "合规自付费用超过一定额度的给予再救助",
        "出院一站式结算或向县医保局申请",
    ),
    (
        "市教育局",
        "大学新生入学资助",
        "脱贫家庭、监测家庭当年考入大学的新生",
        "一次性资助路费和生活费",
        "向县教育局学生资助中心申请",
    ),
    (
        "市民政局",
        "低保边缘家庭救助",
        "低保边缘家庭中的重病、重残人员",
        "单人保纳入低保",
        "向乡镇人民政府申请",
    ),
    (
        "市农业农村局",
        "一县一业特色产业扶持",
        "参与特色产业的农户",
        "种苗、技术和市场对接支持",
        "向乡镇农业服务中心报名",
    ),
    ("市住建局", "农房抗震改造补助", "低收入群体农房", "按改造标准给予补助", "向村委会提出申请"),
    (
        "市水利局",
        "农村供水工程维修养护",
        "农村集中供水工程受益群众",
        "维修养护费用补助",
        "向乡镇水利站反映",
    ),
    (
        "市残联",
        "残疾人辅助器具适配",
        "有需求的持证残疾人",
        "免费适配基本型辅助器具",
        "向乡镇残联专干申请",
    ),
    ("市妇联", "巧媳妇创业就业帮扶", "农村妇女", "技能培训和居家就业对接", "向村妇联主席报名"),
    (
        "市总工会",
        "困难职工家庭帮扶",
        "在外务工的困难职工家庭",
        "生活救助和子女助学",
        "向所在工会申请",
    ),
]

LIAISON_SECTORS = ["教育", "医保", "卫健", "住建", "水利", "民政", "人社", "农业农村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙朱马胡郭何高林罗"
GIVEN = "建国秀英志强海燕明华丽娟国庆红梅伟东晓丽春生桂兰德胜"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, k=2))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(str(rng.randrange(10)) for _ in range(9))


def seed(*, rng: random.Random, households: QuerySet[Household], today: dt.date) -> None:
    with transaction.atomic():
        _catalogue(rng)
        _grids(rng, households)
        _visits(rng, households, today)
        _reports(rng, households, today)


def _catalogue(rng: random.Random) -> None:
    if Policy.objects.filter(sample=True).exists():
        return
    city = Region.objects.filter(code=CITY).first()
    if city is None:
        return
    Policy.objects.bulk_create(
        [
            Policy(
                region=city,
                department=d,
                title=t,
                level=lv,
                eligibility=e,
                benefit=b,
                how_to_apply=h,
                sample=True,
            )
            for d, t, lv, e, b, h in SECTOR_POLICIES
        ]
        + [
            Policy(
                region=city,
                department=d,
                title=t,
                level="city",
                eligibility=e,
                benefit=b,
                how_to_apply=h,
                sample=True,
            )
            for d, t, e, b, h in CITY_POLICIES
        ]
    )


def _grids(rng: random.Random, households: QuerySet[Household]) -> None:
    if Grid.objects.exists():
        return
    by_village: dict[str, list[int]] = defaultdict(list)
    for pk, village in households.values_list("id", "village_id"):
        by_village[village].append(pk)
    if not by_village:
        return
    villages = {r.code: r for r in Region.objects.filter(code__in=by_village)}
    townships = {
        r.code: r for r in Region.objects.filter(code__in={v.parent_id for v in villages.values()})
    }
    counties = {
        r.code: r for r in Region.objects.filter(code__in={t.parent_id for t in townships.values()})
    }
    workers = {
        u.region_id: u for u in User.objects.filter(role=Role.VILLAGE, region_id__in=by_village)
    }

    county_grids = {
        c: Grid(name=f"{r.name}网格", level=GridLevel.COUNTY, region=r) for c, r in counties.items()
    }
    Grid.objects.bulk_create(county_grids.values())
    town_grids = {
        t: Grid(
            name=f"{r.name}网格",
            level=GridLevel.TOWNSHIP,
            region=r,
            parent=county_grids.get(r.parent_id or ""),
        )
        for t, r in townships.items()
    }
    Grid.objects.bulk_create(town_grids.values())
    village_grids = {
        v: Grid(
            name=f"{r.name}网格",
            level=GridLevel.VILLAGE,
            region=r,
            parent=town_grids.get(r.parent_id or ""),
            worker=workers.get(v),
        )
        for v, r in villages.items()
    }
    Grid.objects.bulk_create(village_grids.values())
    groups: list[Grid] = []
    placing: list[tuple[Grid, list[int]]] = []
    for code, ids in sorted(by_village.items()):
        if len(ids) <= GROUP_SIZE:
            placing.append((village_grids[code], ids))
            continue
        for n, start in enumerate(range(0, len(ids), GROUP_SIZE), start=1):
            group = Grid(
                name=f"{villages[code].name}第{n}组",
                level=GridLevel.GROUP,
                region=villages[code],
                parent=village_grids[code],
                worker=workers.get(code),
            )
            groups.append(group)
            placing.append((group, ids[start : start + GROUP_SIZE]))
    Grid.objects.bulk_create(groups)
    GridHousehold.objects.bulk_create(
        [GridHousehold(household_id=pk, grid=grid) for grid, ids in placing for pk in ids],
        batch_size=2000,
    )
    _liaisons(rng, counties, townships)


def _liaisons(
    rng: random.Random, counties: dict[str, Region], townships: dict[str, Region]
) -> None:
    rows = [
        Liaison(sector=s, region=r, name=_name(rng), phone=_phone(rng), sample=True)
        for r in counties.values()
        for s in LIAISON_SECTORS
    ] + [
        Liaison(sector="乡镇综合", region=r, name=_name(rng), phone=_phone(rng), sample=True)
        for r in townships.values()
    ]
    Liaison.objects.bulk_create(rows, batch_size=2000)


def _visits(rng: random.Random, households: QuerySet[Household], today: dt.date) -> None:
    if Visit.objects.exists():
        return
    monitored = set(
        Case.objects.filter(state__in=MONITORED_NOW).values_list("household_id", flat=True)
    )
    links = dict(GridHousehold.objects.values_list("household_id", "grid_id"))
    actor = (
        User.objects.filter(role=Role.VILLAGE).order_by("id").first()
        or User.objects.filter(role__in=[Role.TOWNSHIP, Role.COUNTY]).order_by("id").first()
    )
    if actor is None:
        return
    rows: list[Visit] = []
    keys = list(CHECKLIST)
    for pk, alleviated in households.values_list("id", "is_alleviated").order_by("id"):
        if not alleviated and pk not in monitored:
            continue
        for month in range(VISIT_MONTHS):
            if rng.random() > 0.85:
                continue
            day = today - dt.timedelta(days=month * 30 + rng.randrange(1, 28))
            concern = rng.random() < 0.06
            checklist = dict.fromkeys(keys, True)
            if concern:
                checklist[rng.choice(keys)] = False
            rows.append(
                Visit(
                    household_id=pk,
                    grid_id=links.get(pk),
                    visited_on=day,
                    met=rng.choice(["户主本人", "配偶", "子女", "户主本人"]),
                    checklist=checklist,
                    findings="发现困难,持续关注" if concern else "走访无变化",
                    unchanged=not concern,
                    created_by=actor,
                )
            )
    Visit.objects.bulk_create(rows, batch_size=2000)


def _reports(rng: random.Random, households: QuerySet[Household], today: dt.date) -> None:
    if SelfReport.objects.exists():
        return
    villages = sorted(set(households.values_list("village_id", flat=True)))[:4]
    texts = ["家里老人住院,花销很大", "今年务工断了收入", "房子漏雨,需要鉴定", "孩子上学费用困难"]
    for n, village in enumerate(villages):
        received = today - dt.timedelta(days=n * 2)
        due = add_working_days(received, 2)
        SelfReport.objects.create(
            village_id=village,
            receipt=f"SBDEMO{n:04d}",
            name=_name(rng),
            phone=_phone(rng),
            description=texts[n % len(texts)],
            received_on=received,
            deadline=due.due_on,
            deadline_provisional=due.provisional,
        )
