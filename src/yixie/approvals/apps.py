from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "yixie.approvals"
    label = "approvals"
    verbose_name = "联合审批"

    def ready(self) -> None:
        from yixie.core.context_processors import TODO_COUNTERS

        from .selectors import todo_count

        TODO_COUNTERS.append(todo_count)
