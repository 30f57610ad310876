"""Forms of the review campaign's pages. Every drop-down offers only what the user may see; the rules about
content live in the services, whose refusals the views put back on the field they name."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from yixie.core.forms import BootstrapFormMixin, IdsChoiceField, LenientDateField
from yixie.ledger.choices import BodyCategory
from yixie.ledger.forms import VersionField
from yixie.ledger.models import Body, Document
from yixie.org.models import Department, Region

from .choices import DEADLINE_PHASES, Action, Meeting, Phase, Reason, Verdict

#: The categories a campaign includes by default (the 议事协调机构 proper), and the optional ones.
DEFAULT_CATEGORIES = [BodyCategory.PARTY, BodyCategory.GOVERNMENT]

DEADLINE_HELP = {
    Phase.DEPLOY: "印发行动方案、召开部署会",
    Phase.SORTING: "各部门逐个梳理牵头的机构、填写自评",
    Phase.REPORTING: "组织人事科室审核后报送自评报告（必填，逾期将在进度表中标出）",
    Phase.REVIEW: "编办、两办、组织部逐个提出审核意见",
    Phase.DELIBERATION: "提交党委常委会会议、政府常务会议研究",
    Phase.PUBLISHED: "印发公布清单",
}


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number}　{obj.title}" if obj.title else obj.number


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CampaignOpenForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="行动名称", max_length=200,
                            help_text="如 潍坊市2026年议事协调机构调整规范行动")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              error_messages={"invalid": "年度请填写四位数字，如 2026。",
                                              "min_value": "年度应在2000年到2100年之间。",
                                              "max_value": "年度应在2000年到2100年之间。"})
    region = RegionChoiceField(label="区划", queryset=Region.objects.none(), empty_label=None)
    counties = IdsChoiceField(label="市县联动：同时部署到下列县市区（各县市区分别梳理、审核、公布）",
                              queryset=Region.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)
    categories = forms.MultipleChoiceField(
        label="纳入范围（机构类别）", choices=BodyCategory.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一类纳入调整规范范围的机构。"})
    snapshot_on = LenientDateField(label="台账快照日期", help_text="以这一天台账上在设立的机构作为梳理清单（不能晚于今天）")
    plan_document = DocumentChoiceField(label="调整规范行动方案（文号）", queryset=Document.objects.none(), required=False,
                                        empty_label="（暂不关联）",
                                        help_text="两办印发的行动方案，须先在台账“文件”中登记")

    def __init__(self, *args, regions, counties, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["counties"].queryset = counties
        self.fields["plan_document"].queryset = documents
        for phase in DEADLINE_PHASES:
            self.fields[f"deadline_{phase}"] = LenientDateField(
                label=f"“{Phase(phase).label}”截止日期", required=phase == Phase.REPORTING,
                help_text=DEADLINE_HELP.get(phase, ""))
        self._style()

    def deadline_fields(self):
        return [self[f"deadline_{p}"] for p in DEADLINE_PHASES]

    def deadlines(self) -> dict:
        return {p: self.cleaned_data[f"deadline_{p}"] for p in DEADLINE_PHASES if self.cleaned_data.get(f"deadline_{p}")}

    def clean(self):
        cleaned = super().clean()
        region = cleaned.get("region")
        for county in cleaned.get("counties") or []:
            if region is not None and county.parent_id != region.pk:
                self.add_error("counties", f"{county.name}不是{region.name}的下辖区划。")
                break
        return cleaned


ACTION_HELP = {
    Action.KEEP: "工作任务仍需统筹协调，继续保留",
    Action.ABOLISH: "工作任务已完成或职责弱化，不再保留",
    Action.MERGE: "与其他机构职能重叠，并入该机构",
    Action.RENAME: "名称与职责任务不相适应",
    Action.REAFFILIATE: "改由其他部门牵头、承担办事机构工作",
    Action.TO_JOINT: "由牵头部门召集，不再设组长、副组长",
    Action.TO_SPECIAL: "作为专项小组，工作完成后撤销",
    Action.TO_MECHANISM: "作为部门间协调机制保留，不计入议事协调机构",
    Action.DERECOGNISE: "工作由部门履行职责完成，不再作为议事协调机构管理",
}


class ProposalFieldsMixin(forms.Form):
    """The action and what it needs: the body to merge into, the new name, the new lead department."""

    action = forms.ChoiceField(label="拟调整方式", choices=Action.choices, widget=forms.RadioSelect,
                               error_messages={"required": "请选择调整方式。"})
    merge_into = BodyChoiceField(label="并入的机构（选择“合并”时填写）", queryset=Body.objects.none(), required=False,
                                 empty_label="（请选择）")
    new_name = forms.CharField(label="新名称（选择“更名”时填写）", max_length=150, required=False,
                               help_text="改为联席会议、专项小组或协调机制时，也可在此填写改后的名称。")
    new_department = DepartmentChoiceField(label="新的牵头部门（选择“调整隶属关系”时填写）",
                                           queryset=Department.objects.none(), required=False,
                                           empty_label="（请选择）")

    def limit(self, *, bodies, departments) -> None:
        self.fields["merge_into"].queryset = bodies
        self.fields["new_department"].queryset = departments

    def action_rows(self):
        return [(c, ACTION_HELP.get(c.data["value"], "")) for c in self["action"]]


class VersionMixin(forms.Form):
    """A form that carries the record's version: a bad version is a form-wide message, not a field's."""

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:
            self.add_error(None, self.errors.pop("version")[0])
        return cleaned


class ItemReportForm(VersionMixin, BootstrapFormMixin, ProposalFieldsMixin):
    """The department's self-report on one body; carries the item's version (no lost updates)."""

    version = VersionField()
    reason = forms.ChoiceField(label="理由", choices=[("", "（保留的可不选）")] + list(Reason.choices), required=False)
    reason_text = forms.CharField(label="理由说明", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text="理由选“其他”的必填；也可补充具体情况")
    leader_changes = forms.CharField(label="组长、副组长调整意见", required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text="如 副组长由分管副市长调整为常务副市长；无调整的不填")
    member_changes = forms.CharField(label="成员单位调整意见", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text="如 增加市商务局，减少市统计局；无调整的不填")
    basis = forms.CharField(label="依据文件", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="设立、调整的依据和上级文件，如 潍办字〔2019〕12号")
    meetings_held = forms.CharField(label="近三年召开会议次数", required=False, max_length=20)
    documents_issued = forms.CharField(label="近三年印发文件数", required=False, max_length=20)
    tasks_done = forms.CharField(label="完成工作任务情况", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="如 协调解决问题12个，完成年度重点任务78项")

    def __init__(self, *args, bodies, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit(bodies=bodies, departments=departments)
        self.fields["meetings_held"].widget.attrs["inputmode"] = "numeric"
        self.fields["documents_issued"].widget.attrs["inputmode"] = "numeric"
        self._style()



class OpinionForm(BootstrapFormMixin, ProposalFieldsMixin):
    """One office's opinion on one item in the joint review."""

    verdict = forms.ChoiceField(label="审核意见", choices=Verdict.choices, widget=forms.RadioSelect,
                                error_messages={"required": "请选择审核意见。"})
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="不同意或提出不同调整方式的必填")

    def __init__(self, *args, bodies, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit(bodies=bodies, departments=departments)
        self.fields["action"].required = False
        self._style()


class SettleForm(VersionMixin, BootstrapFormMixin, ProposalFieldsMixin):
    """编办 settles an item where the department and the offices differ."""

    version = VersionField()
    reason = forms.ChoiceField(label="调整理由", choices=[("", "（保留的可不选）")] + list(Reason.choices), required=False)
    note = forms.CharField(label="协调一致情况", widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="如 经三方会商，部门同意并入……",
                           error_messages={"required": "请写明协调一致的情况。"})

    def __init__(self, *args, bodies, departments, **kwargs):
        super().__init__(*args, prefix="settle", **kwargs)
        self.limit(bodies=bodies, departments=departments)
        self._style()



class SubmitForm(BootstrapFormMixin, forms.Form):
    inspection = forms.FileField(label="自查报告（PDF、OFD 或 Word）", required=False)
    note = forms.CharField(label="报送说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请写明退回理由。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class DeliberationForm(BootstrapFormMixin, forms.Form):
    meeting = forms.ChoiceField(label="会议", choices=Meeting.choices, error_messages={"required": "请选择会议。"})
    held_on = LenientDateField(label="会议日期")
    session = forms.CharField(label="会次", max_length=60, required=False, help_text="如 第45次")
    note = forms.CharField(label="会议意见", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="如 原则同意调整规范意见")

    def __init__(self, *args, meetings=None, **kwargs):
        """`meetings`: (value, label) of the meetings of the campaign's region (青州市委常委会会议 …)."""
        super().__init__(*args, **kwargs)
        if meetings:
            self.fields["meeting"].choices = meetings
        self.fields["held_on"].initial = timezone.localdate()
        self._style()


class PublishForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label="文号", max_length=60, help_text="如 潍办发〔2026〕30号",
                             error_messages={"required": "请填写公布清单的文号。"})
    issuer = forms.CharField(label="发文机关", max_length=100, required=False,
                             help_text="如 中共潍坊市委办公室 潍坊市人民政府办公室；不填则为本区划")
    issued_on = LenientDateField(label="成文日期（公布日期）", help_text="台账自这一天起按清单调整")
    title = forms.CharField(label="文件标题", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class TakeForm(BootstrapFormMixin, forms.Form):
    campaign = forms.ChoiceField(label="纳入的调整规范行动", choices=(),
                                 error_messages={"required": "请选择一项正在进行的调整规范行动。",
                                                 "invalid_choice": "请选择一项正在进行的调整规范行动。"})

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(str(c.pk), f"{c.title}（{c.get_phase_display()}）") for c in campaigns]
        if len(campaigns) == 1:
            self.fields["campaign"].initial = str(campaigns[0].pk)
        self._style()
