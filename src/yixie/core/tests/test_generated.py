"""The notification centre, tested by the shared base classes (yixie.testing.views)."""

from yixie.core import notifications
from yixie.core.models import Notification
from yixie.testing.views import ListPageTests


class TestNotificationList(ListPageTests):
    url_name = "core:notifications"
    max_queries = 7  # the page's own 2-3 and the navigation's badges (the campaigns' worklist is one more)
    text_attr = "title"
    query_roles = ("clerk",)

    def make(self, world, i=0):
        notifications.notify(recipients=[world.clerk.pk], source="test", key=f"test:{i}", title=f"生成测试通知{i}号")
        return Notification.objects.get(key=f"test:{i}")
