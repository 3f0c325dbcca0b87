from django.urls import include, path

urlpatterns = [
    path("", include("mast.web.urls")),
    path("api/", include("mast.api.urls")),
]
