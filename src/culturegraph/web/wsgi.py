"""The WSGI entry point of production servers: ``culturegraph.web.wsgi:app``.

The settings come from the environment (``CULTUREGRAPH_STORE``, ``CULTUREGRAPH_BASE_IRI``,
``CULTUREGRAPH_QUERY_TIMEOUT``; ``culturegraph serve --production`` sets them from its options). The
server imports this module in each worker *after* forking, so every worker builds its own app and
opens its own read-only store handle (lazily, at the first request; see ``CurrentStore``).

Any WSGI server works, e.g. ``granian --interface wsgi culturegraph.web.wsgi:app`` or
``gunicorn culturegraph.web.wsgi:app``.
"""

from __future__ import annotations

from pathlib import Path

from culturegraph.config import load_settings
from culturegraph.web.app import create_app
from culturegraph.web.front import Front
from culturegraph.web.sparql import FAST_PATH

settings = load_settings()
app = create_app(settings)
# The ASGI entry point the production server uses (web/front.py: body and send deadlines, thread pools).
asgi = Front(app, settings, Path(app.static_folder or ""), app.extensions["culturegraph.operations"],
             in_loop=app.extensions[FAST_PATH].would_hit)
