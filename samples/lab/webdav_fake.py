"""A loopback WebDAV store for the lab's multi-level scenarios: `python3 webdav_fake.py PORT`.

Just what sccache's WebDAV backend asks of a server: GET (with a `Range`), PUT, MKCOL, DELETE,
HEAD and PROPFIND of one resource, kept in memory. Prints `listening PORT` when ready."""

import sys
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

FILES: dict[str, bytes] = {}
DIRS: set[str] = {"/"}
LOCK = threading.Lock()


def key(raw: str) -> str:
    path = "/" + unquote(urlsplit(raw).path).lstrip("/")
    while "//" in path:
        path = path.replace("//", "/")
    return path


class Store(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: the lab keeps sccache's log, not ours
        pass

    def reply(self, code: int, body: bytes = b"", ctype: str = "application/octet-stream") -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):
        with LOCK:
            data = FILES.get(key(self.path))
        if data is None:
            return self.reply(404)
        rng = self.headers.get("Range", "")
        if rng.startswith("bytes="):
            start, _, end = rng[6:].partition("-")
            data = data[int(start or 0): int(end) + 1 if end else None]
        self.reply(200, data)

    do_HEAD = do_GET

    def do_PUT(self):
        data = self.body()
        with LOCK:
            FILES[key(self.path)] = data
        self.reply(201)

    def do_MKCOL(self):
        self.body()
        with LOCK:
            DIRS.add(key(self.path).rstrip("/") + "/")
        self.reply(201)

    def do_DELETE(self):
        with LOCK:
            FILES.pop(key(self.path), None)
        self.reply(204)

    def do_PROPFIND(self):
        self.body()
        path = key(self.path)
        with LOCK:
            data = FILES.get(path)
            is_dir = path.rstrip("/") + "/" in DIRS
        if data is None and not is_dir:
            return self.reply(404)
        kind = "<D:resourcetype><D:collection/></D:resourcetype>" if data is None else "<D:resourcetype/>"
        size = f"<D:getcontentlength>{len(data)}</D:getcontentlength>" if data is not None else ""
        xml = ('<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:"><D:response>'
               f"<D:href>{path}</D:href><D:propstat><D:prop>{kind}{size}"
               f"<D:getlastmodified>{formatdate(usegmt=True)}</D:getlastmodified></D:prop>"
               "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>")
        self.reply(207, xml.encode(), "application/xml; charset=utf-8")


def main():
    port = int(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", port), Store)
    print(f"listening {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
