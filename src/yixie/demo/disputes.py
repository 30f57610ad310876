"""The demo's duty-division disputes (职责分工争议, journey J5), run through the rules capability's services with
back-dated dates.

The seed's three cases since 2021, each settled by 编办's division opinion after the units' consultation failed:
市安全生产委员会 on 餐饮等行业生产经营单位燃气安全监管, and 市委疫情工作指挥部 on 外卖配送人员管理 and 棋牌室监管.
The seed names the cases, not the opinions' words: the objections, the consultations and the opinions below
are written for the demo and say so (示例). Plus one dispute raised this year on 市安全生产委员会 that waits for its
consultation past the deadline, so the list shows an overdue stage.

`load_disputes(loader)` is called at the end of `DemoLoader.load()` (the loader's departments by (region code,
name)). The host department's clerk is the demo user yingji (市应急管理局, which hosts 市安全生产委员会's office).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yixie.ledger.models import Body

CITY = "370700"
#: the demo's extra user: (username, role, department, display name)
HOST_USER = ("yingji",)  # 市应急管理局, which hosts 市安全生产委员会's office (demo/loader.py DEMO_USERS)
SAMPLE = "（示例文本，非正式文件原文）"


def _pdf(name: str) -> SimpleUploadedFile:
    body = f"%PDF-1.4\n% {name} (demo)\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()
    return SimpleUploadedFile(name, body, content_type="application/pdf")


#: The three settled cases: body, matter, raising unit, other parties, objection, the consultation (date, units
#: present, summary), the escalation (date, note), 编办's opinion (date, text, 主办, 协办) and a duty it adds.
CASES = [
    {
        "body": "市安全生产委员会", "matter": "餐饮等行业生产经营单位燃气安全监管",
        "raised_by": "市住房和城乡建设局", "parties": ["市市场监督管理局", "市应急管理局"],
        "raised_on": date(2021, 6, 15),
        "objection": "市安委会办公室印发的年度重点工作分工将餐饮等行业生产经营单位燃气使用安全监管全部列为我局主办。"
                     "我局依法负责燃气经营、燃气供应和燃气设施安全监管，对餐饮等行业生产经营单位没有行业管理职责，"
                     "也无执法依据；按照“管行业必须管安全、管业务必须管安全、管生产经营必须管安全”，应由行业主管部门"
                     "负责本行业生产经营单位燃气使用安全。" + SAMPLE,
        "consulted_on": date(2021, 7, 8), "present": ["市住房和城乡建设局", "市市场监督管理局", "市应急管理局"],
        "summary": "市应急管理局组织协商。市住房和城乡建设局认为应由行业主管部门负责；市市场监督管理局认为其负责特种设备和"
                   "燃气器具产品质量监管，不承担餐饮单位燃气使用安全的行业监管。各方未达成一致。" + SAMPLE,
        "escalated_on": date(2021, 7, 20),
        "note": "经组织协商，有关单位对餐饮等行业生产经营单位燃气安全监管职责分工仍有分歧，提请市委编办协调。附协商会议纪要和"
                "各单位书面意见。" + SAMPLE,
        "opinion_on": date(2021, 8, 30),
        "opinion": "按照“三个必须”和“谁主管谁负责”的原则：餐饮等行业生产经营单位燃气使用安全由其行业主管部门负责监管，其中餐饮"
                   "服务单位由市市场监督管理局牵头；市住房和城乡建设局负责燃气经营、供应和燃气设施安全监管，对行业主管部门开展燃气"
                   "安全检查提供技术指导；市应急管理局负责综合监管，督促有关部门落实监管责任。" + SAMPLE,
        "principal": ["市市场监督管理局"], "assisting": ["市住房和城乡建设局", "市应急管理局"],
        "adds": ("市市场监督管理局", "负责餐饮服务单位燃气使用安全的行业监管，会同有关部门开展燃气安全检查。"),
    },
    {
        "body": "市委疫情工作指挥部", "matter": "外卖配送人员管理",
        "raised_by": "市商务局", "parties": ["市市场监督管理局", "市交通运输局", "市公安局"],
        "raised_on": date(2022, 3, 10),
        "objection": "指挥部办公室通知将外卖配送人员健康监测、核酸检测和“点对点”配送管理列为我局主办。外卖平台和配送站点的"
                     "监管涉及网络交易平台监管、道路交通管理等多个部门，仅由商务部门主办难以落实，建议明确分工。" + SAMPLE,
        "consulted_on": date(2022, 3, 18),
        "present": ["市商务局", "市市场监督管理局", "市交通运输局", "市公安局", "市卫生健康委员会"],
        "summary": "市卫生健康委员会（指挥部办公室）组织协商。各单位对平台企业主体责任无异议，对配送站点和配送人员日常管理由谁"
                   "牵头意见不一。" + SAMPLE,
        "escalated_on": date(2022, 3, 25),
        "note": "外卖配送人员管理涉及多个成员单位，协商未达成一致，提请市委编办协调明确。" + SAMPLE,
        "opinion_on": date(2022, 4, 15),
        "opinion": "外卖平台企业落实疫情防控主体责任。市商务局牵头督促平台企业落实配送人员健康监测、核酸检测和无接触配送；"
                   "市市场监督管理局负责网络交易平台经营行为监管；市公安局负责配送人员道路交通安全管理。" + SAMPLE,
        "principal": ["市商务局"], "assisting": ["市市场监督管理局", "市公安局"],
    },
    {
        "body": "市委疫情工作指挥部", "matter": "棋牌室监管",
        "raised_by": "市体育局", "parties": ["市文化和旅游局", "市公安局", "市市场监督管理局"],
        "raised_on": date(2022, 4, 20),
        "objection": "疫情防控措施将棋牌室列入我局监管的体育场所。经营性棋牌室多办理个体工商户登记，不属于体育场所，我局无"
                     "行政管理职责，建议明确由哪个部门负责。" + SAMPLE,
        "consulted_on": date(2022, 4, 28),
        "present": ["市体育局", "市文化和旅游局", "市公安局", "市市场监督管理局", "市卫生健康委员会"],
        "summary": "市卫生健康委员会（指挥部办公室）组织协商。市文化和旅游局认为棋牌室不属于娱乐场所；各方未达成一致。" + SAMPLE,
        "escalated_on": date(2022, 5, 6),
        "note": "棋牌室监管职责不清，协商未达成一致，提请市委编办协调。" + SAMPLE,
        "opinion_on": date(2022, 5, 27),
        "opinion": "疫情防控期间，棋牌室由市体育局牵头会同属地县市区落实防控措施；市市场监督管理局负责登记信息共享；市公安局"
                   "负责查处利用棋牌室赌博等违法行为。" + SAMPLE,
        "principal": ["市体育局"], "assisting": ["市市场监督管理局", "市公安局"],
    },
]

#: The open case of this year: raised 45 days ago, its consultation due 30 days after.
OPEN_CASE = {
    "body": "市安全生产委员会", "matter": "危险货物道路运输车辆停车场安全监管",
    "raised_by": "市交通运输局", "parties": ["市公安局", "市应急管理局"], "days_ago": 45,
    "objection": "年度工作要点将危险货物道路运输车辆停车场的日常安全检查列为我局主办。停车场内的危险化学品储存和装卸属于"
                 "危险化学品安全监管，车辆通行属于公安交管，建议重新明确分工。" + SAMPLE,
}


def _host_user(loader):
    """The host department's clerk (a demo user, demo/loader.py)."""
    return get_user_model().objects.get(username=HOST_USER[0])


def load_disputes(loader) -> dict[str, int]:
    """The three settled cases and the open one, through the services. Returns counts for the loader's log."""
    from yixie.rules import disputes as services

    def dept(name):
        return loader.dept(CITY, name)

    def body(name):
        return Body.objects.get(region__code=CITY, name=name)

    _host_user(loader)
    settled = 0
    for case in CASES:
        b = body(case["body"])
        d = services.dispute_raise(actor=None, body=b, raised_by=dept(case["raised_by"]), matter=case["matter"],
                                   objection=case["objection"], parties=[dept(n) for n in case["parties"]],
                                   on=case["raised_on"])
        services.consultation_record(actor=None, dispute=d, held_on=case["consulted_on"],
                                     present=[dept(n) for n in case["present"]], agreed=False,
                                     summary=case["summary"])
        services.dispute_escalate(actor=None, dispute=d, on=case["escalated_on"], note=case["note"],
                                  uploads=[_pdf(f"关于{case['matter']}职责分工的协商情况（示例）.pdf")])
        moves = []
        if case.get("adds"):
            moves.append(services.DutyMove(text=case["adds"][1], to_department=dept(case["adds"][0])))
        services.opinion_give(
            actor=None, dispute=d, on=case["opinion_on"], text=case["opinion"],
            principal=[dept(n) for n in case["principal"]], assisting=[dept(n) for n in case["assisting"]],
            document_issuer="中共潍坊市委机构编制委员会办公室",
            document_title=f"关于{case['matter']}职责分工的协调意见（示例）", moves=moves,
            uploaded=_pdf(f"关于{case['matter']}职责分工的协调意见（示例）.pdf"))
        settled += 1
    today = timezone.localdate()
    o = OPEN_CASE
    services.dispute_raise(actor=None, body=body(o["body"]), raised_by=dept(o["raised_by"]), matter=o["matter"],
                           objection=o["objection"], parties=[dept(n) for n in o["parties"]],
                           on=today - timedelta(days=o["days_ago"]))
    log = getattr(loader, "log", None)
    if log:
        log(f"职责分工争议 {settled + 1} 件（已办结 {settled} 件）")
    return {"settled": settled, "open": 1}
