"""Forms of the meetings register's pages. Every drop-down offers only the body's region's posts and departments
(the views pass them in, already within the user's scope); the rules about content live in the services, whose
refusals the views put back on the field they name."""

from __future__ import annotations

from django import forms

from yixie.core.forms import BootstrapFormMixin, IdsChoiceField, LenientDateField
from yixie.ledger.forms import VersionField
from yixie.org.models import Department, Post

from .choices import MeetingKind

FILE_HELP = "PDF、OFD、Word（.docx）文件或扫描图片（JPG、PNG），按文件内容检查格式"


class NameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class NamesChoiceField(IdsChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class VersionMixin(forms.Form):
    """A form that carries the row's version: a bad version is a form-wide message, not a field's."""

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:
            self.add_error(None, self.errors.pop("version")[0])
        return cleaned


class MeetingForm(VersionMixin, BootstrapFormMixin, forms.Form):
    version = VersionField()
    kind = forms.ChoiceField(label="会议类型", choices=[("", "（请选择）")] + list(MeetingKind.choices))
    held_on = LenientDateField(label="会议日期", help_text="如 2026-03-15；不能晚于今天")
    title = forms.CharField(label="会议名称", max_length=200, help_text="如 市安全生产委员会2026年第一次全体会议")
    chair_post = NameChoiceField(label="主持人职务", queryset=Post.objects.none(), required=False,
                                 empty_label="（不是领导职务时在右侧填写）")
    chair_label = forms.CharField(label="主持人（非领导职务时）", max_length=60, required=False,
                                  help_text="如 市应急管理局局长（办公室主任）")
    posts = NamesChoiceField(label="参会领导职务", queryset=Post.objects.none(), required=False,
                             widget=forms.CheckboxSelectMultiple)
    departments = NamesChoiceField(label="参会单位", queryset=Department.objects.none(), required=False,
                                   widget=forms.CheckboxSelectMultiple)
    topics = forms.CharField(label="研究事项", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    decisions = forms.CharField(label="议定事项（每行一项，可稍后补充）", required=False,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="会议确定要办的事项，登记后逐项跟踪落实（议而不决、议而不行将显示为未落实）")
    minutes = forms.FileField(label="会议纪要", required=False, help_text=FILE_HELP)

    def __init__(self, *args, posts, departments, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair_post"].queryset = posts
        self.fields["posts"].queryset = posts
        self.fields["departments"].queryset = departments
        if not creating:
            del self.fields["decisions"]
            self.fields["minutes"].help_text = FILE_HELP + "；不上传则保留原纪要"
        self._style()

    def decision_lines(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("decisions") or "").splitlines() if line.strip()]


class DecisionForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="议定事项", widget=forms.Textarea(attrs={"rows": 2}))
    department = NameChoiceField(label="牵头落实单位", queryset=Department.objects.none(), required=False,
                                 empty_label="（未明确）")
    due_on = LenientDateField(label="落实时限", required=False, help_text="超过时限仍未落实的将突出显示")

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self._style()


class DecisionDoneForm(VersionMixin, BootstrapFormMixin, forms.Form):
    version = VersionField()
    done_on = LenientDateField(label="落实日期")
    note = forms.CharField(label="落实情况", widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="如 已印发实施方案（潍安委〔2026〕3号）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ReasonForm(VersionMixin, BootstrapFormMixin, forms.Form):
    version = VersionField()
    reason = forms.CharField(label="原因", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class DocumentForm(VersionMixin, BootstrapFormMixin, forms.Form):
    version = VersionField()
    number = forms.CharField(label="文号", max_length=60, required=False, help_text="如 潍安委〔2026〕3号")
    title = forms.CharField(label="文件标题", max_length=200)
    issued_on = LenientDateField(label="印发日期")
    to_lower_levels = forms.BooleanField(label="向下级（县市区、乡镇或下级部门）发文", required=False)
    approved = forms.BooleanField(label="已经批准", required=False,
                                  help_text="以议事协调机构名义向下级发文须经批准（规则3）；未经批准的照实登记，并将标出")
    approval_note = forms.CharField(label="批准情况（批准文件或说明）", max_length=200, required=False)
    file = forms.FileField(label="文件", required=False, help_text=FILE_HELP)

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            self.fields["file"].help_text = FILE_HELP + "；不上传则保留原文件"
        self._style()
