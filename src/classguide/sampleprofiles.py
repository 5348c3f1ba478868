"""What a plausible sample population looks like: shares, scenarios, shifts and names.

The sample generator (:mod:`classguide.sample`) works from a guide's unit types and rule sets;
this module holds the data it draws from. Everything here is an assumption made for
demonstration (not statistics of real units): the shares of the five sectors and their
subtypes, how sectors and subtypes shift the two latent qualities (Party building, business),
and the scenario mix. Unit types or attribute values not listed get equal shares and no shift.
"""

from __future__ import annotations

import attrs

from classguide.model import Text

__all__ = [
    "ATTRIBUTE_SHARES",
    "FOUNDATION_SHARES",
    "SCENARIOS",
    "SHIFTS",
    "TYPE_SHARES",
    "Scenario",
    "unit_name",
]

#: Share of each built-in unit type in the population (other types: 0.1 each, then normalised).
TYPE_SHARES: dict[str, float] = {
    "organ": 0.30,
    "soe": 0.20,
    "university": 0.08,
    "school": 0.27,
    "hospital": 0.15,
}

#: Share of each attribute value, by unit type and attribute (unlisted: equal shares).
ATTRIBUTE_SHARES: dict[tuple[str, str], dict[str, float]] = {
    ("organ", "level"): {"central": 0.05, "provincial": 0.15, "municipal": 0.35, "county": 0.45},
    ("soe", "category"): {
        "commercial_competitive": 0.5,
        "commercial_strategic": 0.3,
        "public_welfare": 0.2,
    },
    ("university", "kind"): {"double_first_class": 0.1, "undergraduate": 0.45, "vocational": 0.45},
    ("school", "stage"): {
        "primary": 0.45,
        "junior": 0.25,
        "senior": 0.12,
        "nine_year": 0.13,
        "twelve_year": 0.05,
    },
    ("hospital", "tier"): {"3": 0.35, "2": 0.65},
}

#: Share of each foundation tier, for every unit type that carries ``foundation``.
FOUNDATION_SHARES: dict[str, float] = {"weak": 0.2, "standard": 0.55, "advanced": 0.25}

#: Shift of the latent (party, business) quality by unit type, or by (type, attribute, value).
SHIFTS: dict[tuple[str, ...], tuple[float, float]] = {
    ("organ",): (0.03, 0.0),
    ("soe",): (0.0, 0.03),
    ("university",): (0.02, 0.0),
    ("hospital",): (0.0, 0.02),
    ("organ", "level", "central"): (0.03, 0.02),
    ("organ", "level", "county"): (-0.03, -0.02),
    ("soe", "category", "commercial_competitive"): (-0.02, 0.03),
    ("soe", "category", "public_welfare"): (0.0, -0.03),
    ("university", "kind", "double_first_class"): (0.02, 0.05),
    ("university", "kind", "vocational"): (-0.02, -0.02),
    ("hospital", "tier", "3"): (0.0, 0.04),
    ("hospital", "tier", "2"): (-0.02, -0.03),
    ("school", "stage", "primary"): (0.0, 0.01),
    ("school", "stage", "twelve_year"): (0.02, 0.02),
    ("foundation", "weak"): (-0.1, -0.05),
    ("foundation", "advanced"): (0.05, 0.03),
}


@attrs.frozen(kw_only=True)
class Scenario:
    """A kind of unit the sample holds, with its share and how its data are drawn.

    ``party`` and ``business`` are the mean latent qualities (about score / 100);
    ``floor_breaches`` forces that many non-veto indicators below their floors; ``veto`` forces
    one veto indicator to trigger; ``missing`` is the chance that each value is missing.
    """

    id: str
    label: Text
    share: float
    party: float
    business: float
    spread: float = 0.07
    floor_breaches: tuple[int, int] = (0, 0)
    veto: bool = False
    missing: float = 0.0


#: The scenario mix (shares sum to 1); every case the demo should show is present.
SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        id="sound",
        label=Text(zh="融合良好", en="sound and integrated"),
        share=0.30,
        party=0.84,
        business=0.84,
    ),
    Scenario(
        id="typical",
        label=Text(zh="一般水平", en="typical"),
        share=0.22,
        party=0.72,
        business=0.72,
    ),
    Scenario(
        id="two_skins",
        label=Text(zh="业务强、党建弱（两张皮）", en="strong business, weak Party building"),
        share=0.12,
        party=0.42,
        business=0.86,
        spread=0.06,
    ),
    Scenario(
        id="party_idles",
        label=Text(zh="党建强、业务弱（党建空转）", en="strong Party building, weak business"),
        share=0.07,
        party=0.86,
        business=0.42,
        spread=0.06,
    ),
    Scenario(
        id="floor_breach",
        label=Text(zh="底线失守", en="floor violations"),
        share=0.08,
        party=0.74,
        business=0.74,
        floor_breaches=(2, 4),
    ),
    Scenario(
        id="veto",
        label=Text(zh="一票否决", en="veto triggered"),
        share=0.04,
        party=0.84,
        business=0.84,
        veto=True,
    ),
    Scenario(
        id="lagging",
        label=Text(zh="党建业务双弱", en="both weak"),
        share=0.05,
        party=0.25,
        business=0.28,
        spread=0.06,
    ),
    Scenario(
        id="missing_some",
        label=Text(zh="部分数据缺失", en="some data missing"),
        share=0.08,
        party=0.76,
        business=0.76,
        missing=0.12,
    ),
    Scenario(
        id="missing_much",
        label=Text(zh="大量数据缺失", en="much data missing"),
        share=0.04,
        party=0.72,
        business=0.72,
        missing=0.55,
    ),
)

_PLACES = ("云岭", "青川", "临江", "北原", "东湖", "南屏", "西陵", "长宁", "安平", "清河")
_DEPARTMENTS = (
    "发展和改革",
    "财政",
    "教育",
    "民政",
    "人力资源和社会保障",
    "自然资源",
    "生态环境",
    "住房和城乡建设",
    "交通运输",
    "农业农村",
    "商务",
    "文化和旅游",
    "卫生健康",
    "审计",
    "统计",
    "市场监督管理",
)
_INDUSTRIES = ("能源", "交通投资", "建设", "水务", "城市发展", "粮食", "医药", "电子信息")
_SCHOOL_KINDS = {
    "primary": "小学",
    "junior": "中学",
    "senior": "高级中学",
    "nine_year": "九年一贯制学校",
    "twelve_year": "十二年一贯制学校",
}


def unit_name(unit_type: str, attributes: dict[str, str], n: int) -> str:
    """A fictitious but plausible Chinese name for sample unit ``n`` (places are invented)."""
    place = _PLACES[n % len(_PLACES)]
    k = n // len(_PLACES)
    if unit_type == "organ":
        dept = _DEPARTMENTS[k % len(_DEPARTMENTS)]
        level = attributes.get("level")
        if level == "central":
            return f"中央和国家机关示例{dept}部门{n}"
        suffix = {"provincial": ("省", "厅"), "municipal": ("市", "局"), "county": ("县", "局")}
        area, office = suffix.get(level or "", ("", "局"))
        return f"{place}{area}{dept}{office}（{n}）"
    if unit_type == "soe":
        return f"{place}{_INDUSTRIES[k % len(_INDUSTRIES)]}集团有限公司（{n}）"
    if unit_type == "university":
        kind = attributes.get("kind")
        return f"{place}{'职业技术学院' if kind == 'vocational' else '大学'}（{n}）"
    if unit_type == "school":
        kind_name = _SCHOOL_KINDS.get(attributes.get("stage", ""), "学校")
        return f"{place}第{k % 9 + 1}{kind_name}（{n}）"
    if unit_type == "hospital":
        tier = "市第一人民医院" if attributes.get("tier") == "3" else "县人民医院"
        return f"{place}{tier}（{n}）"
    return f"{place}示例单位（{unit_type} {n}）"
