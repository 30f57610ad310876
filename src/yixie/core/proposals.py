"""The proposal intake: capabilities raise proposals to change a body; approvals and campaigns take them in.

A hand-off between capabilities goes through here (or another lower-floor service), never through one
capability's internals: the evaluation raises "abolish 市某某领导小组" with its evidence, the approval
workflow shows it to the department and 编办 and opens an application from it, and marks it taken."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from . import audit
from .audit import snapshot
from .errors import DomainError
from .models import Proposal, ProposalStatus
from .registry import PROPOSAL_TAKERS

#: How the capabilities name a proposal's kind (one vocabulary for the one who raises and the one who takes).
KIND_LABELS = {"abolish": "撤销", "rename": "更名", "reaffiliate": "调整隶属关系", "merge": "合并", "downgrade": "降格",
               "adjust": "调整"}


def proposal_raise(*, kind: str, region_id: int, reason: str, source: str, body_id: int | None = None,
                   body_label: str = "", evidence: dict | None = None, source_ref: str = "", source_url: str = "",
                   actor=None) -> Proposal:
    """Raise a proposal; raising the same (source, record, kind, body) again while it is open returns the open one."""
    if not reason.strip():
        raise DomainError("请说明提出调整建议的理由。", "reason")
    with transaction.atomic():
        existing = Proposal.objects.select_for_update().filter(
            source=source, source_ref=source_ref, kind=kind, body_id=body_id, status=ProposalStatus.OPEN).first()
        if existing:
            return existing
        proposal = Proposal.objects.create(
            kind=kind, region_id=region_id, body_id=body_id, body_label=body_label[:200], reason=reason,
            evidence=evidence or {}, source=source, source_ref=source_ref[:200], source_url=source_url[:500],
            raised_by=actor if getattr(actor, "pk", None) else None)
        audit.record(actor=actor, action="proposal.raise", target=proposal, after=snapshot(proposal),
                     body_id=body_id, reason=reason[:500])
    return proposal


def _decide(*, proposal: Proposal, status: str, actor, note: str, taken_by: str = "", taken_ref: str = "") -> Proposal:
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != ProposalStatus.OPEN:
            raise DomainError(f"该调整建议已{locked.get_status_display()}，不能重复处理。")
        before = snapshot(locked)
        locked.status = status
        locked.taken_by = taken_by
        locked.taken_ref = taken_ref[:200]
        locked.decided_by = actor if getattr(actor, "pk", None) else None
        locked.decided_at = timezone.now()
        locked.decision_note = note[:500]
        locked.save()
        audit.record(actor=actor, action=f"proposal.{status}", target=locked, before=before,
                     after=snapshot(locked), body_id=locked.body_id, reason=note[:500])
    return locked


def proposal_take(*, proposal: Proposal, taker: str, ref: str, actor, note: str = "") -> Proposal:
    """A capability (`taker`, a registered key) took the proposal in, as its record `ref`."""
    if taker not in {t.key for t in PROPOSAL_TAKERS}:
        raise DomainError(f"未登记的受理方：{taker}")
    return _decide(proposal=proposal, status=ProposalStatus.TAKEN, actor=actor, note=note, taken_by=taker,
                   taken_ref=ref)


def proposal_dismiss(*, proposal: Proposal, actor, note: str) -> Proposal:
    if not note.strip():
        raise DomainError("不予采纳时请说明理由。", "note")
    return _decide(proposal=proposal, status=ProposalStatus.DISMISSED, actor=actor, note=note)


def proposals_open(*, region_ids=None, body_ids=None):
    """Open proposals, optionally only of these regions or bodies (the caller applies the user's scope)."""
    qs = Proposal.objects.filter(status=ProposalStatus.OPEN)
    if region_ids is not None:
        qs = qs.filter(region_id__in=region_ids)
    if body_ids is not None:
        qs = qs.filter(body_id__in=body_ids)
    return qs
