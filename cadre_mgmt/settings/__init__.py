"""Settings in the cookiecutter-django shape: ``base`` (shared), ``local`` (development and the embedded default),
``production`` and ``test``.

``DJANGO_SETTINGS_MODULE=cadre_mgmt.settings`` (what ``manage.py``, the WSGI/ASGI entry points and Celery default
to) picks ``local`` when ``DEBUG`` is on and ``production`` otherwise, so ``DEBUG=1 make run`` and the README's
production commands work unchanged; naming ``cadre_mgmt.settings.production`` (or ``.local``) pins one.
"""

from cadre_mgmt.settings.env import env_bool

if env_bool("DEBUG", False):
    from cadre_mgmt.settings.local import *  # noqa: F403
else:
    from cadre_mgmt.settings.production import *  # noqa: F403
