"""One function turns a user into the rows they may see or change (deny by default).

Region roles hold for their region and every region below it (市县联动); the department role holds
for one department. Every user-visible queryset is filtered through `scope_for(user, action)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from yixie.core.access import user_roles
from yixie.core.roles import DEPARTMENT_ROLES, ROLE_ACTIONS

from .models import Region


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    region_ids: frozenset[int] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)
    # (department id, its region id) of each department in department_ids: a department's bodies are
    # its region's, so queries narrow to those regions first (an index) before looking for the department.
    department_regions: tuple[tuple[int, int], ...] = ()

    @property
    def department_region_ids(self) -> frozenset[int]:
        return frozenset(region_id for _dept, region_id in self.department_regions)

    @property
    def empty(self) -> bool:
        return not (self.everything or self.region_ids or self.department_ids)

    def restrict(self, qs, *, regions: Callable[[frozenset[int]], Q] | None = None,
                 departments: Callable[[Scope], Q] | None = None):
        """The one scoping style for querysets: everything, nothing, or the rows that `regions(region ids)`
        or `departments(scope)` admit. Each model says how a region role and a department role reach it."""
        if self.everything:
            return qs
        if self.empty:
            return qs.none()
        q = Q(pk__in=[])
        if self.region_ids and regions is not None:
            q |= regions(self.region_ids)
        if self.department_ids and departments is not None:
            q |= departments(self)
        return qs.filter(q)


def region_subtree_ids(region_ids: set[int]) -> set[int]:
    """The regions and all their descendants (the tree is shallow: city → county → township)."""
    result = set(region_ids)
    frontier = set(region_ids)
    while frontier:
        children = set(Region.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - result
        result |= children
        frontier = children
    return result


def scope_for(user, action: str) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    cache = user.__dict__.setdefault("_yixie_scopes", {})
    if action in cache:
        return cache[action]
    regions: set[int] = set()
    departments: dict[int, int] = {}
    for assignment in user_roles(user):
        if action not in ROLE_ACTIONS.get(assignment.role, set()):
            continue
        if assignment.role in DEPARTMENT_ROLES:
            departments[assignment.department_id] = assignment.department.region_id
        else:
            regions.add(assignment.region_id)
    # Most actions of a user cover the same regions: compute each subtree once per request (user object).
    subtrees = user.__dict__.setdefault("_yixie_subtrees", {})
    key = frozenset(regions)
    if key not in subtrees:
        subtrees[key] = frozenset(region_subtree_ids(regions))
    scope = Scope(region_ids=subtrees[key], department_ids=frozenset(departments),
                  department_regions=tuple(sorted(departments.items())))
    cache[action] = scope
    return scope


def regions_visible_to(user, action: str = "org.view"):
    scope = scope_for(user, action)
    if scope.everything:
        return Region.objects.all()
    ids = set(scope.region_ids)
    ids |= scope.department_region_ids
    return Region.objects.filter(id__in=ids)
