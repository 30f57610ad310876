"""The org pages, tested by the shared base classes (yixie.testing.views)."""

from yixie.org.models import Department
from yixie.testing.factories import make_department, make_post
from yixie.testing.views import FormPageTests, ListPageTests


class TestDepartmentList(ListPageTests):
    url_name = "org:department_list"
    # 19: each fact a higher floor adds is one query (the work rules' "工作规则分工" column included)
    max_queries = 19

    def make(self, world, i=0):
        return make_department(world.city, f"市生成测试{i}局", order=200 + i)


class TestPostList(ListPageTests):
    url_name = "org:post_list"
    max_queries = 18  # one per registered row fact (the meetings register adds the meeting load)

    def make(self, world, i=0):
        return make_post(world.city, f"生成测试职务{i}", order=200 + i)


class TestDepartmentCreateForm(FormPageTests):
    url_name = "org:department_create"
    counted = (Department,)

    def make(self, world, i=0):
        return None


class TestDepartmentEditForm(FormPageTests):
    url_name = "org:department_edit"
    counted = (Department,)

    def make(self, world, i=0):
        return world.qz_yjj
