"""Issue 9 (hostile findings F2, F3): curators' logins and API tokens, metered before any hash.

* A login is counted as an attempt **before** its password is checked, per client (its salted address
  key, ``web/remarks.client``) and per account name: past ``auth_failures_per_client`` attempts of a
  client, or ``auth_failures_per_account`` of a name, in ``auth_window_s``, the answer is 429 with
  ``Retry-After`` and the password is not looked at — a right guess after the limit logs nobody in.
  A good login clears its client's and its account's counts, so a curator's own typos do not pile up.
  Counting first also bounds the scrypt work one client can start at once.
* A bearer token (``NAME:SECRET``, the Atom feed and the annotation protocol) is checked only while its
  client is under ``auth_failures_per_client`` bad tokens per window; a bad one counts. Tokens are kept
  as SHA-256 (32 random bytes need no slow hash, ``remarks/store.py``), so checking one costs
  microseconds; only a token made before that still costs one scrypt, once (it is rewritten).
"""

from __future__ import annotations

import hashlib

from flask import Response, abort, request

from culturegraph.web import context, i18n
from culturegraph.web.remarks import client, page, remark_store


def _too_many(wait: float) -> Response:
    response = page(429, "remarks/message.html", title="Trop de tentatives",
                    message=i18n.gettext("Trop de tentatives de connexion en peu de temps. Réessayez "
                                         "dans %(n)s secondes.", n=int(wait) + 1))
    response.headers["Retry-After"] = str(int(wait) + 1)
    return response


def _account_key(name: str) -> str:
    return "login-account:" + hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()


def login(name: str, password: str) -> Response | None:
    """``None`` if ``name``/``password`` is a curator's; else the answer: 429 past a limit (the password
    unchecked), 401 for a wrong pair."""
    settings, store = context.settings(), remark_store()
    window = settings.auth_window_s
    keys = ((f"login:{client()}", settings.auth_failures_per_client),
            (_account_key(name), settings.auth_failures_per_account))
    waits = [store.hit(key, limit, window) for key, limit in keys]  # counted before any hash
    if any(waits):
        return _too_many(max(waits))
    if store.check_curator(name, password):
        store.forget(*(key for key, _ in keys))
        return None
    return page(401, "curation/login.html", error="Nom ou mot de passe inconnu.")


def bearer_curator() -> str | None:
    """The curator whose ``Authorization: Bearer NAME:SECRET`` the request carries, or ``None`` (no or a
    bad token). A client past its budget of bad tokens gets 429 (raised) with no token checked."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    settings, store = context.settings(), remark_store()
    key, limit = f"token:{client()}", settings.auth_failures_per_client
    wait = store.waiting(key, limit, settings.auth_window_s)
    if wait:
        response = Response(f"Too many bad tokens from this client; retry in {int(wait) + 1} s.\n",
                            status=429, content_type="text/plain; charset=utf-8")
        response.headers["Retry-After"] = str(int(wait) + 1)
        response.headers["Cache-Control"] = "no-store, private"
        abort(response)
    name = store.check_token(token)
    if name is None:
        store.hit(key, limit, settings.auth_window_s)
    return name
