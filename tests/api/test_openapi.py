"""docs/openapi.yaml documents every route the server registers (`xinyuan routes`).

Path placeholders may be named differently in the document ({id}, {need_id}, ...): both sides
are compared with every {anything} replaced by {}.
"""
import os
import re
import unittest

import yaml

from harness import run_cli

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC = os.path.join(ROOT, "docs", "openapi.yaml")
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def norm(path):
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


def routes():
    out = run_cli("routes").stdout
    pairs = []
    for line in out.splitlines():
        if not line.strip():
            continue
        method, path = line.split()
        pairs.append((method.upper(), path))
    return pairs


def load_spec():
    if not os.path.exists(SPEC):
        raise AssertionError(f"{SPEC} does not exist")
    with open(SPEC, encoding="utf-8") as f:
        return yaml.safe_load(f)


class OpenApi(unittest.TestCase):
    def test_routes_are_listed(self):
        pairs = routes()
        self.assertGreaterEqual(len(pairs), 20)
        self.assertIn(("POST", "/api/v1/needs/{id}/transitions"), pairs)
        self.assertEqual(len(pairs), len(set(pairs)), "a route is registered twice")

    def test_spec_is_openapi_3(self):
        spec = load_spec()
        self.assertIsInstance(spec, dict)
        self.assertTrue(str(spec.get("openapi", "")).startswith("3."), spec.get("openapi"))
        self.assertIsInstance(spec.get("paths"), dict)
        self.assertIn("info", spec)

    def test_every_route_is_documented(self):
        spec = load_spec()
        paths = spec.get("paths") or {}
        # prefix servers' base path when the document uses one (servers: [{url: /api/v1}])
        documented = {}
        bases = {""}
        for srv in spec.get("servers") or []:
            url = str(srv.get("url", ""))
            m = re.match(r"^(?:https?://[^/]+)?(/.*)?$", url)
            if m and m.group(1) and m.group(1) != "/":
                bases.add(m.group(1).rstrip("/"))
        for p, item in paths.items():
            if not isinstance(item, dict):
                continue
            methods = {k.lower() for k in item if k.lower() in METHODS}
            for base in bases:
                documented.setdefault(norm(base + p), set()).update(methods)
        missing = []
        for method, path in routes():
            if method.lower() not in documented.get(norm(path), set()):
                missing.append(f"{method} {path}")
        self.assertEqual(missing, [], "routes missing from docs/openapi.yaml")

    def test_documented_operations_have_responses(self):
        spec = load_spec()
        bad = []
        for p, item in (spec.get("paths") or {}).items():
            for m, op in (item or {}).items():
                if m.lower() in METHODS and not (isinstance(op, dict) and op.get("responses")):
                    bad.append(f"{m.upper()} {p}")
        self.assertEqual(bad, [], "operations without responses")


if __name__ == "__main__":
    unittest.main()
