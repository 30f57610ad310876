"""Forms of the dispute pages. Drop-downs offer only what the user may see (the views set their querysets from
the user's scope and the body's units); the rules live in `disputes.py`, whose refusals the views put back
on the field they name, keeping what the user typed."""

from __future__ import annotations

from django import forms

from yixie.core.forms import BootstrapFormMixin, IdsChoiceField, LenientDateField, plausible_id
from yixie.ledger.forms import VersionField
from yixie.org.models import Department


class DepartmentsField(IdsChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, label: str, required: bool = False, **kwargs):
        super().__init__(queryset=Department.objects.none(), label=label, required=required,
                         error_messages={"invalid_choice": "所选单位不在可选范围内，请重新选择。",
                                         "required": f"请选择{label}。"}, **kwargs)

    def label_from_instance(self, obj):
        return obj.name


class IdChoiceField(forms.TypedChoiceField):
    """A choice among rows the view offers (by id); the cleaned value is the id (0 = none)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(coerce=int, empty_value=0, choices=[("", "（不引用）")], **kwargs)

    def to_python(self, value):
        return value if value in self.empty_values or plausible_id(value) else "x"


class IdsMultipleField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(coerce=int, choices=[], **kwargs)


class VersionMixin(forms.Form):
    version = VersionField()

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:
            self.add_error(None, self.errors.pop("version")[0])
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


FILE_HELP = "PDF、Word（.docx）或OFD文件，按内容检查格式。"


class DisputeRaiseForm(BootstrapFormMixin, forms.Form):
    body = forms.ModelChoiceField(label="议事协调机构", queryset=None, empty_label="（请选择本单位参加的机构）",
                                  error_messages={"required": "请选择议事协调机构。",
                                                  "invalid_choice": "所选机构不存在或本单位不是其成员单位，请重新选择。"})
    raised_by = forms.ModelChoiceField(label="提出单位", queryset=Department.objects.none(), required=False,
                                       error_messages={"invalid_choice": "所选单位不在可选范围内。"})
    matter = forms.CharField(label="争议事项", max_length=200, error_messages={"required": "请填写争议事项。"},
                             help_text="例如：餐饮等行业生产经营单位燃气安全监管")
    objection = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 5}),
                                error_messages={"required": "请写明异议内容。"},
                                help_text="现行分工是什么、为什么有异议、本单位的意见和依据。")
    parties = DepartmentsField("涉及的其他单位", required=True)
    cited_task = IdChoiceField(label="引用的工作规则条目")
    cited_duties = IdsMultipleField(label="引用的三定职责")

    def __init__(self, *args, bodies, parties, tasks=(), duties=(), departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["body"].label_from_instance = lambda b: b.name
        self.fields["parties"].queryset = parties
        self.fields["cited_task"].choices = [("", "（不引用）")] + [(t.pk, f"第{t.ordinal}项：{t.text}") for t in tasks]
        self.fields["cited_duties"].choices = [(d.pk, f"{d.department.name}：{d.text}") for d in duties]
        if departments is None:
            del self.fields["raised_by"]
        else:
            self.fields["raised_by"].queryset = departments
            self.fields["raised_by"].required = True
            self.fields["raised_by"].label_from_instance = lambda d: d.name
        self._style()


class ConsultationForm(BootstrapFormMixin, VersionMixin):
    held_on = LenientDateField(label="协商日期", error_messages={"required": "请填写协商日期。"})
    present = DepartmentsField("参加单位", required=True)
    agreed = forms.TypedChoiceField(label="协商结果", choices=[("yes", "达成一致"), ("no", "未达成一致")],
                                    coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                    error_messages={"required": "请选择协商结果。"})
    summary = forms.CharField(label="协商情况", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写协商情况。"},
                              help_text="各单位的意见和协商结果。")
    principal = DepartmentsField("主办单位")
    assisting = DepartmentsField("协办单位")
    file = forms.FileField(label="协商会议纪要", required=False, help_text=FILE_HELP + "协商一致的须上传。")

    def __init__(self, *args, present, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = present
        self.fields["principal"].queryset = units
        self.fields["assisting"].queryset = units
        self._style()


class EscalateForm(BootstrapFormMixin, VersionMixin):
    on = LenientDateField(label="提请日期", error_messages={"required": "请填写提请日期。"})
    note = forms.CharField(label="提请协调说明", widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": "请写明提请协调的说明。"},
                           help_text="分歧所在、各单位意见、办事机构所在部门的建议。")
    files = MultipleFileField(label="提请协调材料", required=False, help_text=FILE_HELP + "可选择多个文件。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class FilingForm(BootstrapFormMixin, VersionMixin):
    on = LenientDateField(label="备案日期", error_messages={"required": "请填写备案日期。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class OpinionForm(BootstrapFormMixin, VersionMixin):
    """编办's opinion or the committee's decision: the text, the division, the document, a duty moved."""

    on = LenientDateField(label="意见日期", error_messages={"required": "请填写日期。"})
    text = forms.CharField(label="协调意见（分工建议）", widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": "请填写意见内容。"})
    principal = DepartmentsField("主办单位", required=True)
    assisting = DepartmentsField("协办单位")
    document_number = forms.CharField(label="文号", required=False, max_length=60,
                                      help_text="没有文号的（如复函、会议纪要）请留空。")
    document_issuer = forms.CharField(label="发文单位", max_length=100, error_messages={"required": "请填写发文单位。"})
    document_title = forms.CharField(label="文件标题", max_length=300, error_messages={"required": "请填写文件标题。"})
    file = forms.FileField(label="文件", required=False, help_text=FILE_HELP)
    move_duty = IdChoiceField(label="划出的三定职责（涉及三定职责调整时选择）")
    move_to = forms.ModelChoiceField(label="承接职责的单位", queryset=Department.objects.none(), required=False,
                                     empty_label="（不调整三定职责）",
                                     error_messages={"invalid_choice": "所选单位不在可选范围内。"})
    move_text = forms.CharField(label="承接的职责内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, parties, duties, decision: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principal"].queryset = units
        self.fields["assisting"].queryset = units
        self.fields["move_to"].queryset = parties
        self.fields["move_to"].label_from_instance = lambda d: d.name
        self.fields["move_duty"].choices = [("", "（不划出，只增加职责）")] + [
            (d.pk, f"{d.department.name}：{d.text}") for d in duties]
        if decision:
            self.fields["on"].label = "决定日期"
            self.fields["text"].label = "编委会决定"
        self._style()

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("move_duty") or cleaned.get("move_text")) and not cleaned.get("move_to"):
            self.add_error("move_to", "调整三定职责的，请选择承接职责的单位。")
        if cleaned.get("move_to") and not (cleaned.get("move_text") or "").strip():
            self.add_error("move_text", "请填写承接的职责内容。")
        return cleaned


class ReferForm(BootstrapFormMixin, VersionMixin):
    on = LenientDateField(label="提交编委会日期", error_messages={"required": "请填写提交日期。"})
    note = forms.CharField(label="提交理由", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请写明提交编委会研究的理由。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class WithdrawForm(BootstrapFormMixin, VersionMixin):
    reason = forms.CharField(label="撤回原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请写明撤回异议的原因。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
