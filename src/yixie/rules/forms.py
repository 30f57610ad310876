"""Forms of the work rules. The draft form is structured and needs no JavaScript (CSP forbids inline script):
rows of "task | 主办 units | 协办 units" with multi-selects of the body's units and a few blank rows (saving
gives more), and one duty box per member unit. Content rules live in the services."""

from __future__ import annotations

from django import forms

from yixie.core.forms import BootstrapFormMixin, LenientDateField
from yixie.org.models import Department

from .choices import TaskRole, WorkRulesKind
from .services import ALLOWED_FILE_TYPES

#: blank task rows offered under the filled ones
BLANK_ROWS = 3
MAX_ROWS = 60


class UnitsField(forms.TypedMultipleChoiceField):
    """Units of the body, by id: the choices are built once for the whole form (no query per row)."""

    def __init__(self, *, choices, **kwargs):
        super().__init__(choices=choices, coerce=int, empty_value=[],
                         widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}), **kwargs)


class NewVersionForm(BootstrapFormMixin, forms.Form):
    """Start the first version, or a revision of the filed one (its content copied)."""

    kind = forms.ChoiceField(label="名称", choices=WorkRulesKind.choices, initial=WorkRulesKind.RULES)
    revision_reason = forms.CharField(label="修订原因", max_length=300, required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, revising: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *WorkRulesKind.choices]
        if revising:
            self.fields["revision_reason"].required = True
            self.fields["revision_reason"].help_text = "例如：成员单位调整、职责分工争议协调后调整分工。"
        else:
            del self.fields["revision_reason"]
        self._style()


class WorkRulesForm(BootstrapFormMixin, forms.Form):
    """The draft: name, meeting system, office duties, tasks (rows), member units' duties, the file."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="名称", choices=WorkRulesKind.choices)
    full_meeting = forms.CharField(label="全体会议制度", max_length=200, required=False,
                                   help_text="多长时间召开一次，例如：原则上每年召开1次，必要时可临时召开")
    office_meeting = forms.CharField(label="办公室会议（联络员会议）制度", max_length=200, required=False,
                                     help_text="例如：原则上每季度召开1次")
    meeting_notes = forms.CharField(label="其他会议和工作制度", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text="例如：专题会议、信息报送、督办落实制度")
    office_duties = forms.CharField(label="办公室职责", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label="工作规则文件（.docx 或 .pdf）", required=False,
                           help_text="印发稿或报送稿；重新上传会替换原文件")

    def __init__(self, *args, units: list[Department], members: list[Department], n_rows: int, revising: bool,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.units, self.members = units, members
        choices = [(d.pk, d.name) for d in units]
        self.n_rows = min(n_rows, MAX_ROWS)
        for i in range(self.n_rows):
            self.fields[f"task_{i}_text"] = forms.CharField(label=f"任务{i + 1}", max_length=300, required=False)
            for role, label in TaskRole.choices:
                self.fields[f"task_{i}_{role}"] = UnitsField(label=f"{label}单位", required=False, choices=choices)
        for d in members:
            self.fields[f"duty_{d.pk}"] = forms.CharField(label=d.name, required=False,
                                                          widget=forms.Textarea(attrs={"rows": 2}))
        if revising:
            self.fields["revision_reason"] = forms.CharField(label="修订原因", max_length=300, required=False)
        self._style()

    # the template's groups
    def main_fields(self):
        return [self[n] for n in ("kind", "full_meeting", "office_meeting", "meeting_notes", "office_duties")
                + (("revision_reason",) if "revision_reason" in self.fields else ())]

    def task_rows(self):
        return [(i + 1, self[f"task_{i}_text"], self[f"task_{i}_{TaskRole.PRINCIPAL}"],
                 self[f"task_{i}_{TaskRole.ASSISTING}"]) for i in range(self.n_rows)]

    def duty_fields(self):
        return [self[f"duty_{d.pk}"] for d in self.members]

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and not f.name.lower().endswith(ALLOWED_FILE_TYPES):
            raise forms.ValidationError(f"工作规则文件“{f.name}”的类型不受支持：只接受 .docx 或 .pdf 文件。")
        return f

    def tasks(self):
        from .services import TaskRow

        c = self.cleaned_data
        return [TaskRow(c.get(f"task_{i}_text") or "", list(c.get(f"task_{i}_{TaskRole.PRINCIPAL}") or []),
                        list(c.get(f"task_{i}_{TaskRole.ASSISTING}") or [])) for i in range(self.n_rows)]

    def member_duties(self) -> dict[int, str]:
        return {d.pk: self.cleaned_data.get(f"duty_{d.pk}") or "" for d in self.members}


class SubmitForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(label="已核对：每个成员单位都写明了职责或承担了工作任务，文件为最终报送稿", required=True,
                                 error_messages={"required": "请勾选确认后再报送。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ReviewForm(BootstrapFormMixin, forms.Form):
    DECISIONS = [("file", "予以备案"), ("return", "退回修改")]
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="审核结果", choices=DECISIONS, widget=forms.RadioSelect,
                                 error_messages={"required": "请选择“予以备案”或“退回修改”。"})
    filed_on = LenientDateField(label="备案日期", required=False, help_text="予以备案时填写；留空为今天")
    note = forms.CharField(label="审核意见（退回时必填：写明需要修改的内容）", required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
