"""URL samples of the results pages for the generated access tests and the URL walker."""

from yixie.core import proposals

from .results_world import results_world, se_of


def url_samples_results(world):
    from yixie.evaluation import results

    evaluation, bodies = results_world(world, year=2024)
    results.results_compute(evaluation)
    se = se_of(evaluation, bodies["idle"])
    proposals.proposal_raise(kind="abolish", region_id=world.city.pk, body_id=bodies["idle"].pk,
                             body_label=se.name, reason="样例：全年未召开会议", source=results.SOURCE,
                             source_ref=f"evaluation:{evaluation.pk}", source_url=results.result_url(se))
    one = {"pk": evaluation.pk}
    on_se = {"pk": evaluation.pk, "se_pk": se.pk}
    return {
        **{f"evaluation:{n}": one for n in ("my_results", "ranking", "results_compute", "close_reporting", "publish", "candidates", "supervision",
                                            "scoring_reopen",
                                            "supervision_export")},
        **{f"evaluation:{n}": on_se for n in ("result_detail", "exemplary", "propose")},
        "evaluation:score_body": {"pk": evaluation.pk, "body_pk": bodies["a"].pk},
        "evaluation:department_results": {"pk": evaluation.pk, "dept_pk": world.gxj.pk},
    }
