"""The results pages' URLs (part B), included by `urls.py` under the `evaluation` namespace."""

from django.urls import path

from . import views_results as v

result_urlpatterns = [
    path("results/", v.results_index, name="results_index"),
    path("results/charts/", v.charts, name="charts"),
    path("scoring/", v.scoring, name="scoring"),
    path("<int:pk>/scoring/<int:body_pk>/", v.score_body, name="score_body"),
    path("<int:pk>/scoring/reopen/", v.scoring_reopen, name="scoring_reopen"),
    path("<int:pk>/mine/", v.my_results, name="my_results"),
    path("<int:pk>/results/", v.ranking, name="ranking"),
    path("<int:pk>/results/compute/", v.compute, name="results_compute"),
    path("<int:pk>/results/close-reporting/", v.close_reporting, name="close_reporting"),
    path("<int:pk>/results/publish/", v.publish, name="publish"),
    path("<int:pk>/results/candidates/", v.candidate_list, name="candidates"),
    path("<int:pk>/results/<int:se_pk>/", v.result_detail, name="result_detail"),
    path("<int:pk>/results/<int:se_pk>/exemplary/", v.exemplary, name="exemplary"),
    path("<int:pk>/results/<int:se_pk>/propose/", v.propose, name="propose"),
    path("<int:pk>/departments/", v.supervision, name="supervision"),
    path("<int:pk>/departments/export/", v.supervision_export, name="supervision_export"),
    path("<int:pk>/departments/<int:dept_pk>/", v.department_detail, name="department_results"),
]
