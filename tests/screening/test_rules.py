"""Each rule on a small batch whose expected warnings are worked out by hand.

Defaults (policy/defaults.py): absolute 20,000 yuan; previous-year rural income 18,697 yuan
for 2023 batches (20,053 for 2024, 21,330 for 2025),
share 0.5 for 脱贫/monitored persons (9,348.50) and 1.0 for others (18,697); single stay
6,000 (脱贫/monitored) / 10,000 (others); disaster loss 10,000; working age 16–60;
compulsory-school age 6–15.
"""

from __future__ import annotations

import datetime as dt

from fangpin.registry.models import Person
from fangpin.screening.models import Warning

from .conftest import english_header, id_for, make_monitored, warnings_of


def test_medical_yearly_out_of_pocket_over_20000_warns(household, screen):
    a, b = id_for(dt.date(1970, 1, 1)), id_for(dt.date(1971, 1, 1))
    household([("甲", a)])
    household([("乙", b)])
    batch = screen(
        "medical",
        "2024-03",
        [
            [a, "甲", "2024-03-01", "30000", "18000", "12000", "是"],
            [a, "甲", "2024-03-15", "10000", "1000", "9000", "否"],  # 甲: 21,000 > 20,000
            [b, "乙", "2024-03-02", "25000", "5001", "19999", "否"],  # 乙: 19,999, not over
        ],
    )
    assert batch.status == "done"
    hits = warnings_of("medical_out_of_pocket_absolute")
    assert set(hits) == {"甲"}
    assert "21,000元" in hits["甲"].message
    assert sorted(e["row"] for e in hits["甲"].evidence) == [1, 2]
    assert hits["甲"].risk_type == "01"


def test_medical_yearly_total_adds_up_earlier_months_of_the_same_year(household, screen):
    a = id_for(dt.date(1970, 1, 1))
    household([("甲", a)])
    screen("medical", "2024-02", [[a, "甲", "2024-02-03", "20000", "5000", "15000", "否"]])
    assert "甲" not in warnings_of("medical_out_of_pocket_absolute")
    march = screen("medical", "2024-03", [[a, "甲", "2024-03-03", "8000", "2000", "6000", "否"]])
    hit = warnings_of("medical_out_of_pocket_absolute")["甲"]
    assert hit.batch_id == march.pk
    assert "21,000元" in hit.message  # 15,000 in February + 6,000 in March
    assert {(e["batch"], e["row"]) for e in hit.evidence} == {(march.pk - 1, 1), (march.pk, 1)}


def test_medical_share_of_rural_income_is_half_for_alleviated_and_monitored(household, screen):
    p, m, q, r = (id_for(dt.date(1960 + i, 5, 5)) for i in range(4))
    household([("脱贫户主", p)], alleviated=True)
    make_monitored(household([("监测户主", m)]))
    household([("一般户主", q)])
    household([("高额户主", r)])
    screen(
        "medical",
        "2023-06",
        [
            [p, "脱贫户主", "2023-06-01", "20000", "10600", "9400", "否"],  # > 9,348.50
            [m, "监测户主", "2023-06-01", "20000", "10600", "9400", "否"],  # > 9,348.50
            [q, "一般户主", "2023-06-01", "20000", "10600", "9400", "否"],  # < 18,697
            [r, "高额户主", "2023-06-01", "30000", "11300", "18700", "否"],  # > 18,697
        ],
    )
    hits = warnings_of("medical_out_of_pocket_share")
    assert set(hits) == {"脱贫户主", "监测户主", "高额户主"}
    assert "0.5倍" in hits["脱贫户主"].message
    assert "9,348.50元" in hits["脱贫户主"].message
    assert "18,697元" in hits["高额户主"].message


def test_each_batch_takes_the_previous_years_rural_income_of_its_own_year(household, screen):
    """2023 batches compare with 2022's income (18,697), 2025 batches with 2024's (21,330)."""
    a, b = id_for(dt.date(1961, 5, 5)), id_for(dt.date(1962, 5, 5))
    household([("甲", a)])
    household([("乙", b)])
    screen("medical", "2023-07", [[a, "甲", "2023-07-01", "30000", "10000", "20000", "否"]])
    screen("medical", "2025-07", [[b, "乙", "2025-07-01", "30000", "10000", "20000", "否"]])
    hits = warnings_of("medical_out_of_pocket_share")
    assert set(hits) == {"甲"}  # 20,000 > 18,697 in 2023; not > 21,330 in 2025
    assert "18,697元" in hits["甲"].message
    screen("medical", "2025-08", [[b, "乙", "2025-08-01", "5000", "3000", "2000", "否"]])
    hit = warnings_of("medical_out_of_pocket_share")["乙"]  # 22,000 in 2025 > 21,330
    assert "21,330元" in hit.message


def test_a_yearly_value_the_city_sets_applies_to_batches_of_that_year_on(
    household, screen, make_user
):
    from fangpin.policy.services import parameter, parameter_year_set
    from tests.conftest import CITY

    city = make_user("city", CITY)
    parameter_year_set(user=city, key="medical_out_of_pocket_yuan", year=2025, value=30000)
    assert parameter("medical_out_of_pocket_yuan", year=2024) == 20000
    assert parameter("medical_out_of_pocket_yuan", year=2026) == 30000
    a, b = id_for(dt.date(1963, 5, 5)), id_for(dt.date(1964, 5, 5))
    household([("丙", a)])
    household([("丁", b)])
    screen("medical", "2024-05", [[a, "丙", "2024-05-01", "40000", "15000", "25000", "否"]])
    screen("medical", "2025-05", [[b, "丁", "2025-05-01", "40000", "15000", "25000", "否"]])
    assert set(warnings_of("medical_out_of_pocket_absolute")) == {"丙"}


def test_single_inpatient_stay_over_6000_monitored_or_10000_others_warns(household, screen):
    m, o1, o2 = (id_for(dt.date(1965 + i, 3, 3)) for i in range(3))
    make_monitored(household([("监测", m)]))
    household([("一般", o1)])
    household([("门诊", o2)])
    screen(
        "medical",
        "2024-04",
        [
            [m, "监测", "2024-04-01", "9000", "2500", "6500", "是"],  # 6,500 > 6,000
            [o1, "一般", "2024-04-01", "9000", "2500", "6500", "是"],  # 6,500 < 10,000
            [o1, "一般", "2024-04-09", "15000", "4500", "10500", "是"],  # 10,500 > 10,000
            [o2, "门诊", "2024-04-01", "15000", "4500", "10500", "否"],  # not a hospital stay
        ],
    )
    hits = warnings_of("medical_inpatient_single")
    assert set(hits) == {"监测", "一般"}
    assert "6,500元,超过6,000元" in hits["监测"].message
    assert [e["row"] for e in hits["一般"].evidence] == [3]


def test_new_dibao_or_tekun_in_the_period_warns(household, screen):
    a, b, c = (id_for(dt.date(1950 + i, 1, 9)) for i in range(3))
    household([("低保", a)])
    household([("临时", b)])
    household([("旧特困", c)])
    screen(
        "civil",
        "2024-05",
        [
            [a, "低保", "低保", "2024-05-10", "450"],
            [b, "临时", "临时救助", "2024-05-10", "2000"],  # not 低保/特困
            [c, "旧特困", "特困", "2024-04-28", "800"],  # granted before the period
        ],
        header=["身份证号", "姓名", "救助类型", "批准日期", "金额"],
    )
    hits = warnings_of("civil_new_guarantee")
    assert set(hits) == {"低保"}
    assert hits["低保"].message == "低保于本期新纳入低保"


def test_temporary_assistance_in_the_period_warns(household, screen):
    a, b, c = (id_for(dt.date(1952 + i, 3, 9)) for i in range(3))
    household([("临时", a)])
    household([("低保", b)])
    household([("上月临时", c)])
    screen(
        "civil",
        "2024-05",
        [
            [a, "临时", "临时救助", "2024-05-10", "2000"],
            [a, "临时", "临时救助", "2024-05-20", "1500"],
            [b, "低保", "低保", "2024-05-10", "450"],
            [c, "上月临时", "临时救助", "2024-04-28", "800"],  # granted before the period
        ],
    )
    hits = warnings_of("civil_temporary_assistance")
    assert set(hits) == {"临时"}
    assert hits["临时"].message == "临时于本期获得临时救助3,500元"
    assert sorted(e["row"] for e in hits["临时"].evidence) == [1, 2]


def test_house_graded_c_or_d_warns(household, screen):
    a, b, c = (id_for(dt.date(1955 + i, 2, 2)) for i in range(3))
    for name, number in (("C房", a), ("D房", b), ("B房", c)):
        household([(name, number)])
    screen(
        "housing",
        "2024-05",
        [
            [a, "C房", "c", "2024-05-01"],
            [b, "D房", "D", "2024-05-02"],
            [c, "B房", "B", "2024-05-03"],
        ],
    )
    hits = warnings_of("housing_unsafe")
    assert set(hits) == {"C房", "D房"}
    assert "C级危房" in hits["C房"].message


def test_compulsory_school_age_dropout_warns(household, screen):
    parent = id_for(dt.date(1980, 1, 1))
    child = id_for(dt.date(2014, 6, 1))  # 9 on 2024-05-10
    teen = id_for(dt.date(2007, 1, 1))  # 17 on 2024-05-10: past compulsory school
    household([("家长", parent), ("小明", child), ("小强", teen)])
    screen(
        "education",
        "2024-05",
        [[child, "小明", "辍学", "2024-05-10"], [teen, "小强", "辍学", "2024-05-10"]],
    )
    hits = warnings_of("education_dropout")
    assert set(hits) == {"小明"}
    assert hits["小明"].message == "小明(9岁)义务教育阶段辍学"
    assert hits["小明"].risk_type == "09"


def test_new_grade_1_2_disability_or_grade_3_mental_warns(household, screen, county):
    a, b, c, d = (id_for(dt.date(1970 + i, 7, 7)) for i in range(4))
    household([("肢体二级", a)])
    household([("肢体三级", b)])
    household([("精神三级", c)])
    household([("已是一级", d)])
    Person.objects.with_id_number(d).update(disability_grade=1)
    screen(
        "disability",
        "2024-05",
        [
            [a, "肢体二级", "肢体", "二级", "2024-05-01"],
            [b, "肢体三级", "肢体", "3", "2024-05-01"],
            [c, "精神三级", "精神", "3", "2024-05-01"],
            [d, "已是一级", "肢体", "2", "2024-05-01"],  # milder than the registered grade 1
        ],
    )
    hits = warnings_of("disability_severe")
    assert set(hits) == {"肢体二级", "精神三级"}
    assert hits["精神三级"].risk_type == "03"


def test_disaster_losses_of_a_household_summed_over_10000_warn(household, screen):
    a, a2, b = (id_for(dt.date(1962 + i, 8, 8)) for i in range(3))
    flooded = household([("洪灾户", a), ("洪灾子", a2)])
    household([("小损户", b)])
    screen(
        "disaster",
        "2024-07",
        [
            [a, "洪灾户", "洪涝", "6000", "2024-07-20"],
            [a2, "洪灾子", "洪涝", "5000", "2024-07-20"],  # household: 11,000 > 10,000
            [b, "小损户", "冰雹", "8000", "2024-07-21"],
        ],
    )
    warnings = list(Warning.objects.filter(rule="disaster_loss"))
    assert [w.household_id for w in warnings] == [flooded.pk]
    assert "损失11,000元" in warnings[0].message
    assert warnings[0].risk_type == "0201"  # 洪涝


def test_death_of_a_working_age_member_warns(household, screen):
    head, grandpa, child = (
        id_for(dt.date(1979, 3, 1)),
        id_for(dt.date(1949, 3, 1)),
        id_for(dt.date(2014, 3, 1)),
    )
    household([("户主", head), ("爷爷", grandpa), ("孩子", child)])
    screen(
        "death",
        "2024-09",
        [
            [head, "户主", "2024-09-02"],  # 45
            [grandpa, "爷爷", "2024-09-02"],  # 75
            [child, "孩子", "2024-09-02"],  # 10
        ],
        header=english_header("death"),
    )
    hits = warnings_of("death_working_age")
    assert set(hits) == {"户主"}
    assert "终年45岁" in hits["户主"].message
    assert hits["户主"].risk_type == "04"
