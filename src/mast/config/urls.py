from django.urls import include, path

urlpatterns = [
    path("", include("mast.web.urls")),
]
