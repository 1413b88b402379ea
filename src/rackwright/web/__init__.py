"""The web pages: server-rendered pages on the service, for people at both organizations.

``rackwright serve`` mounts them under ``/web`` (``web.app.mount``). A person signs in with their
API token; the session then acts exactly as that token (``web.sessions``), through the same store
functions as the API, so the pages show nothing the token could not read.
"""
