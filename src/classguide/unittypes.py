"""The five built-in unit types and the attributes their units carry (DESIGN §2).

They are registered by the core's own default plugin through the same hook third-party plugins
use; this module only holds the records.
"""

from __future__ import annotations

from classguide.model import FOUNDATION_TIERS, AttributeSpec, Text, UnitType

__all__ = ["BUILTIN_UNIT_TYPES", "FOUNDATION"]


def _t(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


#: Every built-in type carries the foundation tier (基础): classified guidance respects it.
FOUNDATION = AttributeSpec(
    name="foundation",
    label=_t("党组织基础", "foundation tier"),
    values=FOUNDATION_TIERS,
    value_labels={
        "weak": _t("基础薄弱", "weak"),
        "standard": _t("一般", "standard"),
        "advanced": _t("基础较好", "advanced"),
    },
)


def _attr(name: str, label: Text, values: dict[str, Text]) -> AttributeSpec:
    return AttributeSpec(name=name, label=label, values=tuple(values), value_labels=values)


BUILTIN_UNIT_TYPES: tuple[UnitType, ...] = (
    UnitType(
        id="organ",
        name=_t("党和国家机关", "Party and state organ"),
        attributes=(
            _attr(
                "level",
                _t("层级", "level"),
                {
                    "central": _t("中央", "central"),
                    "provincial": _t("省级", "provincial"),
                    "municipal": _t("市级", "municipal"),
                    "county": _t("县级", "county"),
                },
            ),
            FOUNDATION,
        ),
    ),
    UnitType(
        id="soe",
        name=_t("国有企业", "state-owned enterprise"),
        attributes=(
            _attr(
                "category",
                _t("功能类别", "functional category"),
                {
                    "commercial_competitive": _t("商业一类（充分竞争）", "commercial, competitive"),
                    "commercial_strategic": _t(
                        "商业二类（重要行业和关键领域）", "commercial, strategic"
                    ),
                    "public_welfare": _t("公益类", "public welfare"),
                },
            ),
            FOUNDATION,
        ),
    ),
    UnitType(
        id="university",
        name=_t("普通高等学校", "university"),
        attributes=(
            _attr(
                "kind",
                _t("办学类型", "kind of institution"),
                {
                    "double_first_class": _t("“双一流”建设高校", "Double First-Class university"),
                    "undergraduate": _t("普通本科高校", "undergraduate institution"),
                    "vocational": _t("高等职业院校", "higher vocational college"),
                },
            ),
            FOUNDATION,
        ),
    ),
    UnitType(
        id="school",
        name=_t("中小学校", "primary or secondary school"),
        attributes=(
            _attr(
                "stage",
                _t("学段", "stage"),
                {
                    "primary": _t("小学", "primary"),
                    "junior": _t("初中", "junior secondary"),
                    "senior": _t("高中", "senior secondary"),
                    "nine_year": _t("九年一贯制", "nine-year"),
                    "twelve_year": _t("十二年一贯制", "twelve-year"),
                },
            ),
            FOUNDATION,
        ),
    ),
    UnitType(
        id="hospital",
        name=_t("公立医院", "public hospital"),
        attributes=(
            _attr(
                "tier",
                _t("医院等级", "hospital tier"),
                {
                    "3": _t("三级医院", "tertiary (level 3)"),
                    "2": _t("二级医院", "secondary (level 2)"),
                },
            ),
            FOUNDATION,
        ),
    ),
)
