from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict:
    return {"service_name": "MAST", "demo_mode": settings.DEMO}
