"""The web UI's defences at the HTTP layer: security headers and a strict CSP on every
response, and requests for host names not allowed refused (DNS rebinding).

gradio's own launch() gives no place for a middleware in front of its app (its CORS
middleware answers pre-flight requests itself), so the UI is mounted on an app of ours
(``server.make_app``) behind `Guard`: every response gets the security headers, and a
request for a host name not allowed is refused before gradio sees it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from typing import Any


def content_security_policy(nonce: str | None = None) -> str:
    """The CSP of every response. gradio's page needs its own inline <script>s (the app
    config): they carry the page's nonce, so no other inline script runs; svelte sets
    inline styles, and previews use data:/blob: URLs. Nothing is loaded from elsewhere."""
    script = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join([
        "default-src 'self'", f"script-src {script}", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:", "font-src 'self' data:", "media-src 'self' data: blob:",
        "connect-src 'self'", "worker-src 'self' blob:",
        "object-src 'none'", "base-uri 'self'", "form-action 'self'",
        "frame-ancestors 'none'",
    ])


SECURITY_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])")


def host_name(value: str) -> str | None:
    """The host of a Host header, lower case, without port or IPv6 brackets; None when
    it is malformed ('evil.example:80' → 'evil.example', '[::1]:7860' → '::1')."""
    v = value.strip().lower()
    if v.startswith("["):
        end = v.find("]")
        if end < 0:
            return None
        host, rest = v[1:end], v[end + 1:]
    elif v.count(":") > 1:  # a bare IPv6 address
        host, rest = v, ""
    else:
        host, colon, port = v.partition(":")
        rest = colon + port
    if rest and not re.fullmatch(r":\d{1,5}", rest):
        return None
    host = host.rstrip(".")
    return host or None


class Guard:
    """ASGI middleware in front of the whole UI: Host allow-list (DNS rebinding: a page
    on another site whose name resolves to this machine must not reach the UI) and
    security headers on every response, the refusals included."""

    PAGES = ("/", "/gradio_api/runs", "/gradio_api/runs/")  # gradio's HTML pages

    def __init__(self, app: Any, allowed_hosts: Iterable[str], page_paths: Iterable[str] = PAGES
                 ) -> None:
        self.app = app
        self.allowed = {h for h in (host_name(x) for x in allowed_hosts) if h}
        self.page_paths = set(page_paths)

    def allows(self, scope: dict[str, Any]) -> bool:
        hosts = [v for k, v in scope.get("headers", []) if k == b"host"]
        if len(hosts) != 1:
            return False
        return host_name(hosts[0].decode("latin-1")) in self.allowed

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if not self.allows(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await send({"type": "http.response.start", "status": 400,
                        "headers": self._headers([(b"content-length", b"0")], None)})
            await send({"type": "http.response.body", "body": b""})
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        page = scope["method"] == "GET" and scope["path"] in self.page_paths
        nonce = secrets.token_urlsafe(18) if page else None
        if page:  # the page uncompressed, so its script tags can take the nonce
            scope = dict(scope)
            scope["headers"] = [(k, v) for k, v in scope["headers"]
                                if k != b"accept-encoding"]
        held: dict[str, Any] = {}
        body: list[bytes] = []

        async def guarded_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                ctype = dict(headers).get(b"content-type", b"")
                if nonce and ctype.startswith(b"text/html") and not dict(headers).get(
                        b"content-encoding"):
                    held.update(message, headers=headers)
                    return
                await send({**message, "headers": self._headers(headers, None)})
                return
            if message["type"] == "http.response.body" and held:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                data = _SCRIPT_TAG.sub(f'<script nonce="{nonce}"'.encode(), b"".join(body))
                headers = [(k, v) for k, v in held["headers"] if k != b"content-length"]
                headers.append((b"content-length", str(len(data)).encode()))
                await send({**held, "headers": self._headers(headers, nonce)})
                held.clear()
                await send({"type": "http.response.body", "body": data})
                return
            await send(message)

        await self.app(scope, receive, guarded_send)

    @staticmethod
    def _headers(headers: list[tuple[bytes, bytes]], nonce: str | None
                 ) -> list[tuple[bytes, bytes]]:
        ours = {**SECURITY_HEADERS, "content-security-policy": content_security_policy(nonce)}
        out = [(k, v) for k, v in headers if k.decode("latin-1").lower() not in ours]
        out += [(k.encode(), v.encode()) for k, v in ours.items()]
        return out


def allowed_hosts(settings: Any) -> list[str]:
    """The host names the UI answers: PARACITE_UI_ALLOWED_HOSTS and the one it binds."""
    return [*settings.ui_allowed_hosts, settings.ui_host]
