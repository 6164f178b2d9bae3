#!/usr/bin/env python3
"""Checks a running server against the API contract (docs/peers.md,
../shared/contract.md): every endpoint's status codes, key fields, parameter
ranges and {"error","detail"} bodies. Standard library only, so any python3
runs it, against any implementation (FastAPI, Express, benchlab-server).

    python3 peers/conformance.py http://127.0.0.1:PORT [--name fastapi]
        [--jwt-secret S] [--upstream]   (--upstream: also check /external/http)

It writes (POST/PUT/DELETE /users on a row it creates, bulk_items, products,
the Redis keys it uses, a post of account 5 in account_posts) and puts
bulk_items, products and the cache back as the seed has them. Exit 0 when every check passes; 1 otherwise, listing each
failure.
"""
import argparse
import base64
import concurrent.futures
import hashlib
import hmac
import json
import math
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

failures = []
passed = 0


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.raw = status, headers, body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None


def request(base, method, path, body=None, headers=None, content_type=None):
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        if isinstance(body, (bytes, bytearray)):
            data = bytes(body)
        else:
            data = json.dumps(body).encode()
            content_type = content_type or "application/json"
    if content_type:
        hdrs["Content-Type"] = content_type
    req = urllib.request.Request(base + path, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return Reply(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, err.headers, err.read())


def check(what, cond, got=None):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{what}" + (f" (got {got!r:.300})" if got is not None else ""))
    return cond


def expect(reply, what, status):
    ok = check(f"{what}: status {status}", reply.status == status,
               f"{reply.status} {reply.raw[:200]!r}")
    if 400 <= status < 500 and ok:
        j = reply.json
        check(f"{what}: error body {{error, detail}}",
              isinstance(j, dict) and isinstance(j.get("error"), str)
              and isinstance(j.get("detail"), str), reply.raw[:200])
    return ok and reply.json


def has_keys(what, obj, keys):
    return check(f"{what}: has {sorted(keys)}",
                 isinstance(obj, dict) and all(k in obj for k in keys), obj)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(header, claims, secret, digest=hashlib.sha256):
    signing = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    sig = b"" if secret is None else hmac.new(secret.encode(), signing.encode(), digest).digest()
    return signing + "." + b64(sig)


def basic(base, name):
    j = expect(request(base, "GET", "/health"), "GET /health", 200)
    check("health: status ok", j and j.get("status") == "ok", j)
    if name:
        check(f"health: server {name}", j and j.get("server") == name, j)
    body = {"message": "Hello, benchmark!", "timestamp": 1,
            "data": {"items": [1, 2, 3, 4, 5], "nested": {"key": "value"}}}
    j = expect(request(base, "POST", "/echo", body), "POST /echo", 200)
    check("echo: message and data echoed", j and j.get("message") == body["message"]
          and j.get("data") == body["data"], j)
    expect(request(base, "POST", "/echo", {"data": {}}), "POST /echo without message", 422)
    expect(request(base, "POST", "/echo", {"message": 5}), "POST /echo message not a string", 422)
    r = request(base, "POST", "/echo", b"{not json", content_type="application/json")
    check("POST /echo bad JSON: 4xx", 400 <= r.status < 500, r.status)
    j = expect(request(base, "GET", "/no/such/path"), "GET unknown path", 404)

    start = time.monotonic()
    j = expect(request(base, "GET", "/external"), "GET /external", 200)
    check("external: waited >= 95 ms", time.monotonic() - start >= 0.095)
    check("external: fields", j and j.get("source") == "simulated_external_api"
          and j.get("latency_ms", 0) >= 95
          and j.get("data") == {"message": "External API response"}, j)

    expect(request(base, "GET", "/protected"), "GET /protected without token", 401)
    expect(request(base, "GET", "/protected", headers={"Authorization": "Bearer short"}),
           "GET /protected short token", 401)
    expect(request(base, "GET", "/protected", headers={"Authorization": "Basic test-token-12345"}),
           "GET /protected not bearer", 401)
    r = request(base, "GET", "/protected",
                headers={"Authorization": "Bearer test-token-12345", "X-Request-Id": "req-1-2"})
    j = expect(r, "GET /protected", 200)
    check("protected: fields", j == {"message": "Access granted", "user": "user_from_token_test-tok"}, j)
    check("protected: X-Request-Id echoed", r.headers.get("X-Request-Id") == "req-1-2",
          r.headers.get("X-Request-Id"))

    boundary = "benchlab" + uuid.uuid4().hex
    content = (b"0123456789abcdef" * 64)
    parts = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"test.txt\"\r\n"
             f"Content-Type: text/plain\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    j = expect(request(base, "POST", "/upload", parts,
                       content_type=f"multipart/form-data; boundary={boundary}"), "POST /upload", 200)
    check("upload: fields", j and j.get("filename") == "test.txt" and j.get("size") == 1024
          and str(j.get("content_type", "")).startswith("text/plain"), j)
    other = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n"
             f"--{boundary}--\r\n").encode()
    expect(request(base, "POST", "/upload", other,
                   content_type=f"multipart/form-data; boundary={boundary}"),
           "POST /upload without file field", 422)


def external_http(base):
    j = expect(request(base, "GET", "/external/http"), "GET /external/http", 200)
    check("external/http: fields", j and j.get("source") == "upstream"
          and isinstance(j.get("latency_ms"), (int, float)) and isinstance(j.get("data"), dict), j)


USER_KEYS = {"id", "name", "email", "created_at"}


def users(base):
    j = expect(request(base, "GET", "/users"), "GET /users", 200)
    check("users: non-empty array of users", isinstance(j, list) and len(j) > 0
          and all(set(u) == USER_KEYS for u in j), j and j[:1])
    j = expect(request(base, "GET", "/users/1"), "GET /users/1", 200)
    check("users/1: fields", isinstance(j, dict) and set(j) == USER_KEYS and j["id"] == 1, j)
    expect(request(base, "GET", "/users/2147483000"), "GET /users/absent", 404)
    # An integer no serial column can hold names no row: 404, not 422 or 500.
    for uid in ("0", "-1", "99999999999"):
        expect(request(base, "GET", f"/users/{uid}"), f"GET /users/{uid}", 404)
    r = request(base, "GET", "/users/abc")
    check("GET /users/abc: 4xx", r.status in (400, 404, 422), r.status)

    email = f"conformance-{uuid.uuid4().hex}@example.com"
    j = expect(request(base, "POST", "/users", {"name": "Conformance", "email": email}),
               "POST /users", 201)
    if not check("POST /users: created row", isinstance(j, dict) and j.get("email") == email
                 and j.get("name") == "Conformance" and isinstance(j.get("id"), int)
                 and j.get("created_at"), j):
        return
    uid = j["id"]
    expect(request(base, "POST", "/users", {"name": "Again", "email": email}),
           "POST /users duplicate email", 409)
    expect(request(base, "POST", "/users", {"name": "No email"}), "POST /users missing email", 422)
    expect(request(base, "POST", "/users", {"name": 3, "email": "x@example.com"}),
           "POST /users name not a string", 422)
    j = expect(request(base, "PUT", f"/users/{uid}", {"name": "Renamed"}), "PUT /users/id", 200)
    check("PUT: partial update", j and j.get("name") == "Renamed" and j.get("email") == email, j)
    expect(request(base, "PUT", "/users/2147483000", {"name": "x"}), "PUT /users/absent", 404)
    r = request(base, "DELETE", f"/users/{uid}")
    check("DELETE /users/id: 204", r.status == 204, r.status)
    expect(request(base, "DELETE", f"/users/{uid}"), "DELETE /users/id again", 404)

    j = expect(request(base, "GET", "/users/offset?page=2&size=10"), "GET /users/offset", 200)
    if check("offset: fields", isinstance(j, dict) and {"items", "total", "page", "size",
                                                         "total_pages"} <= set(j), j):
        check("offset: page of 10 in id order", len(j["items"]) == 10 and j["page"] == 2
              and j["size"] == 10 and [u["id"] for u in j["items"]] == sorted(u["id"] for u in j["items"]), j)
        check("offset: total_pages", j["total_pages"] == math.ceil(j["total"] / 10), j)
        first = expect(request(base, "GET", "/users/offset?page=1&size=10"), "offset page 1", 200)
        check("offset: page 2 follows page 1", first and first["items"][-1]["id"] < j["items"][0]["id"])
    for q in ("page=0&size=10", "page=1&size=0", "page=1&size=101", "page=x"):
        expect(request(base, "GET", f"/users/offset?{q}"), f"GET /users/offset?{q}", 422)

    j = expect(request(base, "GET", "/users/cursor?cursor=0&size=5"), "GET /users/cursor", 200)
    if check("cursor: fields", isinstance(j, dict) and {"items", "next_cursor", "size"} <= set(j), j):
        check("cursor: 5 items, next_cursor = last id", len(j["items"]) == 5
              and j["next_cursor"] == j["items"][-1]["id"], j)
        nxt = expect(request(base, "GET", f"/users/cursor?cursor={j['next_cursor']}&size=5"),
                     "cursor next page", 200)
        check("cursor: next page starts after cursor",
              nxt and nxt["items"][0]["id"] > j["next_cursor"], nxt)
    j = expect(request(base, "GET", "/users/cursor?cursor=2147483000&size=5"), "cursor at end", 200)
    check("cursor: end has next_cursor null", j and j["items"] == [] and j["next_cursor"] is None, j)
    for q in ("size=0", "size=101", "cursor=-1"):
        expect(request(base, "GET", f"/users/cursor?{q}"), f"GET /users/cursor?{q}", 422)


def columns(base):
    expect_cols = {"narrow": {"status"}, "wide": {"country", "preferences", "login_count"},
                   "extra-wide": {"field_01", "field_45"}}
    for width, cols in expect_cols.items():
        j = expect(request(base, "GET", f"/column-overhead/{width}?limit=7"), f"columns {width}", 200)
        check(f"columns {width}: 7 rows with {sorted(cols)}", isinstance(j, list) and len(j) == 7
              and all(cols <= set(r) and {"id", "name", "email"} <= set(r) for r in j), j and j[:1])
        if width == "wide" and j:
            check("columns wide: preferences is an object", isinstance(j[0].get("preferences"), dict), j[0])
    j = expect(request(base, "GET", "/column-overhead/narrow"), "columns default limit", 200)
    check("columns: default limit 100", isinstance(j, list) and len(j) == 100, j and len(j))
    for kind in ("int", "varchar", "text", "jsonb", "timestamp", "uuid"):
        j = expect(request(base, "GET", f"/column-overhead/type/{kind}?limit=3"), f"type {kind}", 200)
        if not check(f"type {kind}: 3 rows of 8 columns", isinstance(j, list) and len(j) == 3
                     and all(len(r) == 8 for r in j), j and j[:1]):
            continue
        extra = [v for k, v in j[0].items() if k not in ("id", "name", "email")]
        if kind == "jsonb":
            check("type jsonb: objects", all(isinstance(v, dict) for v in extra), extra)
        elif kind == "uuid":
            check("type uuid: uuid strings", all(isinstance(v, str) and len(v) == 36 for v in extra), extra)
        elif kind == "int":
            check("type int: integers", all(isinstance(v, int) for v in extra), extra)
        else:
            check(f"type {kind}: strings", all(isinstance(v, str) for v in extra), extra)
    for q in ("narrow?limit=0", "narrow?limit=1001", "wide?limit=abc", "type/int?limit=0"):
        expect(request(base, "GET", f"/column-overhead/{q}"), f"columns {q}", 422)
    expect(request(base, "GET", "/column-overhead/huge"), "columns unknown width", 404)
    expect(request(base, "GET", "/column-overhead/type/money"), "columns unknown type", 404)


def n_plus_one(base):
    results = {}
    for s in ("lazy", "eager", "subquery"):
        j = expect(request(base, "GET", f"/n-plus-one/{s}?limit=4&offset=10"), f"n-plus-one {s}", 200)
        check(f"n-plus-one {s}: 4 authors with posts", isinstance(j, list) and len(j) == 4 and all(
            {"id", "name", "email", "bio", "created_at", "posts"} <= set(a) and isinstance(a["posts"], list)
            for a in j), j and j[:1])
        if j and j[0]["posts"]:
            has_keys(f"n-plus-one {s}: post", j[0]["posts"][0],
                     {"id", "title", "content", "view_count", "created_at"})
        results[s] = j
    check("n-plus-one: the three strategies agree (authors 11..14, posts in id order)",
          results["lazy"] == results["eager"] == results["subquery"]
          and results["lazy"] and results["lazy"][0]["id"] == 11)
    j = expect(request(base, "GET", "/n-plus-one/eager"), "n-plus-one default limit", 200)
    check("n-plus-one: default limit 20", isinstance(j, list) and len(j) == 20, j and len(j))
    for q in ("lazy?limit=0", "eager?limit=101", "subquery?offset=-1"):
        expect(request(base, "GET", f"/n-plus-one/{q}"), f"n-plus-one {q}", 422)
    expect(request(base, "GET", "/n-plus-one/magic"), "n-plus-one unknown", 404)


def bulk(base):
    def run(op, n):
        j = expect(request(base, "POST", f"/bulk-operations/{op}?count={n}"), f"bulk {op}", 200)
        check(f"bulk {op}: fields", isinstance(j, dict) and j.get("operation") == op
              and j.get("count") == n and isinstance(j.get("elapsed_ms"), (int, float)), j)

    def cleanup():
        j = expect(request(base, "DELETE", "/bulk-operations/cleanup"), "bulk cleanup", 200)
        check("bulk cleanup: message", isinstance(j, dict) and isinstance(j.get("message"), str), j)

    for op in ("insert-individual", "insert-batch", "insert-raw"):
        cleanup()
        run(op, 30)
    cleanup()
    run("insert-raw", 40)
    run("update-individual", 40)
    run("update-bulk", 40)
    for q in ("insert-raw?count=0", "insert-raw?count=10001", "update-bulk?count=x"):
        expect(request(base, "POST", f"/bulk-operations/{q}"), f"bulk {q}", 422)
    expect(request(base, "POST", "/bulk-operations/insert-magic?count=1"), "bulk unknown", 404)
    cleanup()


PRODUCT_KEYS = {"id", "name", "stock", "version", "updated_at"}
DECREMENT_KEYS = {"success", "method", "product_id", "old_stock", "new_stock", "retries",
                  "elapsed_ms", "error"}


def product(base, pid):
    j = expect(request(base, "GET", f"/transactions/products/{pid}"), f"product {pid}", 200)
    has_keys(f"product {pid}", j, PRODUCT_KEYS)
    return j or {}


def decrement(base, method, pid, qty=1):
    return request(base, "POST", f"/transactions/decrement/{method}?product_id={pid}&quantity={qty}")


def transactions(base):
    j = expect(request(base, "POST", "/transactions/reset"), "transactions reset", 200)
    check("reset: message", isinstance(j, dict) and "message" in j, j)
    check("after reset: stock 1000, version 0",
          all(product(base, p).get("stock") == 1000 and product(base, p).get("version") == 0
              for p in (1, 2, 3, 4)))
    for pid, method in ((1, "no-lock"), (2, "pessimistic"), (3, "optimistic"), (4, "serializable")):
        j = expect(decrement(base, method, pid), f"decrement {method}", 200)
        check(f"decrement {method}: result", isinstance(j, dict) and set(j) >= DECREMENT_KEYS
              and j["success"] is True and j["method"] == method and j["product_id"] == pid
              and j["old_stock"] == 1000 and j["new_stock"] == 999 and j["error"] is None, j)
    check("optimistic bumps the version", product(base, 3).get("version") == 1)

    # Contention: 16 concurrent decrements per strategy.
    def burst(method, pid, n=16):
        with concurrent.futures.ThreadPoolExecutor(n) as pool:
            return [r.json for r in pool.map(lambda _: decrement(base, method, pid), range(n))]
    outs = burst("pessimistic", 2)
    check("pessimistic under contention: every request succeeds",
          all(o and o["success"] for o in outs), outs)
    check("pessimistic under contention: stock exact", product(base, 2).get("stock") == 999 - 16)
    outs = burst("optimistic", 3)
    wins = sum(1 for o in outs if o and o["success"])
    check("optimistic under contention: no lost update",
          product(base, 3).get("stock") == 999 - wins and wins >= 1, outs)
    check("optimistic: failures say why, retries <= 5",
          all(o and o["retries"] <= 5 and (o["success"] or o["error"]) for o in outs), outs)
    outs = burst("serializable", 4)
    wins = sum(1 for o in outs if o and o["success"])
    check("serializable under contention: no lost update",
          product(base, 4).get("stock") == 999 - wins and wins >= 1, outs)
    check("serializable: failures reported with an error, not retried",
          all(o and (o["success"] or (o["error"] and o["retries"] == 0)) for o in outs), outs)

    j = expect(decrement(base, "pessimistic", 5, 5000), "decrement more than stock", 200)
    check("more than stock: success false with error, stock unchanged in the answer",
          j and j["success"] is False and j["error"] and j["old_stock"] == 1000
          and j["new_stock"] == 1000, j)
    check("more than stock: stock unchanged", product(base, 5).get("stock") == 1000)
    expect(decrement(base, "no-lock", 2147483000), "decrement absent product", 404)
    expect(decrement(base, "teleport", 1), "decrement unknown method", 404)
    expect(decrement(base, "no-lock", 1, 0), "decrement quantity 0", 422)
    expect(request(base, "GET", "/transactions/products/2147483000"), "absent product", 404)
    request(base, "POST", "/transactions/reset")


def caching(base):
    expect(request(base, "DELETE", "/cache/flush"), "cache flush", 200)
    j = expect(request(base, "GET", "/cache/users/7/no-cache"), "no-cache", 200)
    check("no-cache: fields", isinstance(j, dict) and j.get("source") == "database"
          and j.get("user_id") == 7 and "name" in j and "email" in j and "elapsed_ms" in j, j)
    j = expect(request(base, "GET", "/cache/users/7/cached"), "cached miss", 200)
    check("cached: first read from the database", j and j.get("source") == "database"
          and j.get("user_id") == 7, j)
    j2 = expect(request(base, "GET", "/cache/users/7/cached"), "cached hit", 200)
    check("cached: second read from the cache, same user", j2 and j2.get("source") == "cache"
          and j2.get("name") == j.get("name") and j2.get("email") == j.get("email"), j2)
    j = expect(request(base, "DELETE", "/cache/users/7"), "delete cache key", 200)
    check("delete key: deleted, success", j and j.get("deleted") in (True, 1)
          and j.get("success") is True, j)
    j = expect(request(base, "GET", "/cache/users/7/cached"), "cached after delete", 200)
    check("cached after delete: database", j and j.get("source") == "database", j)
    j = expect(request(base, "POST", "/cache/warmup?count=12"), "cache warmup", 200)
    check("warmup: warmed 12", j and j.get("warmed_count") == 12 and "elapsed_ms" in j, j)
    j = expect(request(base, "GET", "/cache/users/12/cached"), "cached after warmup", 200)
    check("cached after warmup: cache", j and j.get("source") == "cache", j)
    expect(request(base, "GET", "/cache/users/2147483000/no-cache"), "no-cache absent user", 404)
    expect(request(base, "GET", "/cache/users/2147483000/cached"), "cached absent user", 404)
    expect(request(base, "GET", "/cache/users/0/cached"), "cached user 0", 404)
    expect(request(base, "GET", "/cache/users/99999999999/no-cache"), "no-cache user beyond int4", 404)
    for q in ("count=0", "count=1001"):
        expect(request(base, "POST", f"/cache/warmup?{q}"), f"warmup {q}", 422)
    j = expect(request(base, "DELETE", "/cache/flush"), "cache flush", 200)
    check("flush: message", isinstance(j, dict) and "message" in j, j)
    j = expect(request(base, "GET", "/cache/users/12/cached"), "cached after flush", 200)
    check("cached after flush: database", j and j.get("source") == "database", j)
    request(base, "DELETE", "/cache/flush")


def auth(base, secret):
    j = expect(request(base, "GET", "/auth/public"), "auth public", 200)
    check("public: fields", j == {"message": "public endpoint", "authenticated": False}, j)
    j = expect(request(base, "POST", "/auth/login/jwt?user_id=3"), "login jwt", 200)
    check("login jwt: fields", isinstance(j, dict) and j.get("token_type") == "bearer"
          and isinstance(j.get("access_token"), str) and "elapsed_ms" in j, j)
    token = (j or {}).get("access_token", "")
    if token.count(".") == 2:
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        check("jwt: HS256 header", header.get("alg") == "HS256", header)
        check("jwt: sub, email, exp = now + 1800 s", str(claims.get("sub")) == "3" and "email" in claims
              and abs(claims.get("exp", 0) - time.time() - 1800) < 120, claims)
    bearer = lambda t: {"Authorization": f"Bearer {t}"}  # noqa: E731
    j = expect(request(base, "GET", "/auth/protected/jwt", headers=bearer(token)), "protected jwt", 200)
    check("protected jwt: fields", isinstance(j, dict) and j.get("auth_type") == "jwt"
          and j.get("user_id") == 3 and "email" in j and "message" in j and "elapsed_ms" in j, j)
    expect(request(base, "GET", "/auth/protected/jwt"), "protected jwt without token", 401)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    expect(request(base, "GET", "/auth/protected/jwt", headers=bearer(tampered)), "jwt bad signature", 401)
    exp = int(time.time()) + 600
    none_token = make_jwt({"alg": "none", "typ": "JWT"}, {"sub": "3", "email": "x", "exp": exp}, None)
    expect(request(base, "GET", "/auth/protected/jwt", headers=bearer(none_token)), "jwt alg none", 401)
    if secret:
        good = make_jwt({"alg": "HS256", "typ": "JWT"}, {"sub": "3", "email": "x", "exp": exp}, secret)
        expect(request(base, "GET", "/auth/protected/jwt", headers=bearer(good)), "jwt made with the secret", 200)
        hs384 = make_jwt({"alg": "HS384", "typ": "JWT"}, {"sub": "3", "email": "x", "exp": exp},
                         secret, hashlib.sha384)
        expect(request(base, "GET", "/auth/protected/jwt", headers=bearer(hs384)), "jwt alg HS384", 401)
        old = make_jwt({"alg": "HS256", "typ": "JWT"}, {"sub": "3", "email": "x", "exp": exp - 4000}, secret)
        expect(request(base, "GET", "/auth/protected/jwt", headers=bearer(old)), "jwt expired", 401)
        ghost = make_jwt({"alg": "HS256", "typ": "JWT"}, {"sub": "2147483000", "exp": exp}, secret)
        expect(request(base, "GET", "/auth/protected/jwt", headers=bearer(ghost)), "jwt for absent user", 401)
    expect(request(base, "POST", "/auth/login/jwt?user_id=2147483000"), "login jwt absent user", 401)
    expect(request(base, "POST", "/auth/login/jwt?user_id=0"), "login jwt user 0", 401)
    expect(request(base, "POST", "/auth/login/jwt?user_id=abc"), "login jwt user_id not an integer", 422)
    expect(request(base, "POST", "/auth/login/jwt"), "login jwt without user_id", 422)

    j = expect(request(base, "POST", "/auth/login/session?user_id=4"), "login session", 200)
    check("login session: fields", isinstance(j, dict) and j.get("token_type") == "session"
          and len(j.get("session_token", "")) >= 43 and "elapsed_ms" in j, j)
    sess = (j or {}).get("session_token", "")
    j = expect(request(base, "GET", "/auth/protected/session", headers=bearer(sess)), "protected session", 200)
    check("protected session: fields", isinstance(j, dict) and j.get("auth_type") == "session"
          and j.get("user_id") == 4 and "email" in j and "elapsed_ms" in j, j)
    expect(request(base, "GET", "/auth/protected/session", headers=bearer("nosuchsession0123456789")),
           "protected session unknown token", 401)
    expect(request(base, "GET", "/auth/protected/session"), "protected session without token", 401)
    expect(request(base, "POST", "/auth/login/session?user_id=2147483000"), "login session absent user", 401)


def aggregation(base):
    orm = expect(request(base, "GET", "/aggregation/count/orm"), "count orm", 200)
    raw = expect(request(base, "GET", "/aggregation/count/raw"), "count raw", 200)
    check("count: orm == raw", orm == raw and orm is not None, (orm, raw))
    check("count: fields", isinstance(raw, dict) and raw.get("count_star", 0) > 0
          and raw.get("count_id") == raw.get("count_star")
          and raw.get("count_distinct_status", 0) >= 1, raw)

    def close(a, b):
        if isinstance(a, float) or isinstance(b, float):
            return abs(float(a) - float(b)) < 1e-6 * max(1.0, abs(float(a)))
        return a == b

    def same(x, y):
        return isinstance(x, list) and isinstance(y, list) and len(x) == len(y) and all(
            set(p) == set(q) and all(close(p[k], q[k]) for k in p) for p, q in zip(x, y))

    for what, keys in (("country", {"country", "user_count", "total_logins", "avg_logins"}),
                       ("author", {"author_id", "author_name", "post_count", "total_views", "avg_views"})):
        orm = expect(request(base, "GET", f"/aggregation/stats/{what}/orm?limit=5"), f"{what} orm", 200)
        raw = expect(request(base, "GET", f"/aggregation/stats/{what}/raw?limit=5"), f"{what} raw", 200)
        check(f"{what}: 5 rows with {sorted(keys)}", isinstance(raw, list) and len(raw) == 5
              and all(set(r) == keys for r in raw), raw)
        count = "user_count" if what == "country" else "post_count"
        check(f"{what}: ordered by count desc", raw and all(
            raw[i][count] >= raw[i + 1][count] for i in range(len(raw) - 1)), raw)
        check(f"{what}: orm == raw", same(orm, raw), (orm, raw))
    expect(request(base, "GET", "/aggregation/count/sql"), "aggregation unknown variant", 404)
    expect(request(base, "GET", "/aggregation/stats/country/raw?limit=0"), "country limit 0", 422)


def server_config(base):
    start = time.monotonic()
    j = expect(request(base, "GET", "/io/sleep"), "io sleep", 200)
    check("io sleep: fields, waited 100 ms", isinstance(j, dict) and "status" in j and "slept" in j
          and j.get("slept_ms", 0) >= 95 and time.monotonic() - start >= 0.095, j)
    j = expect(request(base, "GET", "/io/db"), "io db", 200)
    check("io db: count and authors", isinstance(j, dict) and j.get("count") == len(j.get("authors", []))
          and j["count"] > 0 and all({"id", "name", "email", "post_count", "total_views"} <= set(a)
                                     for a in j["authors"]), j and j.get("count"))
    j = expect(request(base, "GET", "/cpu/fibonacci?n=20"), "fibonacci 20", 200)
    check("fibonacci(20) = 6765", j == {"n": 20, "result": 6765}, j)
    j = expect(request(base, "GET", "/cpu/fibonacci"), "fibonacci default", 200)
    check("fibonacci default n=32", j == {"n": 32, "result": 2178309}, j)
    for q in ("n=-1", "n=1000", "n=x"):
        expect(request(base, "GET", f"/cpu/fibonacci?{q}"), f"fibonacci {q}", 422)
    j = expect(request(base, "GET", "/cpu/hash"), "cpu hash", 200)
    check("hash: bcrypt length 60", isinstance(j, dict) and j.get("hash_length") == 60 and "status" in j, j)
    j = expect(request(base, "GET", "/cpu/json-serialize"), "json serialize", 200)
    check("json-serialize: 10000 items", isinstance(j, dict) and j.get("items") == 10000
          and j.get("bytes", 0) > 400000, j)
    j = expect(request(base, "GET", "/mixed/report"), "mixed report", 200)
    if check("mixed report: fields", isinstance(j, dict) and {"summary", "top_by_posts", "top_by_views"} <= set(j), j):
        tp, tv = j["top_by_posts"], j["top_by_views"]
        check("mixed report: top 10 lists, sorted",
              len(tp) == 10 and len(tv) == 10
              and all(tp[i]["post_count"] >= tp[i + 1]["post_count"] for i in range(9))
              and all(tv[i]["total_views"] >= tv[i + 1]["total_views"] for i in range(9)), j)
        check("mixed report: top entries are {id, name, count}",
              all(set(a) == {"id", "name", "post_count"} for a in tp)
              and all(set(a) == {"id", "name", "total_views"} for a in tv), tp[:1] + tv[:1])
        s = j["summary"]
        check("mixed report: summary", isinstance(s, dict) and s.get("total_authors", 0) > 0
              and {"total_posts", "total_views", "avg_posts_per_author", "avg_views_per_post",
                   "json_bytes"} <= set(s), s)


def search(base):
    """Scenario 19: like and trgm return the same rows; fts rows hold the term's
    lexeme (the corpus's words are their own lexemes, so here fts finds the
    same rows too); LIKE's metacharacters match themselves."""
    def run(q, method, limit=100):
        return request(base, "GET", f"/search/posts?q={urllib.parse.quote(q)}&method={method}&limit={limit}")
    j = expect(run("a", "like", 1), "search: any post", 200)
    items = (j or {}).get("items") or [{}]
    term = (items[0].get("body") or "x").split()[0]
    got = {}
    for method in ("like", "trgm", "fts"):
        j = expect(run(term, method), f"search {method} {term}", 200)
        if not check(f"search {method}: fields", isinstance(j, dict) and j.get("method") == method
                     and j.get("q") == term and isinstance(j.get("items"), list)
                     and j.get("count") == len(j["items"]), j):
            continue
        rows = j["items"]
        got[method] = [r.get("id") for r in rows]
        check(f"search {method}: rows have id, title, body, created_at",
              all(set(r) == {"id", "title", "body", "created_at"} for r in rows), rows[:1])
        check(f"search {method}: some rows, at most limit", 1 <= len(rows) <= 100, len(rows))
        check(f"search {method}: newest first", got[method] == sorted(got[method], reverse=True), got[method][:5])
        if method == "fts":
            check("search fts: every row holds the term's lexeme",
                  all(term in r.get("body", "").lower().split() for r in rows), rows[:1])
        else:
            check(f"search {method}: every row contains the term",
                  all(term in r.get("body", "").lower() for r in rows), rows[:1])
    check("search: like and trgm return the same rows", got.get("like") == got.get("trgm"),
          (got.get("like", [])[:5], got.get("trgm", [])[:5]))
    check("search: fts returns those rows too (whole-word term)", got.get("fts") == got.get("like"),
          (got.get("fts", [])[:5], got.get("like", [])[:5]))
    for method in ("like", "trgm"):
        j = expect(run(term.upper(), method), f"search {method} upper case", 200)
        check(f"search {method}: case-insensitive", [r.get("id") for r in (j or {}).get("items", [])]
              == got.get(method), j and j.get("count"))
        # unescaped, the first two would match the term; escaped, none of these matches
        for q in (term[:3] + "_" + term[4:], term[:3] + "%" + term[3:], term + "\\"):
            j = expect(run(q, method, 5), f"search {method} {q!r}", 200)
            check(f"search {method}: {q!r}: % _ \\ match themselves (no such text in the corpus)",
                  isinstance(j, dict) and j.get("items") == [], j)
    j = expect(run(term, "like", 3), "search limit 3", 200)
    check("search limit 3: the 3 newest", [r.get("id") for r in (j or {}).get("items", [])]
          == got.get("like", [])[:3], j)
    expect(request(base, "GET", "/search/posts?method=like"), "search without q", 422)
    expect(request(base, "GET", "/search/posts?q=&method=like"), "search empty q", 422)
    expect(request(base, "GET", "/search/posts?q=" + "a" * 101 + "&method=like"), "search q of 101", 422)
    expect(request(base, "GET", f"/search/posts?q={term}"), "search without method", 422)
    expect(request(base, "GET", f"/search/posts?q={term}&method=regex"), "search bad method", 422)
    expect(request(base, "GET", f"/search/posts?q={term}&method=fts&limit=0"), "search limit 0", 422)
    expect(request(base, "GET", f"/search/posts?q={term}&method=fts&limit=101"), "search limit 101", 422)


def flow(base):
    """Scenario 20: login (bcrypt) -> token -> feed -> write -> read back."""
    def login(email, password):
        return request(base, "POST", "/flow/login", {"email": email, "password": password})
    j = expect(login("account5@example.com", "benchlab-password"), "flow login", 200)
    check("flow login: fields", isinstance(j, dict) and j.get("token_type") == "bearer"
          and j.get("account_id") == 5 and isinstance(j.get("access_token"), str) and "elapsed_ms" in j, j)
    token = (j or {}).get("access_token", "")
    if token.count(".") == 2:
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        check("flow jwt: sub is the account", str(claims.get("sub")) == "5", claims)
    expect(login("account5@example.com", "wrong-password"), "flow login wrong password", 401)
    expect(login("nobody@example.com", "benchlab-password"), "flow login unknown email", 401)
    expect(request(base, "POST", "/flow/login", {"email": "account5@example.com"}), "flow login without password", 422)
    expect(request(base, "POST", "/flow/login", ["account5@example.com"]), "flow login body not an object", 422)
    auth = {"Authorization": f"Bearer {token}"}
    j = expect(request(base, "GET", "/flow/feed?limit=5", headers=auth), "flow feed", 200)
    items = (j or {}).get("items") or []
    ids = [r.get("id") for r in items]
    check("flow feed: the account's 5 newest, joined with the author",
          isinstance(j, dict) and j.get("account_id") == 5 and len(items) == 5
          and ids == sorted(ids, reverse=True)
          and all(r.get("author_name") == "Account 5" and {"id", "title", "body", "created_at"} <= set(r)
                  for r in items), j)
    check("flow feed: next_before is the last id", (j or {}).get("next_before") == (ids[-1] if ids else None), j)
    if ids:
        j = expect(request(base, "GET", f"/flow/feed?limit=5&before={ids[-1]}", headers=auth), "flow feed page 2", 200)
        more = [r.get("id") for r in (j or {}).get("items", [])]
        check("flow feed page 2: older posts", len(more) == 5 and max(more) < ids[-1], more)
    expect(request(base, "GET", "/flow/feed"), "flow feed without token", 401)
    expect(request(base, "GET", "/flow/feed", headers={"Authorization": "Bearer not.a.jwt"}), "flow feed bad token", 401)
    expect(request(base, "GET", "/flow/feed?limit=0", headers=auth), "flow feed limit 0", 422)
    expect(request(base, "GET", "/flow/feed?limit=101", headers=auth), "flow feed limit 101", 422)
    title = f"conformance {uuid.uuid4()}"
    j = expect(request(base, "POST", "/flow/posts", {"title": title, "body": "hello"}, headers=auth), "flow write", 201)
    check("flow write: the row", isinstance(j, dict) and j.get("account_id") == 5 and j.get("title") == title
          and j.get("body") == "hello" and isinstance(j.get("id"), int) and "created_at" in j, j)
    pid = (j or {}).get("id", 0)
    back = expect(request(base, "GET", f"/flow/posts/{pid}", headers=auth), "flow read back", 200)
    check("flow read back: the written row", back == j, back)
    j = expect(request(base, "GET", "/flow/feed?limit=1", headers=auth), "flow feed after write", 200)
    check("flow feed after write: the new post first",
          [r.get("id") for r in (j or {}).get("items", [])] == [pid], j)
    other = (login("account6@example.com", "benchlab-password").json or {}).get("access_token", "")
    expect(request(base, "GET", f"/flow/posts/{pid}", headers={"Authorization": f"Bearer {other}"}),
           "flow read another account's post", 404)
    expect(request(base, "GET", "/flow/posts/2147483000", headers=auth), "flow read absent post", 404)
    expect(request(base, "GET", "/flow/posts/abc", headers=auth), "flow read post id not an integer", 422)
    expect(request(base, "GET", f"/flow/posts/{pid}"), "flow read without token", 401)
    expect(request(base, "POST", "/flow/posts", {"title": "", "body": "x"}, headers=auth), "flow write empty title", 422)
    expect(request(base, "POST", "/flow/posts", {"title": "t" * 201, "body": "x"}, headers=auth),
           "flow write title of 201", 422)
    expect(request(base, "POST", "/flow/posts", {"title": "t", "body": 5}, headers=auth), "flow write body not a string", 422)
    expect(request(base, "POST", "/flow/posts", {"title": "t", "body": "x"}), "flow write without token", 401)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("--name", help="expected /health server name")
    ap.add_argument("--jwt-secret", help="the server's BENCHLAB_JWT_SECRET (enables more JWT checks)")
    ap.add_argument("--upstream", action="store_true", help="also check /external/http")
    ap.add_argument("--only", help="comma-separated groups to run (e.g. search,flow); default all")
    args = ap.parse_args()
    base = args.url.rstrip("/")
    groups = [("basic", lambda: basic(base, args.name)), ("users", lambda: users(base)),
              ("columns", lambda: columns(base)), ("n-plus-one", lambda: n_plus_one(base)),
              ("bulk", lambda: bulk(base)), ("transactions", lambda: transactions(base)),
              ("cache", lambda: caching(base)), ("auth", lambda: auth(base, args.jwt_secret)),
              ("aggregation", lambda: aggregation(base)), ("server-config", lambda: server_config(base)),
              ("search", lambda: search(base)), ("flow", lambda: flow(base))]
    if args.upstream:
        groups.append(("external-http", lambda: external_http(base)))
    if args.only:
        wanted = args.only.split(",")
        unknown = [w for w in wanted if w not in {name for name, _ in groups}]
        if unknown:
            ap.error(f"--only: unknown group(s) {', '.join(unknown)} "
                     f"(known: {', '.join(name for name, _ in groups)})")
        groups = [(name, run) for name, run in groups if name in wanted]
    for name, run in groups:
        before = len(failures)
        start = time.monotonic()
        try:
            run()
        except Exception as exc:  # a crash in one group must not hide the others
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
        print(f"{name}: {'ok' if len(failures) == before else 'FAILED'} "
              f"({time.monotonic() - start:.1f} s)")
    for f in failures:
        print("FAIL:", f)
    print(f"conformance: {passed} checks passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
