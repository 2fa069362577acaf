"""Write the golden expectations (run once, then check every row by hand):

    .venv/bin/python -m tests.unit.golden.make_golden
"""

from __future__ import annotations

from tests.unit.golden.cases import SEEDS, WIDTH, cases, golden_path, render_case


def main() -> None:
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        blocks = [f"# {seed.name} at width {WIDTH}; rows between | |, indent included"]
        for name, line in cases(text):
            rows = render_case(line)
            blocks.append("\n".join([f"# case: {name}", f"# logical: {line}", *rows]))
        golden_path(seed).write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
        print(golden_path(seed))


if __name__ == "__main__":
    main()
