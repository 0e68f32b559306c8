#!/usr/bin/env python3
"""A loopback S3 server that verifies every AWS Signature V4, for the S3 client tests.

Usage: s3_server.py ROOT ACCESS_KEY SECRET_KEY
Binds 127.0.0.1 on a free port and prints the port as the first stdout line. Buckets are the
directories under ROOT; keys are file paths below them (path-style URLs: /bucket/key).

Every S3 request must carry `Authorization: AWS4-HMAC-SHA256 ...`: the server rebuilds the
request from the headers the client says it signed and recomputes the signature with
botocore's S3SigV4Auth (Debian's python3-botocore), answering S3's errors as XML:
  403 SignatureDoesNotMatch   recomputed signature differs (e.g. a wrong secret)
  403 InvalidAccessKeyId      unknown access key
  403 AccessDenied            no Authorization, or x-amz-request-payer: requester missing or
                              unsigned (the bucket is requester-pays)
  403 RequestTimeTooSkewed    x-amz-date more than 15 minutes off
Implemented: ListObjectsV2 (GET /bucket?list-type=2, prefix, max-keys, continuation-token),
GET object with Range (206 / 416) and HEAD object (GET's status and headers, no body).

Fault injection (unsigned control endpoints; counts per key since /_ctl/reset):
  /_ctl/fault?kind=slowdown&n=N&key=K   503 SlowDown for the next N GETs of K
  /_ctl/fault?kind=drop&n=N&key=K       full Content-Length, half the body, then a TCP reset
  /_ctl/fault?kind=deny&n=N&key=K       403 AccessDenied for the next N GETs or HEADs of K (an
                                        object the credentials may not read)
  /_ctl/reset                           clear faults and the log
  /_ctl/log                             one line per S3 request: "<status> <path> <range or ->"
Exits 3 when botocore cannot be imported (the tests skip).
"""
import base64
import datetime
import os
import socket
import struct
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    sys.stderr.write("s3_server.py: botocore is not installed (apt-get install python3-botocore)\n")
    sys.exit(3)

ROOT = ""
ACCESS_KEY = ""
SECRET_KEY = ""
LOCK = threading.Lock()
FAULTS = {}  # (kind, key) -> remaining
LOG = []


def error_xml(code, message):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
            '<RequestId>S3SERVER</RequestId></Error>' % (code, message)).encode()


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def take_fault(kind, key):
    with LOCK:
        left = FAULTS.get((kind, key), 0)
        if left > 0:
            FAULTS[(kind, key)] = left - 1
            return True
        return False


def parse_authorization(value):
    if not value.startswith("AWS4-HMAC-SHA256 "):
        return None
    fields = {}
    for part in value[len("AWS4-HMAC-SHA256 "):].split(","):
        k, _, v = part.strip().partition("=")
        fields[k] = v
    if not {"Credential", "SignedHeaders", "Signature"} <= fields.keys():
        return None
    return fields


def verify(handler):
    """None when the request is authentic, else (status, code, message)."""
    auth = handler.headers.get("Authorization")
    if not auth:
        return (403, "AccessDenied", "Anonymous access is forbidden for this operation")
    fields = parse_authorization(auth)
    if fields is None:
        return (400, "AuthorizationHeaderMalformed", "The authorization header is malformed")
    cred = fields["Credential"].split("/")
    if len(cred) != 5:
        return (400, "AuthorizationHeaderMalformed", "Bad Credential")
    access_key, day, region, service, term = cred
    if access_key != ACCESS_KEY:
        return (403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    signed = fields["SignedHeaders"].split(";")
    amz_date = handler.headers.get("x-amz-date", "")
    if "x-amz-date" not in signed or amz_date[:8] != day:
        return (403, "AccessDenied", "x-amz-date must be signed and match the credential scope")
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return (403, "AccessDenied", "bad x-amz-date")
    if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 900:
        return (403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
    headers = {}
    for name in signed:
        value = handler.headers.get(name)
        if value is None:
            return (403, "SignatureDoesNotMatch", "signed header %s is missing" % name)
        headers[name] = value
    url = "http://%s%s" % (handler.headers.get("Host", ""), handler.path)
    request = AWSRequest(method=handler.command, url=url, headers=headers)
    request.context["timestamp"] = amz_date
    signer = S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), service, region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if expected != fields["Signature"]:
        return (403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.")
    if handler.headers.get("x-amz-request-payer") != "requester" or "x-amz-request-payer" not in signed:
        return (403, "AccessDenied", "Access Denied (requester-pays bucket: send x-amz-request-payer: requester)")
    return None


class Discard:
    """A wfile for a HEAD answer once its headers are out: the body is not sent."""

    def write(self, data):
        return len(data)

    def flush(self):
        pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def end_headers(self):
        super().end_headers()
        if self.command == "HEAD":
            self.wfile = Discard()

    def do_HEAD(self):
        real = self.wfile
        try:
            self.do_GET()
        finally:
            self.wfile = real

    def log_message(self, *args):
        pass

    def send_body(self, status, body, content_type="application/xml", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def record(self, status, path):
        with LOCK:
            LOG.append("%d %s %s" % (status, path, self.headers.get("Range") or "-"))

    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        if parts.path.startswith("/_ctl/"):
            return self.control(parts.path, query)
        problem = verify(self)
        if problem:
            status, code, message = problem
            self.record(status, parts.path)
            return self.send_body(status, error_xml(code, xml_escape(message)))
        segs = parts.path.lstrip("/").split("/", 1)
        bucket = urllib.parse.unquote(segs[0])
        key = urllib.parse.unquote(segs[1]) if len(segs) > 1 else ""
        bdir = os.path.join(ROOT, bucket)
        if not bucket or "/" in bucket or bucket.startswith(".") or not os.path.isdir(bdir):
            self.record(404, parts.path)
            return self.send_body(404, error_xml("NoSuchBucket", "The specified bucket does not exist"))
        if key == "":
            self.record(200, parts.path)
            return self.list_objects(bdir, bucket, query)
        return self.get_object(bdir, key, parts.path)

    def control(self, path, query):
        one = lambda k, d="": query.get(k, [d])[0]
        with LOCK:
            if path == "/_ctl/reset":
                FAULTS.clear()
                LOG.clear()
                body = b"ok\n"
            elif path == "/_ctl/fault":
                FAULTS[(one("kind"), one("key"))] = int(one("n", "1"))
                body = b"ok\n"
            elif path == "/_ctl/log":
                body = ("".join(l + "\n" for l in LOG)).encode()
            else:
                body = b"unknown\n"
        self.send_body(200, body, "text/plain")

    def list_objects(self, bdir, bucket, query):
        one = lambda k, d="": query.get(k, [d])[0]
        if one("list-type") != "2":
            return self.send_body(400, error_xml("InvalidArgument", "only ListObjectsV2 is implemented"))
        prefix = one("prefix")
        max_keys = max(1, min(1000, int(one("max-keys", "1000"))))
        token = one("continuation-token")
        after = base64.urlsafe_b64decode(token.encode()).decode() if token else ""
        keys = []
        for dirpath, _, files in os.walk(bdir):
            for f in files:
                k = os.path.relpath(os.path.join(dirpath, f), bdir).replace(os.sep, "/")
                if k.startswith(prefix) and k > after:
                    keys.append(k)
        keys.sort()
        page, rest = keys[:max_keys], keys[max_keys:]
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
               "<Name>%s</Name><Prefix>%s</Prefix><KeyCount>%d</KeyCount><MaxKeys>%d</MaxKeys>"
               % (xml_escape(bucket), xml_escape(prefix), len(page), max_keys),
               "<IsTruncated>%s</IsTruncated>" % ("true" if rest else "false")]
        if token:
            out.append("<ContinuationToken>%s</ContinuationToken>" % token)
        if rest:
            out.append("<NextContinuationToken>%s</NextContinuationToken>"
                       % base64.urlsafe_b64encode(page[-1].encode()).decode())
        for k in page:
            size = os.path.getsize(os.path.join(bdir, k))
            out.append("<Contents><Key>%s</Key><Size>%d</Size><ETag>&quot;x&quot;</ETag>"
                       "<StorageClass>STANDARD</StorageClass></Contents>" % (xml_escape(k), size))
        out.append("</ListBucketResult>")
        self.send_body(200, "".join(out).encode())

    def get_object(self, bdir, key, path):
        full = os.path.realpath(os.path.join(bdir, key))
        if not full.startswith(os.path.realpath(bdir) + os.sep) or not os.path.isfile(full):
            self.record(404, path)
            return self.send_body(404, error_xml("NoSuchKey", "The specified key does not exist."))
        if take_fault("deny", key):
            self.record(403, path)
            return self.send_body(403, error_xml("AccessDenied", "Access Denied"))
        if take_fault("slowdown", key):
            self.record(503, path)
            return self.send_body(503, error_xml("SlowDown", "Please reduce your request rate."))
        with open(full, "rb") as fh:
            data = fh.read()
        size, start, end, status = len(data), 0, len(data) - 1, 200
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            a, _, b = rng[6:].partition("-")
            start = int(a)
            end = min(int(b), size - 1) if b else size - 1
            if start >= size:
                self.record(416, path)
                return self.send_body(416, error_xml("InvalidRange", "The requested range is not satisfiable"),
                                      extra={"Content-Range": "bytes */%d" % size})
            status = 206
        body = data[start:end + 1]
        self.record(status, path)
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        if take_fault("drop", key):
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        self.wfile.write(body)


def main():
    global ROOT, ACCESS_KEY, SECRET_KEY
    ROOT, ACCESS_KEY, SECRET_KEY = sys.argv[1], sys.argv[2], sys.argv[3]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
