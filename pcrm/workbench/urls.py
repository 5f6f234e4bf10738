from django.urls import path

from pcrm.workbench import crossing, customer_views, event_results, views

app_name = "workbench"

urlpatterns = [
    path("", views.home, name="home"),
    path("book/", views.book, name="book"),
    path("customers/<str:customer_no>/", customer_views.customer_detail, name="customer"),
    path(
        "customers/<str:customer_no>/reveal/<str:field>/",
        customer_views.reveal,
        name="reveal",
    ),
    path("customers/<str:customer_no>/contacts/", customer_views.log_contact, name="log_contact"),
    path("customers/<str:customer_no>/terms/", customer_views.contact_terms, name="contact_terms"),
    path("customers/<str:customer_no>/profile/", customer_views.profile, name="profile"),
    path(
        "complaints/<str:case_no>/opportunity/",
        crossing.complaint_opportunity,
        name="complaint_opportunity",
    ),
    path("events/<int:pk>/results/", event_results.event_results_page, name="event_results"),
]
