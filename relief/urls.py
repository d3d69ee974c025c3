"""/relief/: the core's pages for every track, and each track's own pages under /relief/<code>/
(a track lists its url module in ``Track.extra["urls"]``; the core never names one)."""

from django.urls import URLPattern, URLResolver, include, path

from relief import views
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
]

# Each track's own pages, namespaced by the track (``relief_warmth:campaigns``).
urlpatterns += [path(f"{t.code}/", include(t.extra["urls"])) for t in tracks if t.extra.get("urls")]
