from django.urls import path

from relief.restructuring import views

app_name = "restructuring"

urlpatterns = [
    path("", views.enterprises, name="enterprises"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/add/", views.batch_add, name="batch_add"),
    path("batches/<int:pk>/advice/", views.batch_advice, name="batch_advice"),
    path("workers/<int:pk>/outcome/", views.worker_outcome, name="worker_outcome"),
]
