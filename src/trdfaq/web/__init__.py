"""The website front end: a JSON API, an embeddable chat widget and a demo page.

>>> from trdfaq.web import create_app
>>> app = create_app(allow_origins=["https://example.org"])  # any ASGI server can run it
"""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
