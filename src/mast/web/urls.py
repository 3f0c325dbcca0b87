from django.contrib.auth.views import LogoutView
from django.urls import path

from mast.web.permissions import public
from mast.web.views import administration as admin_views
from mast.web.views import agencies as agency_views
from mast.web.views import agreement_versions as versions
from mast.web.views import alerts as alert_views
from mast.web.views import analytics as analytics_views
from mast.web.views import audit as audit_views
from mast.web.views import (
    break_glass,
    feeds,
    oversight_settings,
    pages,
    password_reset,
    practice,
    sign_in,
    status,
)
from mast.web.views import governance as governance_views
from mast.web.views import identity as identity_views
from mast.web.views import ig_pack as pack_views
from mast.web.views import oversight as oversight_views
from mast.web.views import requests as request_views
from mast.web.views import security_keys as key_views
from mast.web.views import single_sign_on as sso_views

app_name = "web"
urlpatterns = [
    path("", pages.home, name="home"),
    path("sign-in/", public(sign_in.SignInView.as_view()), name="sign-in"),
    path("sign-in/code/", sign_in.second_factor, name="second-factor"),
    path("sign-in/set-up/", sign_in.second_factor_setup, name="second-factor-setup"),
    path("sign-in/work-account/<slug:code>/", sso_views.start, name="single-sign-on"),
    path("sign-in/work-account/<slug:code>/back/", sso_views.back, name="single-sign-on-back"),
    path("sign-in/security-key/", key_views.sign_in, name="security-key-sign-in"),
    path("account/security-keys/new/", key_views.add, name="security-key-add"),
    path("account/security-keys/<int:pk>/remove/", key_views.remove, name="security-key-remove"),
    path("forgotten-password/", password_reset.ask, name="password-reset"),
    path("forgotten-password/sent/", password_reset.sent, name="password-reset-sent"),
    path("set-password/<str:uidb64>/<str:token>/", sign_in.set_password, name="set-password"),
    # Django's LogoutView accepts POST only, so a link or a prefetch cannot sign anyone out.
    path("sign-out/", public(LogoutView.as_view()), name="sign-out"),
    path("signed-out/", sign_in.signed_out, name="signed-out"),
    path("session/keep-alive/", sign_in.keep_alive, name="keep-alive"),
    path("account/", sign_in.account, name="account"),
    path("health/", status.health, name="health"),
    # The administrator's pages: users, agencies and teams, and who owns each feed.
    path("administration/users/", admin_views.users, name="admin-users"),
    path("administration/users/new/", admin_views.user_new, name="admin-user-new"),
    path("administration/users/import/", admin_views.users_import, name="admin-users-import"),
    path("administration/users/<int:pk>/", admin_views.user, name="admin-user"),
    path("administration/users/<int:pk>/change/", admin_views.user_edit, name="admin-user-edit"),
    path("administration/users/<int:pk>/switch-off/", admin_views.user_disable, name="admin-user-disable"),
    path("administration/users/<int:pk>/switch-on/", admin_views.user_enable, name="admin-user-enable"),
    path("administration/users/<int:pk>/send-link/", admin_views.user_invite, name="admin-user-invite"),
    path(
        "administration/users/<int:pk>/reset-second-factor/",
        admin_views.user_reset_factor,
        name="admin-user-reset-factor",
    ),
    path("administration/agencies/", agency_views.index, name="admin-agencies"),
    path("administration/agencies/new/", agency_views.agency_form, name="admin-agency-new"),
    path("administration/agencies/<int:pk>/", agency_views.agency, name="admin-agency"),
    path("administration/agencies/<int:pk>/change/", agency_views.agency_form, name="admin-agency-edit"),
    path("administration/agencies/<int:pk>/active/", agency_views.agency_active, name="admin-agency-active"),
    path(
        "administration/agencies/<int:pk>/switch-off/",
        agency_views.agency_switch_off,
        name="admin-agency-switch-off",
    ),
    path(
        "administration/agencies/<int:pk>/single-sign-on/",
        agency_views.single_sign_on_form,
        name="admin-agency-single-sign-on",
    ),
    path("administration/agencies/<int:pk>/teams/new/", agency_views.team_form, name="admin-team-new"),
    path("administration/agencies/<int:pk>/teams/<int:team_pk>/", agency_views.team_form, name="admin-team"),
    path("administration/feeds/", agency_views.feeds, name="admin-feeds"),
    path("administration/feeds/<int:pk>/", agency_views.feed_owners_form, name="admin-feed-owners"),
    path("feeds/", feeds.index, name="feeds"),
    path("feeds/upload/", feeds.upload, name="feed-upload"),
    path("feeds/loads/<int:pk>/", feeds.load_detail, name="feed-load"),
    path("feeds/loads/<int:pk>/rejected.csv", feeds.rejected_csv, name="feed-load-rejected"),
    path("feeds/loads/<int:pk>/progress/", feeds.load_progress, name="feed-load-progress"),
    path("feeds/loads/<int:pk>/apply/", feeds.apply_held, name="feed-load-apply"),
    path("feeds/loads/<int:pk>/undo/", feeds.undo_view, name="feed-load-undo"),
    path("feeds/loads/<int:pk>/flagged.csv", feeds.flagged_csv, name="feed-load-flagged"),
    path("identity/review/", identity_views.queue, name="review-queue"),
    path("identity/review/<int:pk>/", identity_views.candidate, name="review-candidate"),
    path("identity/decisions/<int:pk>/", identity_views.decision, name="review-decision"),
    path("identity/decisions/<int:pk>/undo/", identity_views.undo, name="review-undo"),
    path("identity/links/<int:pk>/unlink/", identity_views.unlink, name="unlink-record"),
    # The practitioner's pages: a stated purpose first, then search, people, addresses and referrals.
    path("purpose/", practice.purpose, name="purpose"),
    path("search/", practice.search, name="search"),
    path("search/<str:search_id>/", practice.search_results, name="search-results"),
    path("people/<uuid:public_id>/", practice.person, name="person"),
    path("people/<uuid:public_id>/print/", practice.person_print, name="person-print"),
    path("people/<uuid:public_id>/break-glass/", break_glass.break_glass, name="break-glass"),
    path("people/<uuid:public_id>/referral/<int:involvement_id>/", practice.referral, name="referral"),
    path("referral-sent/", practice.referral_sent, name="referral-sent"),
    # Opaque ids: a row's own id counts up, and walking /addresses/1/, /2/… would need no search at all.
    path("addresses/<uuid:public_id>/", practice.address, name="address"),
    # Targeted requests between agencies: sending from a person page, lists, one request and its answers.
    path("people/<uuid:public_id>/request/", request_views.new, name="request-new"),
    path("requests/sent/", request_views.sent, name="requests-sent"),
    path("requests/inbox/", request_views.inbox, name="requests-inbox"),
    path("requests/dashboard/", request_views.dashboard, name="requests-dashboard"),
    path("requests/<int:pk>/", request_views.detail, name="request"),
    path("requests/<int:pk>/assign/", request_views.assign, name="request-assign"),
    path("requests/<int:pk>/acknowledge/", request_views.acknowledge, name="request-acknowledge"),
    path("requests/<int:pk>/reply/", request_views.reply, name="request-reply"),
    path("requests/<int:pk>/decline/", request_views.decline, name="request-decline"),
    path("alerts/", alert_views.index, name="alerts"),
    path("alerts/<int:pk>/", alert_views.alert, name="alert"),
    path("alerts/people/<uuid:public_id>/mute/", alert_views.mute, name="alert-mute"),
    path("alerts/people/<uuid:public_id>/unmute/", alert_views.unmute, name="alert-unmute"),
    # The partnership's figures: aggregates only, after disclosure control.
    path("analytics/", analytics_views.people, name="analytics"),
    path("analytics/demand/", analytics_views.demand, name="analytics-demand"),
    path("analytics/data-quality/", analytics_views.quality, name="analytics-quality"),
    path("analytics/fairness/", analytics_views.use, name="analytics-fairness"),
    path("analytics/tables/<slug:key>.csv", analytics_views.table_csv, name="analytics-csv"),
    path("analytics/reports/", analytics_views.reports, name="analytics-reports"),
    path("analytics/reports/<str:month>.pdf", analytics_views.report_pdf, name="analytics-report"),
    path("governance/agreement/", governance_views.agreement, name="agreement"),
    path("governance/versions/", versions.versions, name="agreement-versions"),
    path("governance/versions/new/", versions.draft, name="agreement-draft"),
    path("governance/versions/compare/", versions.compare, name="agreement-compare"),
    path("governance/versions/<int:pk>/", versions.version, name="agreement-version"),
    path("governance/versions/<int:pk>/terms/", versions.details, name="agreement-details"),
    path("governance/versions/<int:pk>/purposes/", versions.purposes, name="agreement-purposes"),
    path(
        "governance/versions/<int:pk>/partners/<int:agency_pk>/", versions.partner, name="agreement-partner"
    ),
    path("governance/versions/<int:pk>/send/", versions.send, name="agreement-send"),
    path("governance/versions/<int:pk>/withdraw/", versions.withdraw, name="agreement-withdraw"),
    path("governance/versions/<int:pk>/decide/", versions.decide, name="agreement-decide"),
    path("governance/versions/<int:pk>/sharing-policy.json", versions.version_json, name="agreement-json"),
    path("governance/pack/", pack_views.index, name="ig-pack"),
    path("governance/pack/data-flow.svg", pack_views.data_flow, name="ig-pack-data-flow"),
    path("governance/pack/<slug:document>/", pack_views.document, name="ig-pack-document"),
    path("governance/pack/<slug:document>/download/", pack_views.download, name="ig-pack-download"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("audit/export.csv", audit_views.audit_csv, name="audit-export"),
    # Oversight of use, for IG officers: misuse alerts, and who looked at a person and why.
    path("oversight/alerts/", oversight_views.alert_list, name="oversight-alerts"),
    path("oversight/alerts/<uuid:public_id>/", oversight_views.alert, name="oversight-alert"),
    path("oversight/people/<uuid:public_id>/", oversight_views.person_looks, name="who-viewed"),
    path(
        "oversight/people/<uuid:public_id>/subject-access.csv",
        oversight_views.subject_access_csv,
        name="subject-access-csv",
    ),
    path(
        "oversight/people/<uuid:public_id>/subject-access.pdf",
        oversight_views.subject_access_pdf,
        name="subject-access-pdf",
    ),
    path("oversight/break-glass/", oversight_settings.break_glass_named, name="break-glass-named"),
    path(
        "oversight/break-glass/<int:pk>/withdraw/",
        oversight_settings.break_glass_withdraw,
        name="break-glass-withdraw",
    ),
    path("oversight/users/", oversight_settings.user_list, name="user-oversight"),
    path("oversight/users/<int:pk>/", oversight_settings.user_details, name="user-oversight-user"),
    path("oversight/teams/<int:pk>/hours/", oversight_settings.team_hours, name="user-oversight-team"),
    path("oversight/watched/", oversight_settings.watched_list, name="watched-people"),
    path("oversight/people/<uuid:public_id>/watch/", oversight_settings.watch_person, name="watch-person"),
    path("oversight/people/<uuid:public_id>/unwatch/", oversight_settings.watch_stop, name="watch-stop"),
    path("oversight/our-records/", oversight_views.agency_use, name="agency-use"),
    path("oversight/our-records/looks.csv", oversight_views.agency_looks_csv, name="agency-use-csv"),
    path(
        "oversight/people/<uuid:public_id>/looks.csv", oversight_views.person_looks_csv, name="who-viewed-csv"
    ),
    path("cookies/", pages.cookies, name="cookies"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("transparency/", pages.transparency, name="transparency"),
]
