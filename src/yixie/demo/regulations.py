"""The demo's Weifang profile in the regulations library (docs/decisions/0026), entered through the services.

潍坊市's 编办 enters the city's three regulations — 《潍坊市议事协调机构管理办法》, 《关于进一步规范市级议事协调
机构的通知》 and 《潍坊市市直部门职责分工协调办法》 — and sets the city's rule values citing them; 青州市's 编办
overrides one of them. The real texts are not at hand: every article here is an example (示例条文), written
from the rules the product enforces and the procedure the seed describes, and marked as such; the versions'
notes say so. Never shown as the regulations' real words.

`load_regulations(loader)` is called by the demo loader at the end of its `load()`.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from yixie.ledger import regulations as regs
from yixie.ledger import services
from yixie.ledger.choices import RegulationKind
from yixie.ledger.models import PolicyValue

CITY = "370700"
QINGZHOU = "370781"
DEMO_NOTE = "演示数据：据本系统执行的规则和潍坊市的做法概括，不是正式文本，待录入正式文本"

#: The citation codes of the city's regulations (a cite is "<code>#<article number>").
MEASURES = "wf-ysxt-gl"
NOTICE = "wf-ysxt-tz"
DIVISION = "wf-zzfg-xt"

#: code, title, kind, version label, issued on, articles (one a paragraph, 第X条 first)
REGULATIONS = [
    (MEASURES, "潍坊市议事协调机构管理办法", RegulationKind.MEASURES, "演示版", date(2021, 6, 1), """
第一条（目的） 为规范市级议事协调机构的设立、运行和撤销，推进议事协调机构“五位一体”管理，结合本市实际，制定本办法。
第五条（总量控制） 市级党委、政府议事协调机构实行总量控制，限额由市委机构编制委员会确定；市级党政机构限额按机构改革方案核定的数量登记。
第七条（组成） 议事协调机构设组长一名，副组长一般为一至二名，组长、副组长由不同的领导职务担任。
第八条（成员单位） 议事协调机构的成员单位，单项工作的一般不超过10个，综合性工作的一般不超过15个；确需超过的，报市委、市政府主要领导同意。
第十二条（审核时限） 对符合设置条件的议事协调机构，市委编办在收到设置申请和有关佐证材料当天即可提出审核意见。
"""),
    (NOTICE, "关于进一步规范市级议事协调机构的通知", RegulationKind.NOTICE, "演示版", date(2022, 3, 1), """
第一条（严格控制） 严格控制新设议事协调机构；可以交由现有机构承担或者通过现有机构协调解决的，不另设立。
第二条（撤一建一） 市级暂不实行新设议事协调机构“撤一建一”，由市委机构编制委员会根据总量情况确定。
第三条（工作规则） 议事协调机构设立后一个月内制定工作规则（工作细则），明确会议制度、办事机构职责和各成员单位的职责分工、主办协办事项，报市委编办备案；县（市、区）可结合实际确定更短的期限。
"""),
    (DIVISION, "潍坊市市直部门职责分工协调办法", RegulationKind.MEASURES, "演示版", date(2021, 9, 1), """
第一条（目的） 为明确市直部门和议事协调机构成员单位的职责分工，及时解决职责分工争议，制定本办法。
第四条（协商） 议事协调机构成员单位对职责分工有异议的，由该议事协调机构办事机构所在部门召集有关成员单位协商，形成会议纪要。
第五条（提请协调） 协商不能达成一致的，办事机构所在部门应当将争议事项、各方意见和有关材料提请市委编办协调。
第六条（编办意见） 市委编办研究提出职责分工意见；涉及部门三定职责边界调整等重大事项的，提请市委机构编制委员会研究决定。
第七条（过渡期履职） 职责分工明确前，有关部门按原有分工继续履行职责，不得推诿、停滞工作。
第八条（时限） 办事机构所在部门应当在收到异议之日起30日内组织协商；协商不成的，在15日内提请协调；提请协调的，市委编办一般在30日内提出意见。协商一致或者经协调明确分工的，有关议事协调机构应当相应修订工作规则。
"""),
]

#: The city's rule values citing them: key, value, severity, cite, note. The quota rows the loader set
#: (values and severity kept) get their article here.
CITY_VALUES = [
    ("members.cap_single", 10, "warning", f"{MEASURES}#第八条", ""),
    ("members.cap_comprehensive", 15, "warning", f"{MEASURES}#第八条", ""),
    ("work_rules.deadline_days", 30, "warning", f"{NOTICE}#第三条", ""),
    ("approvals.deadline.establishment", "same_day", "warning", f"{MEASURES}#第十二条", ""),
    ("disputes.deadline.consultation", 30, "warning", f"{DIVISION}#第八条", ""),
    ("disputes.deadline.escalation", 15, "warning", f"{DIVISION}#第八条", ""),
    ("disputes.deadline.opinion", 30, "warning", f"{DIVISION}#第八条", ""),
]
QUOTA_CITES = {
    "quota.counted_bodies": f"{MEASURES}#第五条",
    "quota.party": f"{MEASURES}#第五条",
    "quota.government": f"{MEASURES}#第五条",
    "quota.institutions": f"{MEASURES}#第五条",
    "quota.one_out_one_in": f"{NOTICE}#第二条",
}
#: 青州市 sets its own, shorter, work-rules deadline.
COUNTY_VALUE = ("work_rules.deadline_days", 20, "warning", f"{NOTICE}#第三条",
                "青州市委编办确定：设立后20日内报备（演示数据）")


def _article(region, cite: str):
    code, number = cite.split("#")
    return regs.citable_articles(region).get(version__regulation__code=code, number=number)


def load_regulations(loader) -> dict[str, int]:
    """Enter the Weifang profile: the city's three regulations (示例条文), the city's values citing them and
    青州市's override. Returns counts for the loader's log."""
    users = get_user_model().objects
    bianban, qingzhou = users.get(username="bianban"), users.get(username="qingzhou")
    city, county = loader.regions[CITY], loader.regions[QINGZHOU]
    for order, (code, title, kind, label, issued_on, text) in enumerate(REGULATIONS, start=1):
        reg = regs.regulation_create(actor=bianban, region=city, title=title, kind=kind, code=code, order=order)
        regs.version_add(actor=bianban, regulation=reg, label=label, issued_on=issued_on, text=text.strip(),
                         is_sample=True, note=DEMO_NOTE)
    reason = "据本市制度文件确定取值（演示数据）"
    for key, value, severity, cite, note in CITY_VALUES:
        services.policy_value_set(actor=bianban, region=city, key=key, value=value, severity=severity,
                                  article=_article(city, cite), note=note, reason=reason)
    for row in PolicyValue.objects.filter(region=city, key__in=QUOTA_CITES).order_by("key"):
        services.policy_value_set(actor=bianban, region=city, key=row.key, value=row.value, severity=row.severity,
                                  article=_article(city, QUOTA_CITES[row.key]), note=row.source[:200],
                                  reason=reason)
    key, value, severity, cite, note = COUNTY_VALUE
    services.policy_value_set(actor=qingzhou, region=county, key=key, value=value, severity=severity,
                              article=_article(county, cite), note=note, reason="青州市委编办决定（演示数据）")
    counts = {"制度文件": len(REGULATIONS), "本市规则取值": PolicyValue.objects.filter(region=city).count()}
    log = getattr(loader, "log", None)
    if callable(log):
        log(f"制度文件 {counts['制度文件']} 件，本市引用条款的规则取值 {counts['本市规则取值']} 项")
    return counts
