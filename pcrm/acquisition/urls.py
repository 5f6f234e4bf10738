from django.urls import path

from pcrm.acquisition import views, views_drives, views_referrals

app_name = "acquisition"

urlpatterns = [
    path("", views.sifting, name="sifting"),
    path("walk-ins/", views.walk_ins, name="walk_ins"),
    path("red-list/", views.red_list, name="red_list"),
    path("methods/", views.methods, name="methods"),
    path("referrals/", views_referrals.referrals, name="referrals"),
    path(
        "referrals/<int:pk>/<str:action>/",
        views_referrals.referral_act,
        name="referral_act",
    ),
    path("referrals/credit/", views_referrals.referral_credit_report, name="referral_credit"),
    path("drives/", views_drives.drives, name="drives"),
    path("drives/<int:pk>/", views_drives.drive, name="drive"),
]
