from django.urls import path

from ventures import views

app_name = "ventures"

urlpatterns = [
    path("", views.home, name="home"),
    # Workers (and staff applying for a member)
    path("apply/", views.apply, name="apply"),
    path("mine/", views.mine, name="mine"),
    # One venture: its application, review chain, loan and schedule
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/guidance/", views.guidance, name="guidance"),
    path("<int:pk>/loan/", views.loan_open, name="loan_open"),
    path("<int:pk>/in-kind/", views.in_kind_create, name="in_kind_create"),
    path("<int:pk>/employer/", views.employer_link, name="employer_link"),
    path("loans/<int:pk>/approve-payment/", views.payment_approve, name="payment_approve"),
    path("loans/<int:pk>/disburse/", views.disburse, name="disburse"),
    path("loans/<int:pk>/repay/", views.repay, name="repay"),
    path("loans/<int:pk>/write-off/", views.write_off_request, name="write_off_request"),
    path("loans/<int:pk>/claims/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/pay/", views.claim_pay, name="claim_pay"),
    path("in-kind/<int:pk>/pay/", views.in_kind_pay, name="in_kind_pay"),
    path("write-offs/<int:pk>/decide/", views.write_off_decide, name="write_off_decide"),
    # Helpers, organizers and auditors
    path("review/", views.queue, name="queue"),
    path("all/", views.venture_list, name="list"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("overdue/", views.overdue, name="overdue"),
    path("write-offs/", views.write_offs, name="write_offs"),
]
