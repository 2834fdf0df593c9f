from django.urls import path

from apps.jobs import api

urlpatterns = [
    path("v1/jobs", api.JobListView.as_view(), name="jobs"),
    path("v1/jobs/<uuid:job_id>", api.JobDetailView.as_view(), name="job-detail"),
]
