"""Sample URL arguments of the org pages for the URL walker (`yixie.tests.test_url_walker`)."""


def url_samples(world) -> dict:
    return {
        "org:department_edit": {"pk": world.fgw.pk},
        "org:post_holder": {"pk": world.mayor.pk},
    }
