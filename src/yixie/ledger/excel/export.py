"""The ledger as of a day, out to a workbook in the template's layout.

An exported file can be edited and imported again as it is, so the export writes exactly the
template's columns (`template.COLUMNS`) and the cells in the words the importer reads back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.db.models.fields.json import KT
from openpyxl import Workbook

from yixie.core.dates import format_date_zh

from .. import state as st
from ..choices import BodyCategory, LeaderRole, MemberRole
from ..models import LedgerEvent
from ..selectors import history_text
from .template import COLUMNS, body_code, sheets_workbook


def duration_text(state: dict) -> str:
    """存续时间 as the offices write it: 常设, or 临时 with its end date and condition."""
    if not state.get("is_temporary"):
        return "常设"
    parts = ["临时"]
    if state.get("ends_on"):
        parts.append(f"至{format_date_zh(date.fromisoformat(state['ends_on']))}")
    if (state.get("end_condition") or "").strip():
        parts.append(state["end_condition"].strip())
    return "，".join(parts)


def _row_values(ev: LedgerEvent, history: str) -> dict[str, Any]:
    s = ev.state
    body = ev.body
    doc = body.basis_document
    leaders = s.get("leaders") or []
    members = s.get("members") or []
    return {
        "name": s.get("name", ""),
        "established_on": body.established_on,
        "document": (f"{doc.number}《{doc.title}》" if doc.title else doc.number) if doc else "",
        "office_department": (s.get("office_department") or s.get("lead_department") or {}).get("name", ""),
        "duration": duration_text(s),
        "history": history,
        "upper_counterpart": s.get("upper_counterpart", ""),
        "region": ev.region.name,
        "form": st.CHOICE_LABELS["form"].get(s.get("form"), s.get("form") or ""),
        "sequence": st.CHOICE_LABELS["sequence"].get(s.get("sequence"), s.get("sequence") or ""),
        "legal_ground": st.CHOICE_LABELS["legal_ground"].get(s.get("legal_ground"), s.get("legal_ground") or ""),
        "lead_department": (s.get("lead_department") or {}).get("name", ""),
        "leader": "、".join(x["post"] for x in leaders if x.get("role") == LeaderRole.LEADER),
        "deputies": "、".join(x["post"] for x in leaders if x.get("role") == LeaderRole.DEPUTY),
        "members": "、".join(
            m["department"] + ("（主办）" if m.get("role") == MemberRole.PRINCIPAL else "") for m in members
        ),
        "duties": s.get("duties", ""),
        "short_name": s.get("short_name", ""),
        "aliases": "、".join(s.get("aliases") or []),
        "ends_on": date.fromisoformat(s["ends_on"]) if s.get("ends_on") else None,
        "end_condition": s.get("end_condition", ""),
        "task_scope": st.CHOICE_LABELS["task_scope"].get(s.get("task_scope"), s.get("task_scope") or ""),
        "status": st.CHOICE_LABELS["status"].get(s.get("status"), s.get("status") or ""),
        "code": body_code(ev.region.code, ev.body_id),
        "version": ev.pk,  # the state this row shows: a later change of the body is a conflict on import
        "change_kind": None,
        "change_on": None,
        "change_document": None,
    }


def _histories(body_filter: dict, on: date) -> dict[int, list[LedgerEvent]]:
    """Every body's events up to `on`, in one query, light: only what `history_text` reads."""
    qs = (
        LedgerEvent.objects.filter(is_void=False, effective_on__lte=on, **body_filter)
        .select_related("document")
        .only("id", "body_id", "kind", "effective_on", "seq", "is_void", "document_id", "document__number")
        .annotate(hist_name=KT("state__name"), hist_successor=KT("state__successor__name"))
        .order_by("body_id", "effective_on", "seq", "id")
    )
    result: dict[int, list[LedgerEvent]] = defaultdict(list)
    for ev in qs.iterator(chunk_size=5000):
        ev.state = {"name": ev.hist_name, "successor": {"name": ev.hist_successor} if ev.hist_successor else None}
        result[ev.body_id].append(ev)
    return result


def export_workbook(rows: Iterable[LedgerEvent], *, on: date) -> Workbook:
    """The ledger as of `on`: one sheet per category (all six, even empty), one row per state.

    `rows` are in-force `LedgerEvent`s (see `selectors.ledger_rows`), exported in their order. The
    histories of all exported bodies are read in one query; a queryset costs two queries in all.
    """
    if isinstance(rows, QuerySet):
        rows = rows.select_related("body__basis_document", "region")
        histories = _histories({"body_id__in": rows.values("body_id")}, on)
        row_iter: Iterable[LedgerEvent] = rows.iterator(chunk_size=2000)
    else:
        rows = list(rows)
        ids = sorted({r.body_id for r in rows})
        histories = {}
        for i in range(0, len(ids), 500):
            histories.update(_histories({"body_id__in": ids[i:i + 500]}, on))
        row_iter = rows
    by_category: dict[str, list[list[Any]]] = {c: [] for c in BodyCategory.values}
    for ev in row_iter:
        values = _row_values(ev, history_text(histories.get(ev.body_id, [])))
        by_category.setdefault(ev.category, []).append([values[key] for _h, key in COLUMNS])
    return sheets_workbook(by_category, on=on)


def write_export(rows: Iterable[LedgerEvent], *, on: date, stream: IO[bytes] | str | Path) -> None:
    export_workbook(rows, on=on).save(stream)
