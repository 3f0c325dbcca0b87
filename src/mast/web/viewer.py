"""Who is asking, as the access gate needs to know it: the signed-in user, stated purpose and address."""

from django.http import HttpRequest

from mast.gate import purpose as stated_purpose
from mast.gate.gate import Viewer


def viewer_of(request: HttpRequest) -> Viewer:
    return Viewer(
        user=request.user,
        purpose=stated_purpose.current(request.session, request.user),
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
