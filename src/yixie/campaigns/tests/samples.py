"""URL samples for the generated access tests (see core/tests/test_generated.py)."""


def url_samples(world):
    return []
