from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from mast.api import docs, pages, views

app_name = "api"
urlpatterns = [
    path("v1/records/", views.Records.as_view(), name="records"),
    path("v1/records/<str:record_id>/", views.Record.as_view(), name="record"),
    # FHIR names an operation with a "$": a literal here.
    path("v1/agreement/", views.Agreement.as_view(), name="agreement"),
    re_path(r"^v1/Patient/\$match$", views.Match.as_view(), name="match"),
    # The description is public (it holds no data); the browsable docs are for feed owners and admins.
    path(
        "schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"
    ),
    path("docs/", docs.api_docs, name="docs"),
    # Partner systems' API keys (feed owners, administrators) and questions held for review (IG officers).
    path("keys/", pages.index, name="keys"),
    path("keys/new/", pages.create, name="key-create"),
    path("keys/<str:key_id>/revoke/", pages.revoke, name="key-revoke"),
    path("queries/review/", pages.review_queue, name="review"),
    path("queries/<int:pk>/decide/", pages.review_decide, name="review-decide"),
]
