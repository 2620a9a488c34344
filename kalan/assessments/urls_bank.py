from django.urls import path

from kalan.assessments import views_bank

urlpatterns = [
    path("banque/", views_bank.bank_list, name="bank_list"),
    path("banque/questions/nouvelle/", views_bank.question_create, name="question_create"),
    path("banque/questions/<uuid:uid>/", views_bank.question_edit, name="question_edit"),
]
