"""Forms of the evaluation's pages. Drop-downs offer only what the user may see; the rules about content live
in the services, whose refusals the views put back on the field they name (what the user typed is kept)."""

from __future__ import annotations

from django import forms

from yixie.core.forms import BootstrapFormMixin, LenientDateField
from yixie.ledger.forms import VersionField
from yixie.org.models import Region

from .choices import GRADE_LEVELS, CheckVerdict, Dimension, Method, Source, Target
from .models import IndicatorSystem


class VersionMixin(forms.Form):
    """A form that carries the record's version: a bad version is a form-wide message, not a field's."""

    version = VersionField()

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:
            self.add_error(None, self.errors.pop("version")[0])
        return cleaned


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SystemChoiceField(forms.ChoiceField):
    """An indicator system of the user's regions, offered and accepted only from a scoped queryset (set by the
    view); the cleaned value is the system itself."""

    def __init__(self, *, empty_label: str = "（请选择）", **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid_choice", "所选指标体系不存在或不在您的管辖范围内，请重新选择。")
        super().__init__(choices=[("", empty_label)], **kwargs)
        self.empty_label = empty_label
        self._queryset = IndicatorSystem.objects.none()

    @property
    def queryset(self):
        return self._queryset

    @queryset.setter
    def queryset(self, qs):
        self._queryset = qs
        self.choices = [("", self.empty_label)] + [
            (str(s.pk), f"{s.title}{'（已冻结）' if s.is_frozen else ''}") for s in qs]

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        return self._queryset.filter(pk=int(value)).first()


YEAR_ERRORS = {"invalid": "年度请填写四位数字，如 2021。", "required": "请填写年度。",
               "min_value": "年度应在2000年到2100年之间。", "max_value": "年度应在2000年到2100年之间。"}


# ======================================================================== part A

class SystemCreateForm(BootstrapFormMixin, forms.Form):
    region = RegionChoiceField(label="区划", queryset=Region.objects.none(), empty_label=None)
    year = forms.IntegerField(label="评价年度", min_value=2000, max_value=2100, error_messages=YEAR_ERRORS,
                              help_text="评价哪一年的工作（如 2021 年度，2022 年开展评价）")
    title = forms.CharField(label="名称", max_length=200, error_messages={"required": "请填写指标体系名称。"})
    copy_from = SystemChoiceField(label="沿用的指标体系", required=False, empty_label="（不沿用，按默认指标建立）")
    source = forms.CharField(label="制定依据", max_length=300, required=False,
                             help_text="如 《关于开展议事协调机构运行成效评价的通知》")

    def __init__(self, *args, regions, systems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["copy_from"].queryset = systems
        self._style()


class IndicatorForm(VersionMixin, BootstrapFormMixin, forms.Form):
    target = forms.ChoiceField(label="评价对象", choices=Target.choices, error_messages={"required": "请选择评价对象。"})
    dimension = forms.ChoiceField(label="维度", choices=Dimension.choices, error_messages={"required": "请选择维度。"})
    name = forms.CharField(label="指标", max_length=100, error_messages={"required": "请填写指标名称。"})
    weight = forms.CharField(label="分值", max_length=10, error_messages={"required": "请填写分值。"})
    method = forms.ChoiceField(label="计分方式", choices=Method.choices, error_messages={"required": "请选择计分方式。"})
    source = forms.ChoiceField(label="数据来源", choices=[("", "（人工评定）")] + list(Source.choices), required=False)
    norm = forms.CharField(label="标准值（数量对标时必填）", max_length=10, required=False)
    guidance = forms.CharField(label="评分说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["target"]
        for name in ("weight", "norm"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        self._style()


class ScaleForm(VersionMixin, BootstrapFormMixin, forms.Form):
    """Three bands (the default 高效 / 平稳 / 缺失); a band left without a name is dropped."""

    def __init__(self, *args, bands: int = 3, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(bands):
            self.fields[f"grade_{i}"] = forms.CharField(label=f"第{i + 1}档等次", max_length=10, required=i == 0,
                                                        error_messages={"required": "请至少设置一个等次。"})
            self.fields[f"min_{i}"] = forms.CharField(label="最低分", max_length=10, required=False)
        self._style()

    def rows(self):
        n = len([k for k in self.fields if k.startswith("grade_")])
        return [(self[f"grade_{i}"], self[f"min_{i}"]) for i in range(n)]

    def scale(self) -> list[dict]:
        n = len([k for k in self.fields if k.startswith("grade_")])
        out = []
        for i in range(n):
            name = (self.cleaned_data.get(f"grade_{i}") or "").strip()
            if name:
                out.append({"grade": name, "min": (self.cleaned_data.get(f"min_{i}") or "").strip()})
        return out


class EvaluationOpenForm(BootstrapFormMixin, forms.Form):
    region = RegionChoiceField(label="区划", queryset=Region.objects.none(), empty_label=None)
    year = forms.IntegerField(label="评价年度", min_value=2000, max_value=2100, error_messages=YEAR_ERRORS,
                              help_text="评价哪一年的工作：以该年12月31日台账上存续的机构列入评价")
    carried_out_in = forms.IntegerField(label="开展年份", min_value=2000, max_value=2100, error_messages=YEAR_ERRORS,
                                        help_text="如 2022 年评价 2021 年度工作")
    title = forms.CharField(label="名称", max_length=200, required=False,
                            help_text="不填则为“某市某年度议事协调机构运行成效评价”")
    system = SystemChoiceField(label="评价指标体系",
                               error_messages={"required": "请选择评价指标体系（须先建立该年度的指标体系）。"},
                               help_text="部署后该指标体系即冻结，不能再修改")
    opened_on = LenientDateField(label="部署日期", error_messages={"required": "请填写部署日期。"})
    deadline = LenientDateField(label="自评报送截止日期", error_messages={"required": "请填写自评报送截止日期。"},
                                help_text="逾期未报送的，须经编办准予补报")
    scoring_deadline = LenientDateField(label="成员单位评价截止日期",
                                        error_messages={"required": "请填写成员单位评价截止日期。"})

    def __init__(self, *args, regions, systems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["system"].queryset = systems
        self._style()


FIGURE_HELP = {
    "meetings_held": "全年召开全体会议、办公室会议、专题会议的次数",
    "documents_issued": "以机构或其办公室名义印发的文件数",
    "problems_coordinated": "协调解决的跨部门问题数",
    "tasks_planned": "年度工作要点列出的重点任务数",
    "tasks_done": "已完成的重点任务数",
}


def _figure(label: str, name: str) -> forms.CharField:
    """A figure may be left empty in a draft (the business section saves as it gathers them); the submission
    asks for every one (没有的填0)."""
    return forms.CharField(label=label, max_length=12, required=False,
                           help_text=f"{FIGURE_HELP[name]}；报送前必填，没有的填0")


class SelfEvaluationForm(VersionMixin, BootstrapFormMixin, forms.Form):
    """The figures (whole numbers, refused in the service with the figure named) and the narrative."""

    meetings_held = _figure("召开会议次数", "meetings_held")
    documents_issued = _figure("印发文件数", "documents_issued")
    problems_coordinated = _figure("协调解决问题数", "problems_coordinated")
    tasks_planned = _figure("年度重点任务数", "tasks_planned")
    tasks_done = _figure("完成重点任务数", "tasks_done")
    mechanisms = forms.CharField(label="建立的工作机制", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text="工作规则、责任清单、信息报送、督办落实等制度")
    duties_performed = forms.CharField(label="履行职责情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    highlights = forms.CharField(label="成绩亮点", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="报送前必填")
    shortcomings = forms.CharField(label="问题短板", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text="报送前必填")
    next_plan = forms.CharField(label="下一年度工作打算", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="报送前必填")

    FIGURE_NAMES = ("meetings_held", "documents_issued", "problems_coordinated", "tasks_planned", "tasks_done")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.FIGURE_NAMES:
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self._style()

    def clean(self):
        cleaned = super().clean()
        texts = [n for n in self.fields if n != "version"]
        if not any(str(cleaned.get(n) or "").strip() for n in texts):
            raise forms.ValidationError("请至少填写一项数据或文字后再保存（未填的数据可以报送前补齐）。")
        return cleaned


class EvidenceForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="佐证材料（PDF、OFD、Word、Excel 文件或扫描图片 JPG、PNG）",
                           error_messages={"required": "请选择要上传的佐证材料。", "empty": "上传的文件是空文件。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class SubmitForm(VersionMixin, forms.Form):
    pass


GRADE_CHOICES = [("", "（暂不评定）")] + [(g, g) for g in GRADE_LEVELS]


class CheckForm(BootstrapFormMixin, forms.Form):
    verdict = forms.ChoiceField(label="审核意见", choices=CheckVerdict.choices, widget=forms.RadioSelect,
                                error_messages={"required": "请选择审核意见。"})
    score = forms.CharField(label="调整后得分（0–100）", max_length=10, required=False,
                            help_text="选择“调整评分”时必填")
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="调整评分或退回补充时必填")

    def __init__(self, *args, grade_indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.grade_indicators = list(grade_indicators)
        for ind in self.grade_indicators:
            self.fields[f"grade_{ind.pk}"] = forms.ChoiceField(
                label=f"{ind.name}（{ind.weight.normalize():f}分）等次", choices=GRADE_CHOICES, required=False,
                help_text=ind.guidance)
        self.fields["score"].widget.attrs["inputmode"] = "decimal"
        self._style()

    def grade_fields(self):
        return [self[f"grade_{i.pk}"] for i in self.grade_indicators]

    def grades(self) -> dict:
        return {str(i.pk): self.cleaned_data.get(f"grade_{i.pk}") for i in self.grade_indicators
                if self.cleaned_data.get(f"grade_{i.pk}")}


class ReopenForm(BootstrapFormMixin, forms.Form):
    until = LenientDateField(label="补报截止日期", error_messages={"required": "请填写补报截止日期。"})
    reason = forms.CharField(label="准予补报的理由", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请写明准予补报的理由。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
