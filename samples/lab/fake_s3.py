"""A loopback S3 stand-in for the lab: `python3 fake_s3.py PORT MODE`.

Modes: slowdown (the start-up check's `.sccache_check` object works, every other request gets
S3's throttling answer, 503 SlowDown), always-slowdown (every request throttled)."""

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOWDOWN = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
            b"<Message>Please reduce your request rate.</Message><RequestId>7QX2FAKE0LAB</RequestId>"
            b"<HostId>lab</HostId></Error>")
CHECK = b"Hello, World!"
STORED = {}


class Handler(BaseHTTPRequestHandler):
    mode = "slowdown"

    def log_message(self, *args):
        pass

    def _throttled(self):
        return self.mode == "always-slowdown" or not self.path.split("?")[0].endswith(".sccache_check")

    def _reply(self, code, body=b"", content_type="application/xml"):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amz-request-id", "7QX2FAKE0LAB")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        if self._throttled():
            return self._reply(503, SLOWDOWN)
        self._reply(200, STORED.get(self.path, CHECK), "application/octet-stream")

    do_HEAD = do_GET

    def do_PUT(self):
        data = self._body()
        if self._throttled():
            return self._reply(503, SLOWDOWN)
        STORED[self.path] = data
        self._reply(200)


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    Handler.mode = mode
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"listening {port} {mode}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
