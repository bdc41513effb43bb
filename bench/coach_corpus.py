"""The coach on the project's labelled corpus: ranking, ordering and catch rates.

Usage: uv run python bench/coach_corpus.py [--heldout] [--verbose] [--stories 17-24]

Prints the probability that a strong answer outscores a weak one, how many
same-story triples come out strong > medium > weak, each flaw's catch rate
(its rule firing as a warning or a problem), and how many strong answers
carry any warning or problem. --verbose lists every answer's score, labels
and the rules that fired; --stories limits the run to a range of story
numbers; --heldout runs the later, independently written corpus instead.
The evaluation itself is in tests/coach_corpus.py, shared with the test
that holds these figures above a floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from coach_corpus import CORPUS, FLAW_RULES, HELDOUT, evaluate, load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--stories", help="a range of story numbers, e.g. 17-24")
    parser.add_argument("--heldout", action="store_true", help="the held-out corpus")
    args = parser.parse_args()

    folder = HELDOUT if args.heldout else CORPUS
    files = None
    if args.stories:
        low, _, high = args.stories.partition("-")
        numbers = range(int(low), int(high or low) + 1)
        files = [p.stem for p in folder.glob("*.toml") if int(p.stem[:2]) in numbers]
    answers = load(folder, files=files)
    if args.verbose:
        for a in answers:
            print(
                f"{a.story.partition('/')[2][:28]:28} {a.level:6} {a.report.score:3}  "
                f"labels={','.join(a.flaws) or '-':40} fired={','.join(a.flagged) or '-'}"
            )
            print("   ", {k: round(v, 1) for k, v in a.report.rubric.items()})
    figures = evaluate(answers)
    print(f"answers: {len(answers)} in {figures.stories} stories")
    print(f"strong above weak: {figures.strong_above_weak:.3f}")
    print(f"same-story triples ordered strong > medium > weak: {figures.ordered}/{figures.stories}")
    for flaw, rule in FLAW_RULES.items():
        hits, total = figures.caught[flaw]
        print(f"  {flaw:13} caught {hits:2}/{total:2}  by {rule}")
    print(f"strong answers with a warning or problem: {figures.strong_flagged}/{figures.strong}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
