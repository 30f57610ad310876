"""Work rules pages (see views_workrules)."""

urlpatterns: list = []
