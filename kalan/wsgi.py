import os

from django.core.wsgi import get_wsgi_application

from kalan.core.datadir import prepare_data_dir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalan.settings")
# A production WSGI server starts here, not through `kalan`: make the data folder and its key
# before Django reads the settings (raises DataDirError, naming the folder, when it cannot).
prepare_data_dir()
application = get_wsgi_application()
