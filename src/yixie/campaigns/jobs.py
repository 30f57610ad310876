"""Background jobs of the review campaign (docs/decisions/0009): the publication of the list.

Publishing writes every settled change to the ledger in one transaction (10,000 bodies at province scale):
the page claims it (`services.publish_claim`, one claim wins) and this job does it in a job worker. A
refusal is kept on the campaign (`publish_status` failed, `publish_error`) for the page to show."""

from __future__ import annotations

import logging
from datetime import date

from django.contrib.auth import get_user_model

from yixie.core.errors import DomainError

from . import documents, services
from .choices import Phase
from .models import Campaign

logger = logging.getLogger(__name__)

CRASHED = "发文公布时出现意外错误，台账没有任何改动。请稍后重新提交；如仍出错，请联系系统管理员（错误已记录）。"


def run_publish_job(campaign_id: int) -> None:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.phase == Phase.PUBLISHED or campaign.publish_status != "queued":
        return  # handed out again after it ended, or claimed no more: nothing to do
    request = dict(campaign.publish_request or {})
    actor = get_user_model().objects.filter(pk=request.get("by")).first() if request.get("by") else None
    Campaign.objects.filter(pk=campaign.pk, publish_status="queued").update(publish_status="running")
    try:
        services.campaign_publish(actor=actor, campaign=campaign, number=request.get("number", ""),
                                  issuer=request.get("issuer", ""), title=request.get("title", ""),
                                  issued_on=date.fromisoformat(request["issued_on"]))
    except DomainError:
        return  # the service has marked it failed, with its message
    except Exception:
        logger.exception("publishing campaign %s failed", campaign_id)
        Campaign.objects.filter(pk=campaign_id).exclude(phase=Phase.PUBLISHED).update(
            publish_status="failed", publish_error=CRASHED)
        return
    # The list as a 公文 (Word and PDF), made by a job of its own.
    documents.request(Campaign.objects.get(pk=campaign_id), documents.LIST_KINDS)
