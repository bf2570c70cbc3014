"""Production (``DEBUG`` unset or off): the key and the host names come from the environment, cookies travel over
TLS only, HSTS, and the static files are served compressed with hashed names (run ``collectstatic``)."""

from cadre_mgmt.settings.base import *  # noqa: F403
from cadre_mgmt.settings.env import env_bool, env_list

DEBUG = False
# The key must come from the environment. It is left empty otherwise, and Django refuses to sign anything
# (sessions, CSRF, tokens) with an empty key, so a misconfigured server fails loudly on its first request, while
# commands that sign nothing (makemigrations, check) still run.
SECRET_KEY = os.environ.get("SECRET_KEY", "")  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The reverse proxy terminates TLS and says so in this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
