"""Quick curation aid: check that every passage text is a verbatim span of its source.

Usage: python tools/check_verbatim.py corpus/passages/<file>.yaml ...
"""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent / "corpus"


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def main() -> int:
    sources = {s["id"]: s for s in yaml.safe_load((ROOT / "sources.yaml").read_text())["sources"]}
    bad = 0
    seen: set[str] = set()
    for name in sys.argv[1:]:
        data = yaml.safe_load(Path(name).read_text())
        for p in data["passages"]:
            src = sources[p["source"]]
            body = norm((ROOT / "sources" / src["file"]).read_text(encoding="utf-8"))
            if p["id"] in seen:
                print(f"{name}: duplicate id {p['id']}")
                bad += 1
            seen.add(p["id"])
            if norm(p["text"]) not in body:
                print(f"{name}: {p['id']}: text is not a verbatim span of {src['file']}")
                bad += 1
            n = len(p.get("questions") or [])
            if not 2 <= n <= 6:
                print(f"{name}: {p['id']}: {n} questions (want 2 to 6)")
                bad += 1
    print("ok" if not bad else f"{bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
