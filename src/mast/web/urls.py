from django.contrib.auth.views import LogoutView
from django.urls import path

from mast.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    # Django's LogoutView accepts POST only, so a link or a prefetch cannot sign anyone out.
    path("sign-out/", LogoutView.as_view(), name="sign-out"),
    path("cookies/", views.cookies, name="cookies"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
