"""Fix (or, with --check, report) the French typography of student-facing files.

    .venv/bin/python scripts/fix_typography.py modules/*/lecon.md source/*/exercice.md
    .venv/bin/python scripts/fix_typography.py --check grader/feedback grader/grade

Folders are searched for .md, .py and .j2 files. The rules and the convention are in
grader/build/typography.py. After fixing a .md twin, sync its notebook with jupytext.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.build.typography import file_problems, fix_file  # noqa: E402

FOLDER_SUFFIXES = {".md", ".py", ".j2"}


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in FOLDER_SUFFIXES)
            )
        else:
            found.append(path)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="files or folders (.md, .py, .j2)")
    parser.add_argument("--check", action="store_true", help="only report; exit 1 on problems")
    args = parser.parse_args(argv)
    count = 0
    for path in _files(args.paths):
        if args.check:
            for line, message in file_problems(path):
                print(f"{path}:{line}: {message}")
                count += 1
        elif fix_file(path):
            print(f"fixed {path}")
    if args.check and count:
        print(f"{count} typography problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
