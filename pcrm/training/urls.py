from django.urls import path

from pcrm.training import views, views_manage

app_name = "training"

urlpatterns = [
    path("", views.home, name="home"),
    path("bank/<int:bank_id>/practice/", views.practice, name="practice"),
    path("question/<int:question_id>/answer/", views.answer, name="answer"),
    path("review/", views.review, name="review"),
    path("wrong/", views.wrong_book, name="wrong_book"),
    path("paper/<int:paper_id>/start/", views.exam_start, name="exam_start"),
    path("attempt/<int:attempt_id>/", views.exam_take, name="exam_take"),
    path("attempt/<int:attempt_id>/submit/", views.exam_submit, name="exam_submit"),
    path("attempt/<int:attempt_id>/result/", views.exam_result, name="exam_result"),
    path("manage/", views_manage.manage, name="manage"),
    path("manage/import/", views_manage.bank_import_view, name="bank_import"),
    path("manage/bank/<int:bank_id>/", views_manage.bank_review, name="bank_review"),
    path("manage/bank/<int:bank_id>/publish/", views_manage.bank_publish_view, name="bank_publish"),
    path("manage/bank/<int:bank_id>/export/", views_manage.bank_export, name="bank_export"),
    path("manage/question/<int:question_id>/cut/", views_manage.question_cut, name="question_cut"),
    path("manage/question/<int:question_id>/fix/", views_manage.question_fix, name="question_fix"),
    path("manage/paper/new/", views_manage.paper_new, name="paper_new"),
    path("manage/paper/<int:paper_id>/", views_manage.paper_detail, name="paper_detail"),
    path("manage/paper/<int:paper_id>/assign/", views_manage.paper_assign, name="paper_assign"),
]
