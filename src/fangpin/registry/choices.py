"""Code lists of the national household record (DOMAIN §1, §10). Values are the Chinese terms
the national system and the Excel templates use, so that files round-trip unchanged."""

from __future__ import annotations

from django.db import models


class Relation(models.TextChoices):
    HEAD = "户主"
    SPOUSE = "配偶"
    SON = "之子"
    DAUGHTER = "之女"
    DAUGHTER_IN_LAW = "之儿媳"
    SON_IN_LAW = "之女婿"
    GRANDSON = "之孙子"
    GRANDDAUGHTER = "之孙女"
    DAUGHTERS_SON = "之外孙子"
    DAUGHTERS_DAUGHTER = "之外孙女"
    FATHER = "之父"
    MOTHER = "之母"
    FATHER_IN_LAW = "之岳父"
    MOTHER_IN_LAW = "之岳母"
    HUSBANDS_FATHER = "之公公"
    HUSBANDS_MOTHER = "之婆婆"
    GRANDFATHER = "之祖父"
    GRANDMOTHER = "之祖母"
    SIBLING = "之兄弟姐妹"
    OTHER = "其他"


class Health(models.TextChoices):
    HEALTHY = "健康"
    CHRONIC = "长期慢性病"
    SERIOUS = "患大病"
    DISABLED = "残疾"


class Labour(models.TextChoices):
    SKILLED = "技能劳动力"
    ORDINARY = "普通劳动力"
    WEAK = "弱劳动力或半劳动力"
    LOST = "丧失劳动力"
    NONE = "无劳动力"


# Labour values that count as "can work" (for 整户无劳动能力 and 因务工就业不稳).
CAN_WORK = frozenset({Labour.SKILLED, Labour.ORDINARY, Labour.WEAK})


class EmploymentStatus(models.TextChoices):
    """A person's employment this year (劳动力就业情况), as the village reports it."""

    MIGRANT = "务工"
    FLEXIBLE = "灵活就业"
    PUBLIC_JOB = "公益岗"
    SELF_EMPLOYED = "自主创业"
    UNEMPLOYED = "未就业"


# The statuses that count as employed (有就业 in 三有一持续).
EMPLOYED = frozenset(EmploymentStatus.values) - {EmploymentStatus.UNEMPLOYED}


class WorkPlace(models.TextChoices):
    """Where an employed person works (就业地域)."""

    COUNTY = "县内"
    PROVINCE = "省内县外"
    OUTSIDE = "省外"


class Education(models.TextChoices):
    ILLITERATE = "文盲或半文盲"
    PRIMARY = "小学"
    JUNIOR = "初中"
    SENIOR = "高中"
    COLLEGE = "大专及以上"
    PRESCHOOL = "学龄前儿童"


class SchoolStatus(models.TextChoices):
    PRESCHOOL = "学前教育"
    PRIMARY = "小学"
    GRADE7 = "七年级"
    GRADE8 = "八年级"
    GRADE9 = "九年级"
    SENIOR1 = "高中一年级"
    SENIOR2 = "高中二年级"
    SENIOR3 = "高中三年级"
    VOCATIONAL1 = "中职一年级"
    VOCATIONAL2 = "中职二年级"
    VOCATIONAL3 = "中职三年级"
    HIGHER_VOCATIONAL = "高职/大专"
    UNDERGRADUATE = "本科及以上"
    NOT_IN_SCHOOL = "非在校生"


class HousingGrade(models.TextChoices):
    A = "A", "A级(安全)"
    B = "B", "B级(基本安全)"
    C = "C", "C级(局部危险)"
    D = "D", "D级(整体危险)"


SAFE_HOUSING = frozenset({HousingGrade.A, HousingGrade.B})


def health_values(raw: str) -> list[str]:
    """健康状况 may combine values: "残疾,长期慢性病"."""
    parts = [p.strip() for p in raw.replace("，", ",").replace("、", ",").split(",")]
    return [p for p in parts if p]


class EndReason(models.TextChoices):
    """Why a membership ended (the national record's 自然减少 and the rest)."""

    DEATH = "死亡"
    MARRIAGE_OUT = "婚出"
    MOVED_OUT = "迁出"
    SPLIT = "分户"
    MERGE = "合户"
    OTHER = "其他"


# Roles that may change the registry in their own region (CONTRACT §3: the rest read only).
WRITER_ROLES = frozenset({"village", "township", "county"})

# The code lists as sets, built once (TextChoices.values builds a new list on every access).
RELATIONS = frozenset(Relation.values)
HEALTH_VALUES = frozenset(Health.values)
LABOUR_VALUES = frozenset(Labour.values)
EDUCATION_VALUES = frozenset(Education.values)
SCHOOL_STATUS_VALUES = frozenset(SchoolStatus.values)
END_REASONS = frozenset(EndReason.values)
