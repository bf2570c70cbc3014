"""The WSGI application gunicorn serves (README, Production).

Once the application is loaded, the objects that live as long as the process (the apps, models, URL patterns, the
translation catalogue) are moved out of the garbage collector's reach (``gc.freeze``). Python's full collection
walks every tracked object; with them in it, one took 90 ms and landed on whichever request was running: at 20
users it was the 95th percentile of any page. Without them a full collection takes about 10 ms (README,
Performance).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_mgmt.settings")
application = get_wsgi_application()


def _freeze_long_lived_objects() -> None:
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every view module now rather than on the first request
    translation.activate(settings.LANGUAGE_CODE)  # loads the catalogue
    translation.deactivate()
    gc.collect()
    gc.freeze()


_freeze_long_lived_objects()
