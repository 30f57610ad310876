"""Forms of the results pages. The scoring form keeps what was typed as text: the service (`scoring.
member_total`) checks the figures and its refusals come back on the field `score_<indicator id>` of the row."""

from __future__ import annotations

from django import forms

from yixie.core.forms import BootstrapFormMixin, LenientDateField
from yixie.ledger.models import Body
from yixie.org.models import Department

from .choices import PROPOSAL_KINDS


class ExemplaryForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="标杆说明", max_length=300, required=False,
                           help_text="如：建立“周调度、月通报”机制，重点任务全部按期完成")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class _NameChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ProposalForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="建议事项", choices=list(PROPOSAL_KINDS.items()), widget=forms.RadioSelect,
                             error_messages={"required": "请选择建议事项。", "invalid_choice": "请选择建议事项：撤销、更名、调整隶属关系或合并。"})
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
                             error_messages={"required": "请说明提出调整建议的理由。"},
                             help_text="将与评价得分、等次、会议和任务情况一并转给牵头部门，作为起草申请的依据")
    task_finished = forms.BooleanField(
        label="工作任务已经完成", required=False,
        help_text="应急指挥类或上级要求设立的机构，仅在其工作任务已经完成时提出撤销建议")
    new_name = forms.CharField(label="建议的新名称（更名时填写）", max_length=150, required=False)
    new_department = _NameChoice(label="建议的牵头部门（调整隶属关系时选择）", queryset=Department.objects.none(),
                                 required=False, empty_label="（请选择）",
                                 error_messages={"invalid_choice": "所选部门不在本区划内。"})
    merge_into = _NameChoice(label="并入的机构（合并时选择）", queryset=Body.objects.none(), required=False,
                             empty_label="（请选择）", error_messages={"invalid_choice": "所选机构不在本区划内。"})

    def __init__(self, *args, departments, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_department"].queryset = departments
        self.fields["merge_into"].queryset = bodies
        self._style()


class ScoringReopenForm(BootstrapFormMixin, forms.Form):
    """编办 lets a lead department score after the deadline (准予补评). `departments`: the evaluation's lead
    departments (the only ids accepted)."""

    department = _NameChoice(label="牵头部门", queryset=Department.objects.none(),
                             error_messages={"required": "请选择准予补评的牵头部门。",
                                             "invalid_choice": "所选部门不是本次评价中有成员单位需要评价的牵头部门。"})
    until = LenientDateField(label="补评截止日期", error_messages={"required": "请填写补评截止日期。"})
    reason = forms.CharField(label="准予补评的理由", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请写明准予补评的理由。"})

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self._style()
