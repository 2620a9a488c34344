from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldkitConfig(AppConfig):
    name = "kalan.fieldkit"
    label = "fieldkit"
    verbose_name = _("Kits de terrain")
