from django.urls import path

from apps.defense import api

urlpatterns = [
    path("v1/admin/defense/stats", api.StatsView.as_view(), name="defense-stats"),
    path("v1/admin/defense/bans", api.BanListView.as_view(), name="defense-bans"),
    path("v1/admin/defense/ban", api.BanView.as_view(), name="defense-ban"),
    path("v1/admin/defense/unban/<path:ip>", api.UnbanView.as_view(), name="defense-unban"),
    path("v1/admin/defense/whitelist", api.WhitelistView.as_view(), name="defense-whitelist"),
    path(
        "v1/admin/defense/whitelist/<path:ip>",
        api.WhitelistEntryView.as_view(),
        name="defense-whitelist-entry",
    ),
]
