#!/usr/bin/env python3
"""HTTP/1.1 file server with injected faults, for the downloader tests (Python stdlib only).

Usage: fault_server.py ROOT [ROOT ...]
Binds 127.0.0.1 on a free port, prints the port as the first stdout line and flushes. A file
path is looked up under each ROOT in order (no '..'). Range requests ("bytes=a-" / "bytes=a-b")
get 206 + Content-Range, or 416 + "Content-Range: bytes */size" when a >= size.

Faults are chosen by the URL path prefix; "n times" counts per (fault, file) since the last
/reset, so "fail n times then succeed" works:
  /ok/<file>                   plain file serving
  /drop/<n>/<file>             headers with the full Content-Length, half the body, then a
                               TCP reset (SO_LINGER 0) -- n times
  /truncate/<n>/<file>         correct Content-Length, a third of the body, then a clean close
  /status/<code>/<n>/<file>    respond <code> n times (503 carries an S3 SlowDown XML body)
  /retry-after/<n>/<file>      429 with "Retry-After: 1" n times
  /slow/<file>                 trickles the body at ~200 bytes/s
  /delay/<ms>/<file>           waits <ms> milliseconds, then serves normally (concurrency tests)
  /gate/<n>/<file>             a barrier: holds each request until <n> requests have reached this
                               gate since /reset (or 20 s have passed), then serves normally; the
                               first <n> are then all in flight at once, whatever the scheduling
  /norange/<file>              ignores Range, always 200 with the whole body
  /badrange/<file>             answers a Range request with 206 for the whole file (start 0)
  /notfound/<file>             404
  /nohead/<file>               405 (Allow: GET) to a HEAD; a GET is served as /ok/
  /html200/<file>              200 with an HTML error page in place of the file (a broken mirror)
  /ok/<dir>/                   nginx's autoindex page of the folder (dumps.wikimedia.org's
                               listing of a wiki's dump dates: <a href="20230320/">20230320/</a>)
Google Drive's large-file download (drive.google.com/uc + drive.usercontent.google.com/download):
  /uc?export=download&id=<file>  200 with Drive's "can't scan this file for viruses" page, whose
                               form (action /download; hidden id, export, confirm=t, uuid) leads on
  /download?id=<file>&export=download&confirm=t&uuid=<u>  the file (Range works); without
                               confirm=t, the page again; an id under quota/ gets Drive's
                               quota-exceeded HTML page
HEAD is answered like GET without the body (the same status and headers; "Content-Length"
is the body's a GET would get), and is logged like a GET.
Control endpoints:
  /reset                       clears counters and the request log
  /stats?path=<url path>       one line per request to that path: "<status> <Range header or ->"
  /stats/inflight              the largest number of concurrent file requests since /reset
"""
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOTS = []
LOCK = threading.Lock()
COUNTS = {}    # (fault, file) -> faults injected so far
LOG = {}       # url path -> list of (status, range header)
INFLIGHT = [0, 0]  # [current, max]
GATE = threading.Condition(LOCK)  # /gate/ requests wait on it for their gate's arrivals
ARRIVED = {}   # (n, file) -> requests that reached that gate since /reset

SLOWDOWN_BODY = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
                 b'<Message>Please reduce your request rate.</Message>'
                 b'<RequestId>FAULTSERVER</RequestId></Error>')


def take_fault(fault, name, n):
    """True while the (fault, name) pair has been injected fewer than n times."""
    with LOCK:
        done = COUNTS.get((fault, name), 0)
        if done < n:
            COUNTS[(fault, name)] = done + 1
            return True
        return False


def find_file(name):
    parts = [p for p in name.split('/') if p]
    if not parts or any(p in ('.', '..') for p in parts):
        return None
    for root in ROOTS:
        path = os.path.join(root, *parts)
        if os.path.isfile(path):
            return path
    return None


def find_dir(name):
    parts = [p for p in name.split('/') if p]
    if any(p in ('.', '..') for p in parts):
        return None
    for root in ROOTS:
        path = os.path.join(root, *parts)
        if os.path.isdir(path):
            return path
    return None


def autoindex(url_path, folder):
    """The folder's listing as nginx's autoindex writes it (names, dates, sizes)."""
    rows = ['<a href="../">../</a>']
    for entry in sorted(os.listdir(folder)):
        full = os.path.join(folder, entry)
        stamp = time.strftime('%d-%b-%Y %H:%M', time.gmtime(os.path.getmtime(full)))
        shown = entry + '/' if os.path.isdir(full) else entry
        size = '-' if os.path.isdir(full) else str(os.path.getsize(full))
        rows.append('<a href="%s">%s</a>%s %s %19s' % (urllib.parse.quote(shown), shown,
                                                       ' ' * max(1, 51 - len(shown)), stamp, size))
    return ('<html>\r\n<head><title>Index of %s</title></head>\r\n<body>\r\n<h1>Index of %s</h1><hr><pre>'
            '%s\r\n</pre><hr></body>\r\n</html>\r\n' % (url_path, url_path, '\r\n'.join(rows))).encode()


def parse_range(header, size):
    """Returns (start, end_inclusive), 'unsatisfiable', or None when absent/unparsable."""
    if not header or not header.startswith('bytes='):
        return None
    spec = header[len('bytes='):].split(',')[0].strip()
    first, _, last = spec.partition('-')
    try:
        if first == '':  # suffix range "-n"
            n = int(last)
            return (max(0, size - n), size - 1) if n > 0 else 'unsatisfiable'
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return 'unsatisfiable'
    return start, min(end, size - 1)


class Discard:
    """A wfile for a HEAD answer once its headers are out: the body is not sent."""

    def write(self, data):
        return len(data)

    def flush(self):
        pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'fault_server/1'

    def end_headers(self):
        super().end_headers()
        if self.command == 'HEAD':
            self.wfile = Discard()

    def do_HEAD(self):
        real = self.wfile
        try:
            self.do_GET()
        finally:
            self.wfile = real

    def log_message(self, fmt, *args):  # quiet; the tests read /stats instead
        if os.environ.get('FAULT_SERVER_VERBOSE'):
            sys.stderr.write('%s\n' % (fmt % args))

    def record(self, status):
        with LOCK:
            LOG.setdefault(self.url_path, []).append((status, self.headers.get('Range') or '-'))

    def send_small(self, status, body, extra=()):
        self.record(status)
        self.send_response(status)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header('Content-Type', 'text/plain' if not body.startswith(b'<?xml')
                         else 'application/xml')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parsed = urllib.parse.urlsplit(self.path)
        self.url_path = parsed.path
        if parsed.path == '/reset':
            with LOCK:
                COUNTS.clear()
                LOG.clear()
                ARRIVED.clear()
                INFLIGHT[:] = [0, 0]
            return self.send_small(200, b'ok\n')
        if parsed.path == '/stats':
            want = urllib.parse.parse_qs(parsed.query).get('path', [''])[0]
            with LOCK:
                lines = ['%d %s' % entry for entry in LOG.get(want, [])]
            return self.send_small(200, ''.join(l + '\n' for l in lines).encode())
        if parsed.path == '/stats/inflight':
            with LOCK:
                peak = INFLIGHT[1]
            return self.send_small(200, b'%d\n' % peak)
        with LOCK:
            INFLIGHT[0] += 1
            INFLIGHT[1] = max(INFLIGHT)
        try:
            self.serve_fault(parsed.path)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its low-speed limit)
        finally:
            with LOCK:
                INFLIGHT[0] -= 1

    def send_html(self, body):
        self.record(200)
        self.send_response(200)
        self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def drive_page(self, file_id):
        port = self.server.server_address[1]
        return (('<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title>'
                 '<meta http-equiv="content-type" content="text/html; charset=utf-8"/></head><body>'
                 '<div class="uc-main"><div id="uc-text"><p class="uc-warning-caption">Google Drive can&#39;t '
                 'scan this file for viruses.</p><p class="uc-warning-subcaption"><span class="uc-name-size">'
                 '<a href="/open?id=%s">model.bin</a> (1.1G)</span> is too large for Google to scan for '
                 'viruses. Would you still like to download this file?</p>'
                 '<form id="download-form" action="http://127.0.0.1:%d/download" method="get">'
                 '<input type="submit" id="uc-download-link" class="goog-inline-block jfk-button '
                 'jfk-button-action" value="Download anyway"/><input type="hidden" name="id" value="%s">'
                 '<input type="hidden" name="export" value="download"><input type="hidden" name="confirm" '
                 'value="t"><input type="hidden" name="uuid" value="5d1f7c2e-0b0a-4a43-9b7e-1c2d3e4f5a6b">'
                 '</form></div></div></body></html>') % (file_id, port, file_id)).encode()

    def serve_fault(self, path):
        if path in ('/uc', '/download'):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            file_id = query.get('id', [''])[0]
            if find_file(file_id) is None:
                return self.send_small(404, b'not found\n')
            if path == '/uc' or query.get('confirm', [''])[0] != 't':
                return self.send_html(self.drive_page(file_id))
            if file_id.startswith('quota/'):
                return self.send_html(b'<!DOCTYPE html><html><head><title>Google Drive - Quota exceeded</title>'
                                      b'</head><body>Too many users have viewed or downloaded this file '
                                      b'recently.</body></html>')
            return self.serve_file('ok', file_id, 0)
        parts = path.lstrip('/').split('/')
        fault = parts[0]
        try:
            if fault in ('ok', 'slow', 'norange', 'badrange', 'notfound', 'html200', 'nohead'):
                name, n, code = '/'.join(parts[1:]), 0, 0
            elif fault in ('drop', 'truncate', 'retry-after', 'delay', 'gate'):
                n, name, code = int(parts[1]), '/'.join(parts[2:]), 0
            elif fault == 'status':
                code, n, name = int(parts[1]), int(parts[2]), '/'.join(parts[3:])
            else:
                return self.send_small(400, b'unknown fault\n')
        except (IndexError, ValueError):
            return self.send_small(400, b'bad fault spec\n')

        return self.serve_file(fault, name, n, code)

    def serve_file(self, fault, name, n, code=0):
        if fault == 'ok' and (name == '' or name.endswith('/')):
            folder = find_dir(name)
            if folder is not None:
                return self.send_html(autoindex('/' + name, folder))
        file_path = find_file(name)
        if fault == 'notfound' or file_path is None:
            return self.send_small(404, b'not found\n')
        if fault == 'nohead' and self.command == 'HEAD':
            return self.send_small(405, b'', [('Allow', 'GET')])
        if fault == 'html200':
            return self.send_html(b'<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>'
                                  b'<body><h1>Bad Gateway</h1><p>The mirror is being updated.</p></body></html>\n')
        if fault == 'status' and take_fault(fault, name, n):
            body = SLOWDOWN_BODY if code == 503 else b'injected %d\n' % code
            return self.send_small(code, body)
        if fault == 'retry-after' and take_fault(fault, name, n):
            return self.send_small(429, b'too many requests\n', [('Retry-After', '1')])
        if fault == 'delay':
            time.sleep(n / 1000.0)
        if fault == 'gate':
            deadline = time.monotonic() + 20
            with GATE:
                ARRIVED[(n, name)] = ARRIVED.get((n, name), 0) + 1
                GATE.notify_all()
                while ARRIVED[(n, name)] < n and time.monotonic() < deadline:
                    GATE.wait(deadline - time.monotonic())

        with open(file_path, 'rb') as f:
            data = f.read()
        size = len(data)
        rng = None if fault == 'norange' else parse_range(self.headers.get('Range'), size)
        if rng == 'unsatisfiable':
            if fault == 'badrange':
                rng = (0, size - 1)
            else:
                return self.send_small(416, b'', [('Content-Range', 'bytes */%d' % size)])
        if fault == 'badrange' and rng is not None:
            rng = (0, size - 1)  # claims the whole file whatever was asked
        if rng is None:
            status, start, end = 200, 0, size - 1
        else:
            status, (start, end) = 206, rng
        body = data[start:end + 1]

        self.record(status)
        self.send_response(status)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Accept-Ranges', 'none' if fault == 'norange' else 'bytes')
        if status == 206:
            self.send_header('Content-Range', 'bytes %d-%d/%d' % (start, end, size))
        self.end_headers()

        if fault == 'drop' and take_fault(fault, name, n):
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            time.sleep(0.2)  # let the client read the half before the reset discards it
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack('ii', 1, 0))
            self.connection.close()  # RST: the client sees "connection reset by peer"
            self.close_connection = True
            return
        if fault == 'truncate' and take_fault(fault, name, n):
            self.wfile.write(body[:len(body) // 3])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)  # FIN before Content-Length is reached
            self.close_connection = True
            return
        if fault == 'slow':
            for i in range(0, len(body), 20):
                self.wfile.write(body[i:i + 20])
                self.wfile.flush()
                time.sleep(0.1)
            return
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        pass  # injected resets raise in the handler's cleanup; they are expected


def main():
    if len(sys.argv) < 2:
        sys.stderr.write('usage: fault_server.py ROOT [ROOT ...]\n')
        return 2
    ROOTS.extend(os.path.abspath(r) for r in sys.argv[1:])
    server = Server(('127.0.0.1', 0), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
