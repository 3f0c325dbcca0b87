"""The health endpoint a load balancer or monitoring polls: is the database answering, and has the
background worker been seen lately. It says "ok" or what is wrong, never anything about the data."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mast.config import heartbeat
from mast.web.permissions import public


@public
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unreachable"
    checks["worker"] = heartbeat.worker_state()
    healthy = checks["database"] == "ok" and checks["worker"] in ("ok", "not required")
    return JsonResponse({"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503)
