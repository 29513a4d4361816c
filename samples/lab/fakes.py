"""Loopback fakes for the lab: `python3 fakes.py PORT MODE`.

Modes: stall (accept, never read), reset (read, then RST), eof (read a little, hang up),
http403 (S3-style AccessDenied), connect-stall (proxy: 200 to CONNECT, then silence),
imds-v2-only (an EC2 metadata service that requires IMDSv2: 401 to any request without a
session token). PORT may be HOST:PORT (the metadata address inside a network namespace)."""

import socket
import sys
import threading

BODY = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
        b"<Message>Access Denied</Message><RequestId>4442587FB7D0A2F9</RequestId>"
        b"<HostId>lab</HostId></Error>")
HELD = []  # keep stalled sockets referenced so they stay open


def read_head(conn):
    data = b""
    conn.settimeout(5)
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


def handle(conn, mode):
    try:
        if mode == "stall":
            HELD.append(conn)
        elif mode == "reset":
            read_head(conn)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            conn.close()
        elif mode == "eof":
            conn.settimeout(5)
            try:
                conn.recv(4096)
            except OSError:
                pass
            conn.close()
        elif mode == "http403":
            read_head(conn)
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\n"
                         b"x-amz-request-id: 4442587FB7D0A2F9\r\nContent-Length: %d\r\n"
                         b"Connection: close\r\n\r\n" % len(BODY) + BODY)
            conn.close()
        elif mode == "imds-v2-only":
            head = read_head(conn)
            if head.startswith(b"PUT /latest/api/token"):
                body, status = b"AQAEAFAKE-imds-session-token==", b"200 OK"
            elif b"x-aws-ec2-metadata-token:" in head.lower():
                body, status = b"", b"404 Not Found"
            else:
                body, status = b"", b"401 Unauthorized"
            conn.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                         b"Connection: close\r\n\r\n" % len(body) + body)
            conn.close()
        elif mode == "connect-stall":
            if read_head(conn).startswith(b"CONNECT"):
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            HELD.append(conn)
    except OSError:
        pass


def main():
    host, _, port = sys.argv[1].rpartition(":")
    port, mode = int(port), sys.argv[2]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host or "127.0.0.1", port))
    srv.listen(16)
    print(f"listening {port} {mode}", flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
