"""The import template's headers, limits and the messages shown for rejected rows."""

from __future__ import annotations

HEADERS: tuple[str, ...] = (
    "户编号",
    "村代码",
    "姓名",
    "身份证号",
    "与户主关系",
    "是否脱贫户",
    "健康状况",
    "劳动技能",
    "文化程度",
    "在校生情况",
    "残疾等级",
    "联系电话",
    "家庭住址",
)
REQUIRED = ("户编号", "村代码", "姓名", "身份证号", "与户主关系", "是否脱贫户")
YES = {"是", "1", "Y", "YES", "TRUE", "脱贫户"}
NO = {"否", "0", "N", "NO", "FALSE", "一般农户"}
CHANGE_REASON = "Excel导入"
LEFT_REASON = "导入名单中已无此人"
BATCH = 1000
LOOKUP_CHUNK = 900  # stays under SQLite's bound-parameter limit
MAX_PROBLEMS = 200  # problems listed (all are counted)

# Messages people see in the problem table (tests import them).
MSG_REQUIRED = "必填项为空"
MSG_CONTROL_CHARS = "含有不允许的控制字符,请删除后重新录入"
MSG_ID_AS_NUMBER = (
    "身份证号被存成了数字(Excel 显示为 4.10421E+17 一类),后几位已丢失;"
    "请将该列设为“文本”格式后重新录入"
)
MSG_NUMBER_AS_NUMBER = "户编号被存成了数字,位数可能已丢失;请将该列设为“文本”格式后重新录入"
MSG_HEADS = "一户必须有且只有一名户主,户编号 {number} 现有 {count} 名"
MSG_DUPLICATE = "与第{row}行是同一人(身份证号重复)"
MSG_IN_OTHER = "此人已是另一农户{where}的成员,请先办理迁出或分户"
MSG_UNKNOWN_VILLAGE = "村代码 {code} 不存在"
MSG_FOREIGN_VILLAGE = "村代码 {code} 不存在或不在您的管辖范围内"
MSG_FOREIGN_HOUSEHOLD = "户编号 {number} 已被管辖范围以外的农户使用"
MSG_INCONSISTENT = "同一户的{column}与第{row}行不一致"
MSG_YES_NO = "应填“是”或“否”"
MSG_MISSING_HEADER = "缺少此列(模板第一行应为:{headers})"
