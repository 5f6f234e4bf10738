from django.urls import path

from pcrm.worklist import views

app_name = "worklist"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("items/<int:pk>/complete/", views.item_action, {"action": "complete"}, name="complete"),
    path("items/<int:pk>/defer/", views.item_action, {"action": "defer"}, name="defer"),
    path("items/<int:pk>/skip/", views.item_action, {"action": "skip"}, name="skip"),
    path("branch/", views.branch, name="branch"),
    path("branch/allocate/", views.allocate, name="allocate"),
    path("branch/unassigned/", views.unassigned, name="unassigned"),
    path("branch/staff/<str:staff_code>/", views.member, name="member"),
]
