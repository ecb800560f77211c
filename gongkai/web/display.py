"""The 适老化 display mode (长者模式: larger text, higher contrast).

The choice lives in a cookie so that the server renders the first paint already in the
right mode (a class on <html>); static/web/site.js flips the same cookie without a
reload. The cookie is readable by scripts on purpose: it holds a display preference,
nothing else.
"""

from django.http import HttpRequest, HttpResponse

ELDER_COOKIE = "gk_elder"
ELDER_COOKIE_MAX_AGE = 365 * 24 * 3600


def elder_mode_from(request: HttpRequest) -> bool:
    return request.COOKIES.get(ELDER_COOKIE) == "1"


def set_elder_mode(request: HttpRequest, response: HttpResponse, *, on: bool) -> None:
    response.set_cookie(
        ELDER_COOKIE,
        "1" if on else "0",
        max_age=ELDER_COOKIE_MAX_AGE,
        path="/",
        samesite="Lax",
        secure=request.is_secure(),
        httponly=False,  # site.js rewrites it when the switch is used with scripts on
    )
