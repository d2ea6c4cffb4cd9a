"""Defaults (Henan / Pingdingshan). Used until the city administrator sets another value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

# key -> (default, Chinese label, unit)
PARAMETERS: dict[str, tuple[Decimal, str, str]] = {
    "notice_min_days": (Decimal(5), "公示最少天数", "天"),
    "inclusion_deadline_working_days": (Decimal(15), "纳入监测办理时限", "工作日"),
    "warning_response_days": (Decimal(10), "预警核实时限", "工作日"),
    "elimination_min_stable_months": (Decimal(6), "风险消除前收入稳定最少月数", "月"),
    "elimination_min_months_monitored": (Decimal(2), "纳入监测后最少月数方可消除", "月"),
    "backdate_max_days": (Decimal(30), "办理日期最多可补录天数", "天"),
    "refusal_followup_days": (Decimal(30), "未纳入或退回的记录在村级待办中提示天数", "天"),
    "self_report_accept_working_days": (Decimal(2), "农户申报受理时限", "工作日"),
    "visit_coverage_days": (Decimal(30), "网格员走访周期(未走访提醒)", "天"),
    # Screening thresholds (DOMAIN §5)
    "medical_out_of_pocket_yuan": (Decimal(20000), "医保:年度个人自付超过", "元"),
    "rural_disposable_income_prev_year": (Decimal(18697), "上年全省农村居民人均可支配收入", "元"),
    "medical_share_alleviated": (Decimal("0.5"), "医保:脱贫/监测人口自付超过上年收入的比例", "倍"),
    "medical_share_other": (Decimal("1.0"), "医保:其他农村人口自付超过上年收入的比例", "倍"),
    "inpatient_single_monitored_yuan": (Decimal(6000), "医保:单次住院自付(脱贫/监测)超过", "元"),
    "inpatient_single_other_yuan": (Decimal(10000), "医保:单次住院自付(其他)超过", "元"),
    "disaster_loss_yuan": (Decimal(10000), "应急:灾害损失超过", "元"),
    "working_age_min": (Decimal(16), "劳动年龄下限", "岁"),
    "working_age_max": (Decimal(60), "劳动年龄上限", "岁"),
    "compulsory_school_age_min": (Decimal(6), "义务教育适龄下限", "岁"),
    "compulsory_school_age_max": (Decimal(15), "义务教育适龄上限", "岁"),
    # Programs (DOMAIN §9)
    "three_haves_sustain_months": (Decimal(6), "三有一持续:“持续”须连续保持的月数", "月"),
    "workshop_min_alleviated_workers": (Decimal(5), "帮扶车间最少吸纳脱贫人口", "人"),
    "training_min_schools": (Decimal(3), "每县培训学校最少数量", "所"),
    "training_min_majors": (Decimal(3), "每所培训学校最少开设专业数", "个"),
    # Post-assessment sampling (后评估抽样): how much more likely a household of each stratum is
    # to be drawn than an ordinary household (supervision).
    "sample_weight_monitored": (Decimal(3), "后评估抽样权重:监测对象", "倍"),
    "sample_weight_serious_illness": (Decimal(3), "后评估抽样权重:大病患者家庭", "倍"),
    "sample_weight_disaster": (Decimal(2), "后评估抽样权重:受灾家庭", "倍"),
    "sample_weight_alleviated": (Decimal(1), "后评估抽样权重:其他脱贫户", "倍"),
    "sample_weight_general": (Decimal("0.5"), "后评估抽样权重:一般农户", "倍"),
}

# Henan's monitoring lines by year (yuan per person per year).
MONITORING_LINES: dict[int, Decimal] = {
    2021: Decimal(6000),
    2022: Decimal(6600),
    2023: Decimal(7000),
    2024: Decimal(8300),
}

# Figures that change every year, by the year they apply to (a batch or a case of that year).
# The previous year's Henan rural per-capita disposable income: 18,697 (2022), 20,053 (2023),
# 21,330 (2024), published each spring by the provincial statistics bureau.
YEAR_VALUES: dict[str, dict[int, Decimal]] = {
    "rural_disposable_income_prev_year": {
        2023: Decimal(18697),
        2024: Decimal(20053),
        2025: Decimal(21330),
    },
}

# Names the policy gives, by the day they come into force. From 2026 the monitored object is
# 防止返贫致贫对象 (常态化防止返贫致贫机制); before, 防止返贫监测对象.
TERMS: dict[str, dict[dt.date, str]] = {
    "monitored_object": {
        dt.date(2021, 1, 1): "防止返贫监测对象",
        dt.date(2026, 1, 1): "防止返贫致贫对象",
    },
    "category.unstable": {dt.date(2021, 1, 1): "脱贫不稳定户"},
    "category.marginal": {dt.date(2021, 1, 1): "边缘易致贫户"},
    "category.sudden": {dt.date(2021, 1, 1): "突发严重困难户"},
}
TERM_LABELS: dict[str, str] = {
    "monitored_object": "监测对象名称",
    "category.unstable": "类别:脱贫不稳定户",
    "category.marginal": "类别:边缘易致贫户",
    "category.sudden": "类别:突发严重困难户",
}
