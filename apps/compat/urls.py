from django.urls import path

from apps.compat import mem0_api as m
from apps.compat import mem0_server as ms
from apps.compat import memos_api as mo
from apps.compat import memos_product as mp
from apps.compat import memos_server as mss

OPENMEM = "api/openmem/v1/"

urlpatterns = [
    path("v1/ping/", m.PingView.as_view()),
    path("v3/memories/add/", m.AddView.as_view()),
    path("v3/memories/", m.ListView.as_view()),
    path("v3/memories/search/", m.SearchView.as_view()),
    path("v1/memories/", m.DeleteAllView.as_view()),
    path("v1/memories/<uuid:memory_id>/", m.DetailView.as_view()),
    path("v1/memories/<uuid:memory_id>/history/", m.HistoryView.as_view()),
    path("v1/entities/", m.EntitiesView.as_view()),
    path("v2/entities/<str:kind>/<str:name>/", m.EntityView.as_view()),
    path("v1/batch/", m.BatchView.as_view()),
    path("v1/exports/", m.ExportView.as_view()),
    path("v1/exports/get/", m.ExportGetView.as_view()),
    path("v1/feedback/", m.FeedbackView.as_view()),
    # mem0's open-source REST server (server/main.py): its exact paths, no trailing slash
    path("memories", ms.MemoriesView.as_view()),
    path("memories/<str:memory_id>", ms.MemoryView.as_view()),
    path("memories/<str:memory_id>/history", ms.MemoryHistoryView.as_view()),
    path("search", ms.SearchView.as_view()),
    path("reset", ms.ResetView.as_view()),
    path("configure", ms.ConfigureView.as_view()),
    # MemOS cloud API (MemOSClient)
    path(f"{OPENMEM}add/message", mo.AddMessageView.as_view()),
    path(f"{OPENMEM}search/memory", mo.SearchMemoryView.as_view()),
    path(f"{OPENMEM}get/message", mo.GetMessageView.as_view()),
    path(f"{OPENMEM}get/memory", mo.GetMemoryView.as_view()),
    path(f"{OPENMEM}get/memory/<uuid:memory_id>", mo.GetMemoryByIdView.as_view()),
    path(f"{OPENMEM}delete/memory", mo.DeleteMemoryView.as_view()),
    path(f"{OPENMEM}add/feedback", mo.FeedbackView.as_view()),
    path(f"{OPENMEM}get/status", mo.TaskStatusView.as_view()),
    # MemOS product API (the MemOS server's own routes)
    path("product/add", mp.AddView.as_view()),
    path("product/search", mp.SearchView.as_view()),
    path("product/get_all", mp.GetAllView.as_view()),
    path("product/get_memory", mp.GetMemoryView.as_view()),
    path("product/get_memory/<uuid:memory_id>", mp.GetMemoryByIdView.as_view()),
    path("product/delete_memory", mp.DeleteMemoryView.as_view()),
    path("product/feedback", mp.FeedbackView.as_view()),
    path("product/chat/complete", mp.ChatCompleteView.as_view()),
    path("product/chat/stream", mp.ChatStreamView.as_view()),
    path("product/get_memory_by_ids", mss.GetMemoryByIdsView.as_view()),
    path("product/create_cube", mss.CreateCubeView.as_view()),
    path("product/register_cube", mss.RegisterCubeView.as_view()),
    path("product/delete_memory_by_record_id", mss.DeleteByRecordView.as_view()),
    path("product/recover_memory_by_record_id", mss.RecoverByRecordView.as_view()),
    path("product/suggestions", mss.SuggestionsView.as_view()),
    path("product/scheduler/status", mss.SchedulerStatusView.as_view()),
    path("product/scheduler/allstatus", mss.SchedulerAllStatusView.as_view()),
    path("product/scheduler/task_queue_status", mss.SchedulerQueueView.as_view()),
    path("product/scheduler/wait", mss.SchedulerWaitView.as_view()),
]
