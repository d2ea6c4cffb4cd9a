"""Surname and given-name tables for generated people, and village short names."""

from __future__ import annotations

MALE, FEMALE = "男", "女"

# Common surnames, most frequent first (Henan order: 王, 李, 张, 刘 lead by far).
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯史陶贺顾"
    "毛郝龚邵万钱严武戴孔汤牛耿翟聂申常"
)
_SURNAME_WEIGHTS = [1.0 / (rank + 3) for rank in range(len(SURNAMES))]
# Villages named after a clan (孙庄, 马其营, 王子孟) are mostly of that surname.
_CLAN_VILLAGE_SHARE = 0.45


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Given names by birth cohort and sex: whole names, then characters to compose more.
_NAMES: dict[tuple[int, str], tuple[str, ...]] = {
    (1940, MALE): _words(
        "建国 国强 春生 德全 保国 振华 长顺 铁柱 富贵 德胜 福山 玉堂 金山 长林 满囤 "
        "广才 志远 清河 守义 有才 宝山 洪亮 占魁 树林 新民"
    ),
    (1940, FEMALE): _words(
        "秀英 桂兰 玉兰 凤英 淑珍 桂英 秀兰 翠花 春花 玉梅 素珍 桂荣 金凤 玉珍 秀芝 "
        "爱莲 凤兰 秀云 桂花 玉英 荣华 改英 小妮 菊香"
    ),
    (1965, MALE): _words(
        "卫东 红伟 建伟 国伟 志强 海涛 永刚 军 勇 涛 磊 强 伟 刚 亮 辉 明 建军 红军 "
        "晓东 新华 振东 跃进 学军 国庆 保卫 红旗 春雷"
    ),
    (1965, FEMALE): _words(
        "丽 霞 娟 艳 红霞 丽娟 海燕 静 芳 敏 玲 燕 晓燕 红梅 小红 丽萍 彩霞 春霞 "
        "玉霞 秀丽 红英 爱华 桂香 素芳"
    ),
    (1988, MALE): _words(
        "浩 宇 博 鑫 佳豪 子豪 浩然 俊杰 一鸣 家乐 鹏飞 帅 超 阳 晨 凯 航 鹏 飞 龙 "
        "旭东 振宇 梦龙 亚飞 朋辉 晓峰"
    ),
    (1988, FEMALE): _words(
        "婷 雪 欣怡 梦瑶 佳怡 雨涵 思雨 可馨 诗涵 倩 璐 莹 欢 甜甜 晓雪 梦洁 亚楠 "
        "佳佳 冰冰 园园 静静 晶晶 盼盼 朵朵"
    ),
    (2008, MALE): _words(
        "梓涵 子轩 浩宇 宇轩 沐阳 一诺 子墨 锦程 奕辰 宇航 梓睿 俊熙 明轩 浩轩 睿 "
        "家豪 天佑 嘉乐 铭泽 思远 博文 宸 逸凡 皓轩"
    ),
    (2008, FEMALE): _words(
        "梓萱 欣妍 若汐 语桐 依诺 梓涵 可欣 雨桐 诗琪 子涵 一一 芊芊 佳琪 悦 "
        "欣然 思彤 雨萱 语嫣 梦琪 紫涵 安然 沐晴 心怡 书瑶"
    ),
}
_FIRST_CHARS: dict[tuple[int, str], str] = {
    (1940, MALE): "建国德保振长富玉金广志守有洪树新",
    (1940, FEMALE): "秀桂玉凤淑翠春素金爱改荣",
    (1965, MALE): "卫红建国志海永晓新振跃学保春",
    (1965, FEMALE): "丽红海晓彩春玉秀爱桂素小",
    (1988, MALE): "浩子俊家鹏振梦亚朋晓旭宇",
    (1988, FEMALE): "欣梦佳雨思可诗晓亚园静",
    (2008, MALE): "梓子浩宇沐锦奕俊明天嘉铭思博逸",
    (2008, FEMALE): "梓欣若语依可雨诗子芊佳思紫沐心书",
}
_SECOND_CHARS: dict[tuple[int, str], str] = {
    (1940, MALE): "全华林山才胜义堂福亮民生",
    (1940, FEMALE): "英兰珍花梅荣芝莲香云凤",
    (1965, MALE): "东伟强涛刚军华雷庆民峰杰",
    (1965, FEMALE): "霞娟燕梅红萍丽英华芳敏",
    (1988, MALE): "然杰乐飞辉峰宇龙豪博凯",
    (1988, FEMALE): "怡瑶涵雨馨洁楠雪琪倩莹",
    (2008, MALE): "轩阳诺墨程辰航睿熙泽远文",
    (2008, FEMALE): "萱妍汐桐诺欣琪涵彤然晴怡",
}
_VILLAGE_SUFFIXES = ("村民委员会委会", "村民委员会", "村委会", "居民委员会", "居委会")


def short_village_name(name: str) -> str:
    """周庄村村民委员会 -> 周庄村; 陈营社区居委会 -> 陈营社区."""
    for suffix in _VILLAGE_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("村") and not stem.endswith(("村", "庄")):
                stem += "村"
            return stem
    return name


def _clan_of(short_name: str) -> str | None:
    """孙庄村 -> 孙: villages named 姓 + 庄/营/寨/楼/湾/岗/店/屯/洼/家."""
    if (
        len(short_name) >= 3
        and short_name[0] in SURNAMES
        and short_name[1] in "庄营寨楼湾岗店屯洼家圪沟"
    ):
        return short_name[0]
    return None
