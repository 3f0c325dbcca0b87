from django.contrib.auth.views import LogoutView
from django.urls import path

from mast.web.views import feeds, pages
from mast.web.views import governance as governance_views
from mast.web.views import identity as identity_views

app_name = "web"
urlpatterns = [
    path("", pages.home, name="home"),
    path("sign-in/", pages.SignInView.as_view(), name="sign-in"),
    # Django's LogoutView accepts POST only, so a link or a prefetch cannot sign anyone out.
    path("sign-out/", LogoutView.as_view(), name="sign-out"),
    path("feeds/", feeds.index, name="feeds"),
    path("feeds/upload/", feeds.upload, name="feed-upload"),
    path("feeds/loads/<int:pk>/", feeds.load_detail, name="feed-load"),
    path("feeds/loads/<int:pk>/rejected.csv", feeds.rejected_csv, name="feed-load-rejected"),
    path("identity/review/", identity_views.queue, name="review-queue"),
    path("identity/review/<int:pk>/", identity_views.candidate, name="review-candidate"),
    path("identity/links/<int:pk>/unlink/", identity_views.unlink, name="unlink-record"),
    path("governance/agreement/", governance_views.agreement, name="agreement"),
    path("cookies/", pages.cookies, name="cookies"),
    path("accessibility/", pages.accessibility, name="accessibility"),
]
