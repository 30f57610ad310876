import time
import pytest
from yixie.testing.factories import establish, make_region, make_department
from yixie.ledger.tests.overlap_pairs import DISTRACTORS

@pytest.mark.django_db
def test_time():
    t = time.time()
    r = make_region("990100", "潍坊市", "city")
    d = make_department(r, "市发展和改革委员会")
    for n, duties in DISTRACTORS:
        establish(r, name=n, lead=d, duties=duties)
    print("31 establishes", time.time() - t)
