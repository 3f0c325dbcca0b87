"""Who is asking, as the access gate needs to know it: the signed-in user, stated purpose and address."""

from django.http import HttpRequest

from mast.gate import purpose as stated_purpose
from mast.gate.gate import Viewer

_KEPT = "_mast_viewer"


def viewer_of(request: HttpRequest) -> Viewer:
    """The viewer, read once a request: `@requires` and the view both ask. Kept on this request only, and
    only while the session names the same purpose, so stating a new one (or its ending) is seen at once."""
    purpose_id = request.session.get(stated_purpose.SESSION_KEY)
    kept = getattr(request, _KEPT, None)
    if kept is not None and kept[0] == (purpose_id, request.user.pk):
        return kept[1]
    viewer = Viewer(
        user=request.user,
        purpose=stated_purpose.current(request.session, request.user),
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
    setattr(request, _KEPT, ((purpose_id, request.user.pk), viewer))
    return viewer
