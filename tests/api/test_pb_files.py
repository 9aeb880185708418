"""`xinyuan pb run|import|export` on the real Pabulib instances in ../shared/data/pabulib/: every
outcome given in outcomes.json, for every rule listed there, is reproduced by the binary
(selected set, total cost and selection order); a rule that does not apply exits 77, a
malformed file exits 2 with its line; a file imported into a round and exported again gives the
same outcomes. Runs on the backend of the suite (import/export use a database)."""
import json
import os
import tempfile
import unittest

from harness import ADMIN_PASSWORD, drop_database, new_database, run_cli

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.path.join(ROOT, "..", "shared", "data", "pabulib")


def outcomes():
    path = os.path.join(SHARED, "outcomes.json")
    if not os.path.exists(path):
        raise AssertionError(f"{path} is missing: the shared data must sit at ../shared")
    with open(path) as f:
        return json.load(f)["instances"]


def pb_run(path, rule):
    p = run_cli("pb", "run", path, "--rule", rule, check=False)
    return p.returncode, p.stdout.split(), p.stderr


class Outcomes(unittest.TestCase):
    def test_every_given_outcome(self):
        n = 0
        for name, inst in outcomes().items():
            path = os.path.join(SHARED, name)
            for rule, want in inst["results"].items():
                with self.subTest(file=name, rule=rule):
                    rc, got, err = pb_run(path, rule)
                    self.assertEqual(rc, 0, err)
                    self.assertEqual(got, want["selection_order"])
                    self.assertEqual(sorted(got), want["selected"])
                    n += 1
        self.assertGreaterEqual(n, 40)

    def test_rule_does_not_apply(self):
        warszawa = os.path.join(SHARED, "Poland_Warszawa_2017_Saska_Kepa.pb")
        for rule in ("greedy_points", "mes_points", "mes_points_add1_greedy"):
            rc, out, err = pb_run(warszawa, rule)
            self.assertEqual((rc, out), (77, []), err)
            self.assertIn("does not apply", err)
        rc, _, err = pb_run(warszawa, "phragmen")
        self.assertEqual(rc, 2, err)

    def test_malformed_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".pb", delete=False) as f:
            f.write("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\n"
                    "project_id;cost\n1;5\nVOTES\nvoter_id;vote\nv;1,2\n")
        rc, out, err = pb_run(f.name, "mes_cost")
        os.unlink(f.name)
        self.assertEqual((rc, out), (2, []))
        self.assertIn("line 10", err)
        self.assertIn("unknown project", err)
        rc, _, err = pb_run("/nonexistent.pb", "mes_cost")
        self.assertNotEqual(rc, 0)


class ImportExport(unittest.TestCase):
    def test_round_trip_through_a_round(self):
        db = new_database("pbfiles")
        try:
            run_cli("init", "--db", db, env={"XINYUAN_ADMIN_PASSWORD": ADMIN_PASSWORD})
            insts = outcomes()
            for name in ("Poland_Warszawa_2017_Saska_Kepa.pb", "Poland_Gdansk_2020_Stogi.pb"):
                p = run_cli("pb", "import", os.path.join(SHARED, name), "--area", "1",
                            "--rule", "mes_cost", "--db", db)
                rid = p.stdout.strip()
                self.assertTrue(rid.isdigit(), p.stdout)
                out = os.path.join(tempfile.mkdtemp(), "round.pb")
                run_cli("pb", "export", rid, "--out", out, "--db", db)
                with open(out, encoding="utf-8") as f:
                    text = f.read()
                self.assertIn("currency;CNY", text)
                for rule, want in insts[name]["results"].items():
                    with self.subTest(file=name, rule=rule):
                        rc, got, err = pb_run(out, rule)
                        self.assertEqual(rc, 0, err)
                        self.assertEqual(got, want["selection_order"])
            p = run_cli("pb", "export", "999", "--db", db, check=False)
            self.assertEqual(p.returncode, 2)
            p = run_cli("pb", "import", os.path.join(SHARED, "Poland_Gdansk_2020_Stogi.pb"),
                        "--area", "1", "--rule", "mes_points", "--db", db)
            self.assertTrue(p.stdout.strip().isdigit())
            p = run_cli("pb", "import", os.path.join(SHARED, "Poland_Lodz_2020_Im._Montwilla-Mireckiego.pb"),
                        "--area", "1", "--rule", "mes_points", "--db", db, check=False)
            self.assertEqual(p.returncode, 77, p.stderr)
            p = run_cli("audit", "verify", "--db", db)
            self.assertIn("audit chain ok", p.stdout)
        finally:
            drop_database(db)


if __name__ == "__main__":
    unittest.main()
