#!/usr/bin/env python3
"""Loopback emulation of a public Google Cloud Storage bucket (JSON API listing + object GET),
with injected faults, for the PG-19 download tests (Python stdlib only).

Usage: gcs_server.py ROOT [--page-size N]
ROOT/<bucket>/<object name> are the objects. Binds 127.0.0.1 on a free port, prints the port
as the first stdout line and flushes.

  GET /storage/v1/b/<bucket>/o?prefix=P[&pageToken=T][&maxResults=N]
      {"kind": "storage#objects", "items": [{"name", "bucket", "size": "<decimal string>",
      "md5Hash": "<base64>"}...], "nextPageToken": T} with N (default --page-size, 3) items
      per page in name order, as the real API pages.
  GET /storage/v1/b/<bucket>/o/<name, percent-encoded>   one object's metadata
  GET /<bucket>/<name>                                   the bytes (Range: bytes=a- / a-b)

Faults (GET /_fault?kind=K&n=N[&name=OBJECT]; each fires n times, counted per kind+name):
  list503     the listing answers 503 (retried by the downloader)
  badtoken    the listing's next page for an unknown token: 400 (a client that invents tokens fails)
  drop        object GET sends headers and half the body, then resets the connection
  corrupt     object GET serves the bytes with one byte flipped (md5 mismatch)
  badmd5      listing/metadata report a wrong md5Hash for the object (permanent mismatch)
Control: /_reset clears faults and counters; /_stats prints "<count> <path>" per request path.
"""
import base64
import hashlib
import json
import os
import socket
import struct
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = ''
PAGE_SIZE = 3
LOCK = threading.Lock()
FAULTS = {}   # (kind, name) -> remaining
STATS = {}    # path -> requests


def take(kind, name=''):
    with LOCK:
        for key in ((kind, name), (kind, '')):
            if FAULTS.get(key, 0) > 0:
                FAULTS[key] -= 1
                return True
        return False


def bad_md5(name):
    with LOCK:
        return FAULTS.get(('badmd5', name), 0) > 0


def object_path(bucket, name):
    parts = [p for p in (bucket + '/' + name).split('/') if p]
    if not parts or any(p in ('.', '..') for p in parts):
        return None
    path = os.path.join(ROOT, *parts)
    return path if os.path.isfile(path) else None


def describe(bucket, name, path):
    data = open(path, 'rb').read()
    digest = hashlib.md5(data).digest()
    if bad_md5(name):
        digest = hashlib.md5(data + b'x').digest()
    return {'kind': 'storage#object', 'name': name, 'bucket': bucket, 'size': str(len(data)),
            'md5Hash': base64.b64encode(digest).decode('ascii')}


def list_objects(bucket, prefix):
    base = os.path.join(ROOT, bucket)
    names = []
    for dirpath, _, files in os.walk(base):
        for f in files:
            rel = os.path.relpath(os.path.join(dirpath, f), base).replace(os.sep, '/')
            if rel.startswith(prefix):
                names.append(rel)
    return sorted(names, key=lambda n: n.encode('utf-8'))


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def send_json(self, code, obj):
        body = json.dumps(obj).encode('utf-8')
        self.send_response(code)
        self.send_header('Content-Type', 'application/json; charset=UTF-8')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        with LOCK:
            STATS[url.path] = STATS.get(url.path, 0) + 1
        if url.path == '/_fault':
            kind, n = query['kind'][0], int(query.get('n', ['1'])[0])
            with LOCK:
                FAULTS[(kind, query.get('name', [''])[0])] = n
            return self.send_json(200, {'ok': True})
        if url.path == '/_reset':
            with LOCK:
                FAULTS.clear()
                STATS.clear()
            return self.send_json(200, {'ok': True})
        if url.path == '/_stats':
            with LOCK:
                body = ''.join('%d %s\n' % (c, p) for p, c in sorted(STATS.items())).encode()
            self.send_response(200)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        segs = url.path.split('/')
        if url.path.startswith('/storage/v1/b/') and len(segs) >= 6 and segs[5] == 'o':
            bucket = urllib.parse.unquote(segs[4])
            if len(segs) == 6:
                return self.listing(bucket, query)
            name = urllib.parse.unquote('/'.join(segs[6:]))
            path = object_path(bucket, name)
            if not path:
                return self.send_json(404, {'error': {'code': 404, 'message': 'No such object: ' + name}})
            return self.send_json(200, describe(bucket, name, path))
        if len(segs) >= 3:
            bucket = urllib.parse.unquote(segs[1])
            name = urllib.parse.unquote('/'.join(segs[2:]))
            path = object_path(bucket, name)
            if path:
                return self.serve(name, path)
        self.send_json(404, {'error': {'code': 404, 'message': 'Not Found'}})

    def listing(self, bucket, query):
        if take('list503'):
            return self.send_json(503, {'error': {'code': 503, 'message': 'Backend Error'}})
        if not os.path.isdir(os.path.join(ROOT, bucket)):
            return self.send_json(404, {'error': {'code': 404, 'message': 'The specified bucket does not exist.'}})
        prefix = query.get('prefix', [''])[0]
        size = int(query.get('maxResults', [str(PAGE_SIZE)])[0])
        names = list_objects(bucket, prefix)
        token = query.get('pageToken', [''])[0]
        start = 0
        if token:
            try:
                start = int(base64.urlsafe_b64decode(token.encode()).decode())
            except Exception:
                return self.send_json(400, {'error': {'code': 400, 'message': 'Invalid pageToken'}})
        page = names[start:start + size]
        out = {'kind': 'storage#objects',
               'items': [describe(bucket, n, object_path(bucket, n)) for n in page]}
        if start + size < len(names):
            out['nextPageToken'] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        if not page:
            del out['items']  # the real API omits "items" when empty
        self.send_json(200, out)

    def serve(self, name, path):
        data = open(path, 'rb').read()
        if take('corrupt', name) and data:
            data = bytes([data[0] ^ 0x20]) + data[1:]
        start, end = 0, len(data)
        rng = self.headers.get('Range')
        status = 200
        if rng and rng.startswith('bytes='):
            a, _, b = rng[6:].partition('-')
            start = int(a)
            end = int(b) + 1 if b else len(data)
            if start >= len(data):
                self.send_response(416)
                self.send_header('Content-Range', 'bytes */%d' % len(data))
                self.send_header('Content-Length', '0')
                self.end_headers()
                return
            status = 206
        body = data[start:end]
        self.send_response(status)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        if status == 206:
            self.send_header('Content-Range', 'bytes %d-%d/%d' % (start, end - 1, len(data)))
        self.end_headers()
        if take('drop', name):
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            self.close_connection = True
            return
        self.wfile.write(body)


def main():
    global ROOT, PAGE_SIZE
    args = sys.argv[1:]
    if '--page-size' in args:
        i = args.index('--page-size')
        PAGE_SIZE = int(args[i + 1])
        del args[i:i + 2]
    ROOT = args[0]
    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()
