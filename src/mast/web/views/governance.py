"""The data-sharing agreement, readable by all who use MAST: what is shared, by whom, why, and how long."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mast.governance.services import agreement_summary
from mast.web.permissions import signed_in


@signed_in
def agreement(request: HttpRequest) -> HttpResponse:
    return render(request, "web/governance/agreement.html", {"summary": agreement_summary()})
