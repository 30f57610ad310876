"""The national regulations library (docs/decisions/0026) and the national policy rows' articles.

Every article text written here is an example (示例条文): it paraphrases the rule the product enforces (the
existing `source` texts), its numbering included, until the official text is entered as a new version. The
one exception is 《议协系统默认取值说明》, the product's own account of the defaults it sets where no
regulation fixes a value: its words are the product's, not a regulation's.

The regulations, codes and cites are frozen here as they stood when this migration was written; the policy's
`NATIONAL_DEFAULTS[...]["cite"]` name the same "<code>#<number>".
"""

from datetime import date

from django.db import migrations

SAMPLE_NOTE = "条文为示例（据本系统执行的规则概括），编号和文字以正式文本为准，待录入正式文本"

# code, title, issuer, kind, order, version label, number, issued_on, is_sample, note, [(number, heading, text)]
LIBRARY = [
    ("gwyl-227", "国务院行政机构设置和编制管理条例", "国务院", "law", 10, "1997年版", "国务院令第227号",
     date(1997, 8, 3), True, SAMPLE_NOTE, [
         ("第十条", "临时性议事协调机构",
          "为处理一定时期内某项特定工作设立的议事协调机构，应当明确规定其撤销的条件或者撤销的期限。"),
     ]),
    ("dfyl-486", "地方各级人民政府机构设置和编制管理条例", "国务院", "law", 20, "2007年版", "国务院令第486号",
     date(2007, 2, 24), True, SAMPLE_NOTE, [
         ("第十一条", "议事协调机构的设立",
          "地方各级人民政府设立议事协调机构，应当严格控制；可以交由现有机构承担职能的或者由现有机构进行协调"
          "可以解决问题的，不另设立议事协调机构。为办理一定时期内某项特定工作设立的议事协调机构，应当明确"
          "规定其撤销的条件或者撤销的期限。"),
         ("第十二条", "办事机构",
          "议事协调机构不单独设立办事机构，具体工作由有关的行政机构承担。"),
     ]),
    ("dfyx-2025", "地方议事协调机构管理办法（试行）", "", "measures", 30, "2025年试行版", "",
     date(2025, 1, 1), True, SAMPLE_NOTE + "；制定机关、印发日期待核实", [
         ("第三条", "设立条件",
          "设立议事协调机构，应当符合下列条件之一：对应上级需要设立（上级明确要求或者有对口机构）；工作任务"
          "跨领域、跨部门，需要党委、政府领导经常组织协调；工作任务重大，单个部门难以承担和协调。"),
         ("第四条", "不得设立的情形",
          "有下列情形之一的，不设立议事协调机构：工作任务已规定由相应职能部门承担的；工作任务可以通过配合"
          "协调机制落实到相应职能部门的；与已设立的议事协调机构职责相同或者相近的。"),
         ("第五条", "乡镇（街道）",
          "乡镇（街道）不设立议事协调机构。"),
         ("第六条", "总量控制",
          "议事协调机构实行总量控制和限额管理，党委、政府议事协调机构的限额由本级机构编制委员会确定。新设立"
          "议事协调机构原则上实行“撤一建一”，同时撤销或者合并本级一个现有议事协调机构。"),
         ("第七条", "组长、副组长",
          "议事协调机构设组长一名，副组长一般为一至二名，组长、副组长由不同的领导职务担任。"),
         ("第八条", "成员单位",
          "议事协调机构的成员单位，单项工作的一般不超过10个，综合性工作的一般不超过15个；确需超过的，"
          "报本级党委、政府主要领导同意。"),
         ("第九条", "办事机构",
          "议事协调机构不单设实体性办事机构，不单独核定编制和领导职数，办事机构设在有关部门，具体工作由有关"
          "部门承担。"),
         ("第十条", "印章和行文",
          "议事协调机构一般不刻制印章，不以议事协调机构名义向下级党委、政府及其部门行文；确需的，按规定报批。"),
         ("第十二条", "工作规则",
          "议事协调机构设立后一个月内制定工作规则，明确会议制度、办事机构职责和各成员单位职责分工，报本级"
          "机构编制部门备案。"),
     ]),
    ("yixie-defaults", "议协系统默认取值说明", "议协系统", "other", 900, "2026年版", "",
     date(2026, 1, 1), False,
     "本系统在上级制度文件未规定具体取值时采用的默认值说明，不是上级制度文件；各地可按本地制度调整", [
         ("第一条", "审批各环节时限",
          "联合审批各环节的默认时限：两办受理24小时，组织部审核72小时，会议研究30日，发文公布7日。各地按本地"
          "制度调整。"),
         ("第二条", "编办审核时限",
          "编办审核默认在材料齐全当天提出审核意见（参照潍坊市议事协调机构“五位一体”管理的做法：对符合设置"
          "条件的议事协调机构，在收到设置申请和有关佐证材料当天即可提出审核意见）。"),
         ("第三条", "党政机构限额",
          "本级党政机构限额按机构改革方案核定的党委、政府工作部门和机构数登记，用于计算议事协调机构数与党政"
          "机构限额之比；未登记的不计算。"),
         ("第四条", "制度保障各环节时限",
          "议事协调机构工作规则的制定备案、成员单位职责分工争议的协商和协调等环节，本系统设有默认办理时限；"
          "各地有规定的，按本地制度调整。"),
     ]),
]

#: The article each national policy row (0002_policy_defaults and any other) rests on.
CITES = {
    "leaders.leader_count": "dfyx-2025#第七条",
    "leaders.max_deputies": "dfyx-2025#第七条",
    "leaders.leader_not_deputy": "dfyx-2025#第七条",
    "members.cap_single": "dfyx-2025#第八条",
    "members.cap_comprehensive": "dfyx-2025#第八条",
    "temporary.requires_end": "dfyl-486#第十一条",
    "office.host_required": "dfyx-2025#第九条",
    "townships.may_hold_bodies": "dfyx-2025#第五条",
    "quota.counted_bodies": "dfyx-2025#第六条",
    "quota.party": "dfyx-2025#第六条",
    "quota.government": "dfyx-2025#第六条",
    "quota.institutions": "yixie-defaults#第三条",
    "quota.one_out_one_in": "dfyx-2025#第六条",
    "work_rules.deadline_days": "dfyx-2025#第十二条",
}


def seed(apps, schema_editor):
    Regulation = apps.get_model("ledger", "Regulation")
    RegulationVersion = apps.get_model("ledger", "RegulationVersion")
    Article = apps.get_model("ledger", "Article")
    PolicyValue = apps.get_model("ledger", "PolicyValue")
    articles = {}
    for code, title, issuer, kind, order, label, number, issued_on, is_sample, note, texts in LIBRARY:
        reg, _ = Regulation.objects.get_or_create(code=code, defaults={
            "region": None, "title": title, "issuer": issuer, "kind": kind, "order": order})
        version, created = RegulationVersion.objects.get_or_create(regulation=reg, label=label, defaults={
            "number": number, "issued_on": issued_on, "is_sample": is_sample, "note": note})
        for ordinal, (art_number, heading, text) in enumerate(texts, start=1):
            article, _ = Article.objects.get_or_create(version=version, ordinal=ordinal, defaults={
                "number": art_number, "heading": heading, "text": text, "is_sample": is_sample})
            articles[f"{code}#{art_number}"] = article
    for row in PolicyValue.objects.filter(region__isnull=True, article__isnull=True):
        cite = CITES.get(row.key)
        if cite in articles:
            row.article = articles[cite]
            row.save(update_fields=["article"])


class Migration(migrations.Migration):
    dependencies = [("ledger", "0012_regulations_library")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
