from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from yixie.core.access import requires

from . import services
from .forms import DepartmentForm, PostHolderForm
from .models import Department, Post, PostHolding
from .scopes import regions_visible_to


@requires("org.view")
def department_list(request):
    regions = regions_visible_to(request.user)
    region_id = request.GET.get("region")
    region = regions.filter(pk=region_id).first() if region_id and region_id.isdigit() else None
    region = region or regions.filter(level="city").first() or regions.first()
    depts = (
        Department.objects.filter(region=region)
        .annotate(n_led=Count("led_bodies", distinct=True), n_member=Count("memberships", distinct=True))
        .order_by("order", "id")
    )
    return render(request, "org/department_list.html", {
        "departments": depts, "region": region, "regions": regions.exclude(level="township"),
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
                   "order": dept.order, "uscc": dept.uscc, "duties": dept.duties}
    form = DepartmentForm(request.POST or None, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            saved = services.department_save(actor=request.user, department=dept, region=c["region"], name=c["name"],
                                             kind=c["kind"], short_name=c["short_name"], order=c["order"],
                                             uscc=c["uscc"], duties=c["duties"])
        except services.OrgError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已保存部门“{saved.name}”。")
            return redirect(f"/org/departments/?region={saved.region_id}")
    return render(request, "org/department_form.html", {"form": form, "dept": dept})


@requires("org.view")
def post_list(request):
    regions = regions_visible_to(request.user)
    region_id = request.GET.get("region")
    region = regions.filter(pk=region_id).first() if region_id and region_id.isdigit() else None
    region = region or regions.filter(level="city").first() or regions.first()
    posts = (
        Post.objects.filter(region=region)
        .annotate(n_seats=Count("seats"))
        .prefetch_related(Prefetch("holdings", queryset=PostHolding.objects.order_by("-started_on")))
        .order_by("order", "id")
    )
    return render(request, "org/post_list.html", {"posts": posts, "region": region,
                                                  "regions": regions.exclude(level="township")})


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
