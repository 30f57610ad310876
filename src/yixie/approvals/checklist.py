"""The setup checklist (spec §2.2 and §3): what 编办 records, item by item, for every application.

A refusal must cite at least one item that does not hold; its words come from here.
"""

from __future__ import annotations

# key, kind ("condition": one must hold; "prohibition": none may apply; "rule": must hold), text
CHECKLIST: list[tuple[str, str, str]] = [
    ("cond_upper", "condition", "对应上级需要设立（上级明确要求或有对口机构）"),
    ("cond_cross", "condition", "工作任务跨领域、跨部门，需要市委、市政府领导经常组织协调"),
    ("cond_major", "condition", "工作任务重大，单个部门难以承担和协调"),
    ("proh_duties", "prohibition", "工作任务已规定由相应职能部门承担（三定规定已有）"),
    ("proh_mechanism", "prohibition", "工作任务可以通过配合协调机制落实到相应职能部门"),
    ("proh_similar", "prohibition", "与已设立的议事协调机构职责相同或相近"),
    ("rule_office", "rule", "不单设实体办事机构，不单独核定编制和领导职数，办事机构设在有关部门"),
    ("rule_seal", "rule", "不刻制印章，不以机构名义向下级行文（确需的已报批）"),
    ("rule_leaders", "rule", "设组长一名、副组长一至二名，成员单位不超过上限"),
    ("rule_temporary", "rule", "临时机构已明确撤销条件或存续期限"),
]
CHECKLIST_KEYS = [k for k, _, _ in CHECKLIST]
#: The article each item rests on ("<regulation code>#<article number>", the ledger's regulations library);
#: registered with `ledger.regulations.register_citations` so an article's page lists the items citing it.
CHECKLIST_CITES: dict[str, str] = {
    "cond_upper": "dfyx-2025#第三条",
    "cond_cross": "dfyx-2025#第三条",
    "cond_major": "dfyx-2025#第三条",
    "proh_duties": "dfyx-2025#第四条",
    "proh_mechanism": "dfyx-2025#第四条",
    "proh_similar": "dfyx-2025#第四条",
    "rule_office": "dfyx-2025#第九条",
    "rule_seal": "dfyx-2025#第十条",
    "rule_leaders": "dfyx-2025#第七条",
    "rule_temporary": "dfyl-486#第十一条",
}
#: The group label the checklist's citations are registered under (shown on an article's page).
CHECKLIST_GROUP = "编办审核要点"
CHECKLIST_TEXT = {k: t for k, _, t in CHECKLIST}
CHECKLIST_KIND = {k: kind for k, kind, _ in CHECKLIST}


def failed_items(answers: dict) -> list[str]:
    """Items whose answer makes the application fail: no condition met, a prohibition applies, a rule broken."""
    failed = []
    conditions = [k for k in CHECKLIST_KEYS if CHECKLIST_KIND[k] == "condition"]
    if conditions and not any(answers.get(k, {}).get("holds") for k in conditions):
        failed += conditions
    for key in CHECKLIST_KEYS:
        kind = CHECKLIST_KIND[key]
        holds = answers.get(key, {}).get("holds")
        if kind == "prohibition" and holds:
            failed.append(key)
        elif kind == "rule" and holds is False:
            failed.append(key)
    return failed


def citations() -> dict[str, tuple[str, str]]:
    """{item key: (text, cite)} for `ledger.regulations.register_citations`."""
    return {k: (CHECKLIST_TEXT[k], CHECKLIST_CITES[k]) for k in CHECKLIST_KEYS}


def describe(keys: list[str]) -> str:
    return "；".join(CHECKLIST_TEXT[k] for k in keys)
