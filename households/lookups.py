"""The fixed lookup rows: the plan's five target groups and the common causes of hardship.

Loaded by migration 0002 and by ``web.reference.ensure_reference_data``.
"""

from __future__ import annotations

from typing import Any

TARGET_GROUPS = [
    (
        "dibao_able",
        "低保且有劳动能力",
        "On minimum living allowance, able to work",
        "纳入低保且具有劳动能力、但未实现充分就业：着重帮助就业创业。",
    ),
    (
        "below_line",
        "收入低于低保线",
        "Income below the allowance line, not on it",
        "实际收入低于低保线但尚未纳入低保：推动纳入社会保障，丧失劳动能力的纳入低保兜底。",
    ),
    (
        "sudden_expense",
        "支出突增致困",
        "Sudden expense: illness, disaster or accident",
        "患重特大疾病、遭受灾害或意外事故导致支出突增：推动纳入医保、大病保险、医疗互助和临时救助。",
    ),
    (
        "migrant",
        "农牧民工",
        "Rural or herder migrant worker in town",
        "长期居住在城镇、生活遇到特殊困难的农牧民工：推动享有均等化公共服务。",
    ),
    (
        "restructuring",
        "结构性改革下岗",
        "Laid off in restructuring",
        "化解过剩产能、僵尸企业兼并重组、破产清算、事业单位改革中下岗失业：转岗、再就业和社保接续。",
    ),
]

HARDSHIP_CAUSES = [
    ("illness", "因病", "Illness"),
    ("disability", "因残", "Disability"),
    ("unemployment", "失业下岗", "Unemployment or lay-off"),
    ("low_wage", "收入低", "Low wages"),
    ("education", "因学", "Education costs"),
    ("disaster", "因灾", "Natural disaster"),
    ("accident", "意外事故", "Accident"),
    ("single_parent", "单亲", "Single parent"),
    ("elderly_care", "赡养老人负担重", "Heavy burden of elderly care"),
    ("arrears", "企业欠薪欠保", "Employer wage or insurance arrears"),
    ("housing", "住房困难", "Housing hardship"),
    ("other", "其他", "Other"),
]


def load_lookups(target_group_model: Any, hardship_cause_model: Any) -> None:
    for order, (code, zh, en, description) in enumerate(TARGET_GROUPS):
        target_group_model.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "description": description, "order": order}
        )
    for order, (code, zh, en) in enumerate(HARDSHIP_CAUSES):
        hardship_cause_model.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "order": order}
        )
