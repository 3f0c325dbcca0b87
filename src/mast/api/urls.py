from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from mast.api import docs, views

app_name = "api"
urlpatterns = [
    path("v1/records/", views.Records.as_view(), name="records"),
    path("v1/records/<str:record_id>/", views.Record.as_view(), name="record"),
    # FHIR names an operation with a "$": a literal here.
    re_path(r"^v1/Patient/\$match$", views.Match.as_view(), name="match"),
    # The description is public (it holds no data); the browsable docs are for feed owners and admins.
    path(
        "schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"
    ),
    path("docs/", docs.api_docs, name="docs"),
]
