from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from yixie.core.access import requires
from yixie.core.registry import row_facts

from . import selectors, services
from .duties import duties_in_force
from .forms import DepartmentForm, PostHolderForm
from .models import Department, Post, PostHolding
from .scopes import regions_visible_to


def _with_facts(table: str, rows: list, on) -> tuple[list, list]:
    """The rows, each with the values of the facts that higher floors registered for this table."""
    columns = row_facts(table, [r.pk for r in rows], on)
    for r in rows:
        r.facts = [c["values"][r.pk] for c in columns]
    return rows, columns


@requires("org.view")
def department_list(request):
    regions = regions_visible_to(request.user)
    region = selectors.region_from_query(regions, request.GET.get("region"))
    on, on_error = selectors.date_from_query(request.GET.get("on"))
    depts, columns = _with_facts("org.department", list(selectors.departments_of(region)), on)
    return render(request, "org/department_list.html", {
        "departments": depts, "columns": columns, "region": region, "on": on, "on_error": on_error,
        "regions": regions.exclude(level="township"),
    })


def _region_choices(user):
    return regions_visible_to(user, "org.edit").exclude(level="township")


@requires("org.edit")
@require_http_methods(["GET", "POST"])
def department_create(request):
    return _department_form(request, None)


@requires("org.edit")
@require_http_methods(["GET", "POST"])
def department_edit(request, pk: int):
    dept = get_object_or_404(Department.objects.filter(region__in=_region_choices(request.user)), pk=pk)
    return _department_form(request, dept)


def _department_form(request, dept):
    regions = _region_choices(request.user)
    initial = {}
    if dept is not None:
        initial = {"region": dept.region_id, "name": dept.name, "short_name": dept.short_name, "kind": dept.kind,
                   "order": dept.order, "uscc": dept.uscc,
                   "duties": "\n".join(duties_in_force([dept.pk]).values_list("text", flat=True)),
                   "established_on": dept.established_on, "ended_on": dept.ended_on}
    form = DepartmentForm(request.POST or None, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            saved = services.department_save(actor=request.user, department=dept, region=c["region"], name=c["name"],
                                             kind=c["kind"], short_name=c["short_name"], order=c["order"],
                                             uscc=c["uscc"], duties=c["duties"],
                                             established_on=c["established_on"], ended_on=c["ended_on"])
        except services.OrgError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已保存部门“{saved.name}”。")
            return redirect(f"/org/departments/?region={saved.region_id}")
    return render(request, "org/department_form.html", {"form": form, "dept": dept})


@requires("org.view")
def post_list(request):
    regions = regions_visible_to(request.user)
    region = selectors.region_from_query(regions, request.GET.get("region"))
    on, on_error = selectors.date_from_query(request.GET.get("on"))
    posts = (
        Post.objects.filter(region=region)
        .prefetch_related(Prefetch("holdings", queryset=PostHolding.objects.order_by("-started_on")))
        .order_by("order", "id")
    )
    posts, columns = _with_facts("org.post", list(posts), on)
    return render(request, "org/post_list.html", {"posts": posts, "columns": columns, "region": region, "on": on,
                                                  "on_error": on_error, "regions": regions.exclude(level="township")})


@requires("org.edit")
@require_http_methods(["GET", "POST"])
def post_holder(request, pk: int):
    """Turnover (自然补入): the successor takes the post's seats in every body, with no document."""
    post = get_object_or_404(Post.objects.filter(region__in=_region_choices(request.user)), pk=pk)
    form = PostHolderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_holder_change(actor=request.user, post=post, person_name=form.cleaned_data["person_name"],
                                        started_on=form.cleaned_data["started_on"])
        except services.OrgError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已登记{post.name}任职变动，其担任的组长、副组长席位自然补入。")
            return redirect(f"/org/posts/?region={post.region_id}")
    return render(request, "org/department_form.html", {"form": form, "title": f"任职变动：{post.name}"})
