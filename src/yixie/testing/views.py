"""Generic page tests (after NetBox's ViewTestCases, much smaller, in pytest style).

An app declares a page in a few lines; the base class tests who may open it, what each role sees, how
many queries it costs and which ids it accepts. Who must get 200, 403 or 404 is derived, not listed:
403 where `user_can(user, <the view's declared rule>)` is false, otherwise 200 if the object is in the
user's scope (`visible(user)`) and 404 (or, on a list, the object's absence) if it is not.

    class TestBodyDetail(DetailPageTests):
        url_name = "ledger:body_detail"

        def make(self, world, i=0):
            return establish(world.city, name=f"市生成测试{i}号领导小组", lead=world.yjj)

The base classes are not collected themselves (their names do not start with "Test"); every test takes
the `city` world, so each runs in a fresh database.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.urls import resolve, reverse

from yixie.core.access import AUTHENTICATED, declared_rule, user_can

#: Every user of the `City` world (yixie.testing.factories), by attribute.
WORLD_USERS = ("admin", "bianban", "qz_bianban", "liangban", "zuzhibu", "leader", "clerk", "hr", "gx_clerk",
               "qz_clerk", "yj_clerk", "nobody")
#: query-string parameters that take an id, and of what (a page's form is checked with each one it reads)
ID_PARAMS = {"body": "ledger.Body", "department": "org.Department", "region": "org.Region",
             "proposal": "core.Proposal", "document": "ledger.Document"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def names(text: str, content: str) -> bool:
    """Whether the page shows `text` as a whole name (市应急管理局 is not named by 青州市应急管理局)."""
    return re.search(rf"(?<![\u4e00-\u9fff\w]){re.escape(text)}(?![\u4e00-\u9fff\w])", content) is not None


# ---------------------------------------------------------------- what a user may see, per model

def visible_rows(user, model) -> QuerySet:
    """The rows of `model` the user may see, through the product's own scope helpers (never by hand).

    A page whose rows follow another rule overrides `visible` in its declaration."""
    from yixie.approvals import selectors as approvals
    from yixie.core.models import Notification
    from yixie.ledger import selectors as ledger
    from yixie.ledger.models import Body
    from yixie.org.models import Department, Post
    from yixie.org.scopes import regions_visible_to

    label = model._meta.label
    if label == "ledger.Body":
        return Body.objects.visible_to(user)
    if label == "ledger.Document":
        return ledger.documents_visible_to(user)
    if label == "org.Region":
        return regions_visible_to(user)
    if label in ("org.Department", "org.Post"):
        return (Department if label == "org.Department" else Post).objects.filter(region__in=regions_visible_to(user))
    if label == "approvals.Application":
        return approvals.applications_visible_to(user)
    if label == "core.Proposal":
        return approvals.proposals_visible_to(user)
    if label == "core.Notification":
        return Notification.objects.filter(recipient=user)
    if label in ("ledger.Regulation", "ledger.Article"):
        from yixie.ledger import regulations

        return (regulations.regulations_visible_to if label == "ledger.Regulation"
                else regulations.articles_visible_to)(user)
    raise NotImplementedError(f"no scope known for {label}: declare `visible(self, user)` on the page")


def users(world) -> list:
    return [getattr(world, name) for name in WORLD_USERS]


def reload_user(user):
    """A fresh user object (the scope helpers cache roles and scopes on the object)."""
    return get_user_model().objects.get(pk=user.pk)


class PageTests:
    """What every page declaration shares."""

    #: "namespace:name" of the page
    url_name: str = ""
    #: the text every user who sees the object finds on the page; default: the object's name
    text_attr: str = "name"

    def make(self, world, i: int = 0):
        """Build the i-th object the page shows (an object of the world, or a new one)."""
        raise NotImplementedError

    def url_kwargs(self, obj) -> dict:
        return {}

    def url(self, obj) -> str:
        return reverse(self.url_name, kwargs=self.url_kwargs(obj))

    def action(self) -> str:
        """The action the page requires: the rule its view declares."""
        return declared_rule(resolve(self.url(self._sample).split("?")[0]).func)

    def visible(self, user) -> QuerySet:
        return visible_rows(user, type(self._sample))

    def sees(self, user, obj) -> bool:
        return self.visible(reload_user(user)).filter(pk=obj.pk).exists()

    def text(self, obj) -> str:
        return str(getattr(obj, self.text_attr))

    def allowed(self, user) -> bool:
        rule = self.action()
        return rule == AUTHENTICATED or user_can(reload_user(user), rule)

    def _setup(self, world, i: int = 0):
        obj = self.make(world, i)
        self._sample = obj
        return obj

    def _expect(self, world, obj) -> dict[str, list[str]]:
        """username -> expected outcome ("403", "200" or "hidden") for every user of the world."""
        outcome = {"403": [], "200": [], "hidden": []}
        for user in users(world):
            if not self.allowed(user):
                outcome["403"].append(user.username)
            elif self.sees(user, obj):
                outcome["200"].append(user.username)
            else:
                outcome["hidden"].append(user.username)
        return outcome

    def test_anonymous_is_sent_to_login(self, city, client):
        obj = self._setup(city)
        response = client.get(self.url(obj))
        assert response.status_code == 302 and "/login/" in response["Location"]


class ListPageTests(PageTests):
    """A list page: each role sees the rows of its scope (and none other); a constant number of queries."""

    #: the most queries the page may take (the same with 1 row and with `many` rows)
    max_queries: int = 0
    many: int = 10
    #: the roles whose query counts are measured
    query_roles: tuple[str, ...] = ("admin",)

    def test_each_role_sees_its_scope_and_nothing_else(self, city, client_for):
        obj = self._setup(city)
        expected = self._expect(city, obj)
        assert expected["200"], "no role of the world sees the object: the declaration tests nothing"
        for user in users(city):
            response = client_for(user).get(self.url(obj))
            content = response.content.decode()
            if user.username in expected["403"]:
                assert response.status_code == 403, (user.username, response.status_code)
            else:
                assert response.status_code == 200, (user.username, response.status_code)
                shown = names(self.text(obj), content)
                assert shown == (user.username in expected["200"]), (
                    user.username, "should see" if not shown else "must not see", self.text(obj))

    def test_query_count_is_constant(self, city, client_for, django_assert_max_num_queries):
        """The same number of queries with 1 row and with `many` more (no N+1), and at most `max_queries`."""
        assert self.max_queries, "declare max_queries for a list page"
        obj = self._setup(city)
        counts: dict[tuple[str, int], int] = {}
        for rows in (1, self.many + 1):
            for i in range(1, rows):
                self.make(city, i)
            for name in self.query_roles:
                c = client_for(getattr(city, name))
                assert c.get(self.url(obj)).status_code == 200  # warm caches (content types, sessions)
                with django_assert_max_num_queries(self.max_queries) as captured:
                    assert c.get(self.url(obj)).status_code == 200
                counts[(name, rows)] = len(captured)
        for name in self.query_roles:
            assert counts[(name, 1)] == counts[(name, self.many + 1)], (
                f"{self.url_name} as {name}: {counts[(name, 1)]} queries with 1 row, "
                f"{counts[(name, self.many + 1)]} with {self.many + 1} (N+1?)")


class DetailPageTests(PageTests):
    """A detail page: 200 with the object's name in scope, 404 (no hint it exists) out of scope."""

    def url_kwargs(self, obj) -> dict:
        return {"pk": obj.pk}

    def test_each_role_gets_200_403_or_404(self, city, client_for):
        obj = self._setup(city)
        expected = self._expect(city, obj)
        assert expected["200"] and expected["hidden"], (
            "the world must hold a role that sees the object and one of another department/county that does not",
            expected)
        for user in users(city):
            response = client_for(user).get(self.url(obj))
            content = response.content.decode()
            want = {"403": 403, "200": 200, "hidden": 404}[next(k for k, v in expected.items() if user.username in v)]
            assert response.status_code == want, (user.username, response.status_code, want)
            if want != 200:
                assert not names(self.text(obj), content), (user.username, "the refusal names the object")
            else:
                assert names(self.text(obj), content), user.username


def _id_fields(form) -> dict[str, forms.ModelChoiceField]:
    return {name: f for name, f in form.fields.items() if isinstance(f, forms.ModelChoiceField)}


def empty_post(form) -> dict:
    """What a browser sends for the form left blank: every field empty, unticked boxes absent.
    (An empty POST body would leave `Form(request.POST or None)` unbound, which tests nothing.)"""
    absent = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.SelectMultiple, forms.RadioSelect)
    return {form.add_prefix(name): "" for name, f in form.fields.items() if not isinstance(f.widget, absent)}


class FormPageTests(PageTests):
    """A form page: renders for allowed roles; an empty POST is refused in Chinese and writes nothing;
    every id a field or the query string accepts is checked against the user's scope."""

    #: the models whose rows must not change when a form is refused
    counted: tuple[type[Model], ...] = ()
    #: query-string parameter -> model label of the id it takes; default: those of ID_PARAMS the view reads
    #: (found in its source), so a view that starts reading `?body=` is checked from that day on
    query_ids: dict[str, str] | None = None
    #: the users (world attributes) who fill in the form, the narrowest scope first; default: every user
    #: allowed to open it who sees the object
    authors: tuple[str, ...] = ()

    def url_kwargs(self, obj) -> dict:
        """`make` returns the object the form edits (its pk is the URL's), or None for a create form."""
        return {"pk": obj.pk} if obj is not None else {}

    def sees(self, user, obj) -> bool:
        return obj is None or super().sees(user, obj)

    def rows(self) -> dict[str, int]:
        assert self.counted, "declare `counted`: the models a refused form must not write"
        return {m._meta.label: m.objects.count() for m in self.counted}

    def _authors(self, world, obj) -> list:
        if self.authors:
            return [getattr(world, name) for name in self.authors]
        return [u for u in users(world) if self.allowed(u) and self.sees(u, obj)]

    def test_get_renders_for_allowed_roles(self, city, client_for):
        obj = self._setup(city)
        expected = self._expect(city, obj)
        assert expected["200"], expected
        for user in users(city):
            response = client_for(user).get(self.url(obj))
            want = {"403": 403, "200": 200, "hidden": 404}[next(k for k, v in expected.items() if user.username in v)]
            assert response.status_code == want, (user.username, response.status_code, want)
            if want == 200:
                assert "<form" in response.content.decode() and response.context.get("form") is not None

    def test_empty_post_is_refused_in_chinese_and_writes_nothing(self, city, client_for):
        obj = self._setup(city)
        for user in self._authors(city, obj):
            before = self.rows()
            c = client_for(user)
            response = c.post(self.url(obj), empty_post(c.get(self.url(obj)).context["form"]))
            assert response.status_code == 200, (user.username, response.status_code)
            form = response.context["form"]
            errors = [str(e) for errs in form.errors.values() for e in errs]
            assert errors, (user.username, "an empty form was accepted")
            assert all(CJK.search(e) for e in errors), errors
            assert any(e in response.content.decode() for e in errors)
            assert self.rows() == before, (user.username, "a refused form wrote rows")

    def outsiders(self, user, model) -> list[Model]:
        """Objects of `model` the user may not see (the ids a form must refuse)."""
        hidden = model.objects.exclude(pk__in=visible_rows(user, model).values("pk")).order_by("pk")
        return list(hidden[:20])

    def test_every_id_field_is_scoped(self, city, client_for):
        """Each drop-down offers only what the user may see, and refuses an id of anything else."""
        obj = self._setup(city)
        checked = 0
        for user in self._authors(city, obj):
            fresh = reload_user(user)
            c = client_for(user)
            form = c.get(self.url(obj)).context["form"]
            for name, field in _id_fields(form).items():
                model = field.queryset.model
                visible = set(visible_rows(fresh, model).values_list("pk", flat=True))
                offered = set(field.queryset.values_list("pk", flat=True))
                assert offered <= visible, (user.username, name, "offers rows outside the scope",
                                            list(model.objects.filter(pk__in=offered - visible)))
                for other in self.outsiders(fresh, model):
                    before = self.rows()
                    value = [other.pk] if isinstance(field, forms.ModelMultipleChoiceField) else other.pk
                    response = c.post(self.url(obj), {**empty_post(form), name: value})
                    assert response.status_code in (200, 404), (user.username, name, response.status_code)
                    if response.status_code == 200:
                        assert name in response.context["form"].errors, (user.username, name, other,
                                                                        "accepted an id outside the scope")
                    assert self.rows() == before, (user.username, name, "wrote rows")
                    checked += 1
        assert checked or not any(_id_fields(client_for(u).get(self.url(obj)).context["form"])
                                  for u in self._authors(city, obj)), "id fields but no outsider ids to try"

    def test_query_string_ids_are_scoped(self, city, client_for):
        """`?body=<id>` of something outside the user's scope is refused: 404, or a page with no trace of it."""
        from django.apps import apps

        from .params import query_params

        obj = self._setup(city)
        read = query_params(resolve(self.url(obj).split("?")[0]).func)
        query_ids = self.query_ids if self.query_ids is not None else {
            p: label for p, label in ID_PARAMS.items() if p in read}
        assert set(query_ids) <= read, ("declared query ids the view does not read", set(query_ids) - read)
        for param, label in query_ids.items():
            model = apps.get_model(label)
            tried = 0
            for user in self._authors(city, obj):
                c = client_for(user)
                for other in self.outsiders(reload_user(user), model):
                    before = self.rows()
                    url = self.url(obj) + ("&" if "?" in self.url(obj) else "?") + f"{param}={other.pk}"
                    response = c.get(url)
                    assert response.status_code in (200, 302, 404), (user.username, url, response.status_code)
                    assert self.rows() == before
                    if response.status_code == 200:
                        content = response.content.decode()
                        name = getattr(other, "name", None)
                        assert not name or not names(name, content), (user.username, url, f"shows {name}")
                        form = response.context.get("form")
                        values = [] if form is None else [form.initial.get(f) for f in form.fields]
                        assert other.pk not in values and str(other.pk) not in values, (
                            user.username, url, "pre-filled with an id outside the scope")
                    tried += 1
            assert tried, f"no {label} outside an author's scope to try for ?{param}=: make one in `make`"
