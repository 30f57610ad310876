"""The results pages declared to the generic page tests (yixie.testing.views): who may open them, what each
role sees, and a constant number of queries."""

from yixie.evaluation import result_selectors
from yixie.testing.views import ListPageTests

from .results_world import open_evaluation


class TestResultsIndex(ListPageTests):
    url_name = "evaluation:results_index"
    text_attr = "title"
    max_queries = 10  # the page's 1-2 and the navigation's (unread notifications, badges)
    query_roles = ("bianban", "clerk")

    def make(self, world, i=0):
        return open_evaluation(world.city, [], 2000 + i)

    def visible(self, user):
        return result_selectors.evaluations_visible_to(user)
