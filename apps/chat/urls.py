from django.urls import path

from apps.chat.api import ChatCompletionsView

urlpatterns = [
    path("v1/chat/completions", ChatCompletionsView.as_view(), name="chat-completions"),
]
