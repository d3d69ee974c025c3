from django.urls import path

from funds import views

app_name = "funds"

urlpatterns = [
    # Auditors, organizers and helpers: the reconciliation and the ledger (read-only)
    path("", views.overview, name="overview"),
    path("ledger/", views.ledger_list, name="ledger"),
    path("ledger/<uuid:pk>/", views.transaction_detail, name="transaction"),
    path("ledger/<uuid:pk>/reverse/", views.transaction_reverse, name="transaction_reverse"),
    path("flags/", views.flags, name="flags"),
    path("flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    # Makers and checkers
    path("requests/", views.queue, name="queue"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("requests/<int:pk>/reject/", views.request_reject, name="request_reject"),
    path("requests/<int:pk>/pay/", views.request_pay, name="request_pay"),
]
