"""Decided reviews with known times, for the turnaround page and its charts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from yixie.approvals import services
from yixie.approvals.choices import Decision, ReviewStep
from yixie.approvals.models import Review

from .conftest import ALL_YES, draft

TZ = ZoneInfo("Asia/Shanghai")


def decided_reviews(city):
    """Three accepted applications (1, 30 and 3 hours: median 3, max 30), two reviewed by 编办 (one the same
    day, one the next morning)."""
    apps = [services.accept(actor=city.liangban, app=services.submit(actor=city.hr, app=draft(city)))
            for _ in range(3)]
    start = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    for app, hours in zip(apps, (1, 30, 3), strict=True):
        Review.objects.filter(application=app, step=ReviewStep.ACCEPTANCE).update(
            started_at=start, decided_at=start + timedelta(hours=hours))
    for app, decided in zip(apps[:2], (datetime(2026, 3, 3, 17, 0, tzinfo=TZ), datetime(2026, 3, 4, 8, 0, tzinfo=TZ)),
                            strict=True):
        services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                        checklist=ALL_YES)
        Review.objects.filter(application=app, step=ReviewStep.ESTABLISHMENT).update(
            started_at=datetime(2026, 3, 3, 9, 0, tzinfo=TZ), decided_at=decided)
    return apps
