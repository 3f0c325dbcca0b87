from django.contrib.auth.views import LogoutView
from django.urls import path

from mast.web.views import pages

app_name = "web"
urlpatterns = [
    path("", pages.home, name="home"),
    path("sign-in/", pages.SignInView.as_view(), name="sign-in"),
    # Django's LogoutView accepts POST only, so a link or a prefetch cannot sign anyone out.
    path("sign-out/", LogoutView.as_view(), name="sign-out"),
    path("cookies/", pages.cookies, name="cookies"),
    path("accessibility/", pages.accessibility, name="accessibility"),
]
