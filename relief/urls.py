"""/relief/: the core's pages for every track, and each track's own pages under /relief/<code>/
(a track lists its url module in ``Track.extra["urls"]``; the core never names one)."""

from django.urls import URLPattern, URLResolver, include, path

from relief import case_views, views
from relief.registry import tracks

app_name = "relief"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("review/", views.queue, name="queue"),
    path("payments/", views.payments, name="payments"),
    path("mine/", views.mine, name="mine"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/review/", views.review, name="review"),
    path("applications/<int:pk>/approve-payment/", views.payment_approve, name="payment_approve"),
    path("applications/<int:pk>/retry-payment/", views.payment_retry, name="payment_retry"),
    path("applications/<int:pk>/pay/", views.pay, name="pay"),
    path("applications/<int:pk>/give/", views.give, name="give"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("tracks/<slug:code>/", views.track_page, name="track"),
    path("tracks/<slug:code>/apply/", views.apply, name="apply"),
    path("cases/", case_views.cases, name="cases"),
    path("cases/open/<slug:code>/", case_views.case_open, name="case_open"),
    path("cases/<int:pk>/", case_views.case_detail, name="case"),
    path("cases/<int:pk>/step/", case_views.case_step, name="case_step"),
    path("cases/<int:pk>/document/", case_views.case_document, name="case_document"),
    path("cases/<int:pk>/documents/<int:document>/", case_views.case_document_file, name="case_document_file"),
    path("cases/<int:pk>/close/", case_views.case_close, name="case_close"),
]

# Each track's own pages, namespaced by the track (``relief_warmth:campaigns``).
urlpatterns += [path(f"{t.code}/", include(t.extra["urls"])) for t in tracks if t.extra.get("urls")]
