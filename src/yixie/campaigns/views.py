"""Pages of the review campaign (thin: forms in, services for writes, selectors for reads)."""

from __future__ import annotations

from django.shortcuts import render

from yixie.core.access import requires

from . import selectors


@requires("campaign.view")
def campaign_list(request):
    campaigns = selectors.campaigns_visible_to(request.user).filter(parent__isnull=True)
    return render(request, "campaigns/list.html", {"campaigns": campaigns})


@requires("campaign.view")
def campaign_detail(request, pk: int):
    campaign = selectors.campaign_for_user(request.user, pk)
    return render(request, "campaigns/detail.html", {"campaign": campaign})


@requires("campaign.manage")
def take_proposal(request):
    return render(request, "campaigns/list.html", {"campaigns": []})
