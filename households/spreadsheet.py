"""The archive spreadsheet template: sheet and column names, and the words accepted in cells.

The same template is used for import and export, so an export can be edited and imported back
into another installation. It is documented in docs/import-template.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from households.models import Household, Member


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # what the union's spreadsheets call it
    required: bool = False
    note: Promise | str = ""  # in the language of the person downloading the template


HOUSEHOLD_SHEET = "户信息"
MEMBER_SHEET = "成员信息"

HOUSEHOLD_COLUMNS = [
    Column("number", "户编号", True, _("the archive number; links member rows to their household")),
    Column("unit_code", "所属单位编码", False, _("unit code; empty = the unit chosen for the import")),
    Column("region", "行政区划代码", True, _("6-digit region code, e.g. 150624")),
    Column("address", "家庭住址", True),
    Column("target_groups", "目标群体", False, _("codes or names, separated by 、 or ,")),
    Column("hardship_causes", "致困原因", False, _("codes or names, separated by 、 or ,")),
    Column("hardship_note", "致困情况说明"),
    Column("income_per_head", "人均月收入", False, _("CNY, not negative")),
    Column("dibao_status", "低保状态", False, _("无 / 申请中 / 享受中 / 已停保")),
    Column("registered_on", "建档日期", False, _("YYYY-MM-DD")),
    Column("state", "档案状态", False, _("草稿 or 在档 (default 在档)")),
    Column("helper", "帮扶责任人", False, _("the helper's username or mobile number")),
]

MEMBER_COLUMNS = [
    Column("number", "户编号", True),
    Column("name", "姓名", True),
    Column("relation", "与户主关系", True, _("户主 / 配偶 / 子女 / 父母 / ...")),
    Column("id_number", "身份证号", True, _("18 characters; full-width digits and a lower-case x are accepted")),
    Column("phone", "联系电话"),
    Column("ethnicity", "民族"),
    Column("education", "文化程度", False, _("小学 / 初中 / 高中 / 中专 / 大专 / 本科 / 研究生")),
    Column("graduation_year", "毕业年份"),
    Column("major", "所学专业"),
    Column("work_capacity", "劳动能力", False, _("完全 / 部分 / 无 (default 完全)")),
    Column("employment_status", "就业状态", False, _("已就业 / 灵活就业 / 自主创业 / 失业 / ...")),
    Column("health", "健康状况"),
    Column("monthly_income", "个人月收入"),
    Column("skills", "技能", False, _("phrases separated by 、 or ,")),
]

# Words accepted in choice cells, beside the codes themselves.
RELATION_WORDS = {
    "户主": Member.Relation.HEAD,
    "本人": Member.Relation.HEAD,
    "配偶": Member.Relation.SPOUSE,
    "妻子": Member.Relation.SPOUSE,
    "丈夫": Member.Relation.SPOUSE,
    "妻": Member.Relation.SPOUSE,
    "夫": Member.Relation.SPOUSE,
    "子女": Member.Relation.CHILD,
    "儿子": Member.Relation.CHILD,
    "女儿": Member.Relation.CHILD,
    "子": Member.Relation.CHILD,
    "女": Member.Relation.CHILD,
    "父母": Member.Relation.PARENT,
    "父亲": Member.Relation.PARENT,
    "母亲": Member.Relation.PARENT,
    "岳父母": Member.Relation.PARENT_IN_LAW,
    "公婆": Member.Relation.PARENT_IN_LAW,
    "岳父": Member.Relation.PARENT_IN_LAW,
    "岳母": Member.Relation.PARENT_IN_LAW,
    "公公": Member.Relation.PARENT_IN_LAW,
    "婆婆": Member.Relation.PARENT_IN_LAW,
    "兄弟姐妹": Member.Relation.SIBLING,
    "兄弟": Member.Relation.SIBLING,
    "姐妹": Member.Relation.SIBLING,
    "孙子女": Member.Relation.GRANDCHILD,
    "孙子": Member.Relation.GRANDCHILD,
    "孙女": Member.Relation.GRANDCHILD,
    "外孙": Member.Relation.GRANDCHILD,
    "外孙女": Member.Relation.GRANDCHILD,
    "祖父母": Member.Relation.GRANDPARENT,
    "爷爷": Member.Relation.GRANDPARENT,
    "奶奶": Member.Relation.GRANDPARENT,
    "其他": Member.Relation.OTHER,
}
EDUCATION_WORDS = {
    "无": Member.Education.NONE,
    "文盲": Member.Education.NONE,
    "未上学": Member.Education.NONE,
    "小学": Member.Education.PRIMARY,
    "初中": Member.Education.JUNIOR,
    "高中": Member.Education.SENIOR,
    "中专": Member.Education.VOCATIONAL,
    "职高": Member.Education.VOCATIONAL,
    "技校": Member.Education.VOCATIONAL,
    "大专": Member.Education.COLLEGE,
    "专科": Member.Education.COLLEGE,
    "高职": Member.Education.COLLEGE,
    "本科": Member.Education.BACHELOR,
    "大学": Member.Education.BACHELOR,
    "研究生": Member.Education.POSTGRADUATE,
    "硕士": Member.Education.POSTGRADUATE,
    "博士": Member.Education.POSTGRADUATE,
}
CAPACITY_WORDS = {
    "完全": Member.WorkCapacity.FULL,
    "完全劳动能力": Member.WorkCapacity.FULL,
    "有": Member.WorkCapacity.FULL,
    "健全": Member.WorkCapacity.FULL,
    "部分": Member.WorkCapacity.PARTIAL,
    "部分劳动能力": Member.WorkCapacity.PARTIAL,
    "部分丧失": Member.WorkCapacity.PARTIAL,
    "弱": Member.WorkCapacity.PARTIAL,
    "无": Member.WorkCapacity.NONE,
    "无劳动能力": Member.WorkCapacity.NONE,
    "丧失": Member.WorkCapacity.NONE,
    "丧失劳动能力": Member.WorkCapacity.NONE,
}
EMPLOYMENT_WORDS = {
    "已就业": Member.EmploymentStatus.EMPLOYED,
    "就业": Member.EmploymentStatus.EMPLOYED,
    "在岗": Member.EmploymentStatus.EMPLOYED,
    "灵活就业": Member.EmploymentStatus.FLEXIBLE,
    "打零工": Member.EmploymentStatus.FLEXIBLE,
    "自主创业": Member.EmploymentStatus.SELF_EMPLOYED,
    "个体": Member.EmploymentStatus.SELF_EMPLOYED,
    "失业": Member.EmploymentStatus.UNEMPLOYED,
    "待业": Member.EmploymentStatus.UNEMPLOYED,
    "下岗": Member.EmploymentStatus.UNEMPLOYED,
    "未就业": Member.EmploymentStatus.UNEMPLOYED,
    "无业": Member.EmploymentStatus.NOT_SEEKING,
    "在校": Member.EmploymentStatus.STUDENT,
    "学生": Member.EmploymentStatus.STUDENT,
    "在读": Member.EmploymentStatus.STUDENT,
    "退休": Member.EmploymentStatus.RETIRED,
    "无劳动能力": Member.EmploymentStatus.UNABLE,
    "不能工作": Member.EmploymentStatus.UNABLE,
}
DIBAO_WORDS = {
    "无": Household.DibaoStatus.NONE,
    "否": Household.DibaoStatus.NONE,
    "未纳入": Household.DibaoStatus.NONE,
    "申请中": Household.DibaoStatus.APPLYING,
    "享受中": Household.DibaoStatus.RECEIVING,
    "是": Household.DibaoStatus.RECEIVING,
    "低保户": Household.DibaoStatus.RECEIVING,
    "已纳入": Household.DibaoStatus.RECEIVING,
    "已停保": Household.DibaoStatus.STOPPED,
    "停保": Household.DibaoStatus.STOPPED,
}
STATE_WORDS = {
    "草稿": Household.State.DRAFT,
    "在档": Household.State.ACTIVE,
    "帮扶中": Household.State.ACTIVE,
}


# What export writes for each code: the first word mapping to it.
def label_for(words: Mapping[str, str], code: str) -> str:
    return next((word for word, value in words.items() if value == code), code)
