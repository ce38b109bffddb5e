"""Command line of the model fuzzer.

``python -m modelfuzz generate --seed 1 --count 500 --out DIR [--start N] [--model F ... | --public] [--kind K ...]``
writes mutants and ``DIR/manifest.jsonl``; ``python -m modelfuzz regressions --out DIR`` writes the named mutant of
every crash class found so far; ``python -m modelfuzz fresh --count 500 --out DIR --classpath CP`` is the fresh batch
every full build runs (see ``fresh.py``). ``io.litemodel.fuzz.FuzzRunner DIR OUT`` loads, runs and closes each mutant
in child JVMs and tallies the outcomes.
"""

import argparse
import glob
import os
import sys

from .generate import generate
from .mutations import KINDS
from .fresh import run as run_fresh
from .regressions import write as write_regressions

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))
DEFAULT_MODELS = sorted(glob.glob(os.path.join(REPO, "models", "*.tflite")))
PUBLIC_MODELS = sorted(glob.glob(os.path.join(REPO, "models", ".cache", "public", "*", "model.tflite")))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m modelfuzz", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write mutants and their manifest")
    gen.add_argument("--out", required=True, help="output folder (manifest.jsonl is appended to)")
    gen.add_argument("--seed", type=int, default=1, help="run seed (default 1)")
    gen.add_argument("--start", type=int, default=0, help="number of the first mutant (default 0)")
    gen.add_argument("--count", type=int, required=True, help="how many mutants")
    gen.add_argument("--model", action="append", help=".tflite to mutate (repeatable; default: every models/*.tflite)")
    gen.add_argument("--public", action="store_true",
                     help="mutate the conformance suite's public models (models/.cache/public/*/model.tflite) "
                          "instead of the reference models")
    gen.add_argument("--kind", action="append", choices=sorted(KINDS), help="mutation kind (repeatable; default all)")
    reg = commands.add_parser("regressions", help="write the named mutant of every crash class found so far")
    reg.add_argument("--out", required=True, help="output folder (manifest.jsonl is overwritten)")
    fresh = commands.add_parser("fresh", help="generate a batch seeded from the commit and run it through LiteModel")
    fresh.add_argument("--out", required=True, help="output folder (emptied first)")
    fresh.add_argument("--count", type=int, default=500, help="how many mutants in all (default 500)")
    fresh.add_argument("--classpath", required=True, help="Java class path with io.litemodel.fuzz.FuzzRunner")
    fresh.add_argument("--seed", type=int, help="seed (default: from the commit, or LITEMODEL_FUZZ_SEED)")
    args = parser.parse_args(argv)
    if args.command == "fresh":
        return run_fresh(REPO, args.out, args.count, args.classpath, args.seed)
    if args.command == "regressions":
        count = write_regressions(os.path.join(REPO, "models"), args.out)
        print(f"wrote {count} regression mutants to {args.out}")
        return 0
    models = args.model or (PUBLIC_MODELS if args.public else DEFAULT_MODELS)
    missing = [m for m in models if not os.path.isfile(m)]
    if missing or not models:
        print(f"error: no such model file: {', '.join(missing) or '(models/ is empty)'}", file=sys.stderr)
        return 1
    if args.count < 0 or args.start < 0:
        print("error: --count and --start must be >= 0", file=sys.stderr)
        return 1
    entries = generate(models, args.seed, args.start, args.count, args.out, args.kind)
    print(f"wrote {len(entries)} mutants of {len(models)} models to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
