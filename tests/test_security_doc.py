"""SECURITY.md names, for each protection, the tests that prove it: every one must exist."""
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_every_test_named_in_security_md_exists():
    text = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    named = 0
    for row in text.splitlines():
        if not row.startswith("|"):
            continue
        current = None
        for ref in re.findall(r"`((?:tests/[\w/]+(?:\.py)?)?(?:::\w+\*?)?)`", row):
            path, _, name = ref.partition("::")
            if path:
                current = REPO / path
                assert current.exists(), ref
            if name:
                source = current.read_text(encoding="utf-8")
                pattern = r"def " + re.escape(name.rstrip("*")) + (r"\w*" if name.endswith("*") else r"\(")
                assert re.search(pattern, source), f"SECURITY.md names {ref}, which does not exist"
                named += 1
    assert named >= 15
