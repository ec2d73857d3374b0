"""A minimal backend for command-server tests: answers 200 with its own name to every GET on the port in argv[1].

For the gateway-metrics and dashboard tests: a path with /fail answers 500, ?delay=N waits N ms first,
and ?say=TEXT prints TEXT to stdout (a log line of this instance).
"""
import http.server
import os
import sys
import time
import urllib.parse

PORT = int(sys.argv[1])
NAME = os.environ.get("INSTANCE_NAME", "app")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        if "delay" in query:
            time.sleep(int(query["delay"][0]) / 1000)
        if "say" in query:
            print(query["say"][0], flush=True)
        body = b'{"status":"healthy"}'
        self.send_response(500 if "/fail" in url.path else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Instance", NAME)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)  # bound and listening from here
print(f"listening on {PORT}", flush=True)
server.serve_forever()
