"""The fresh batch of every full build (``mvn -Pfull verify``): new mutants each commit, run through LiteModel.

The seed comes from the commit (its first 28 bits; ``LITEMODEL_FUZZ_SEED`` or ``--seed`` override it) and is printed,
so every commit fuzzes mutants no earlier build saw, and any build's batch can be made again. Mutants are drawn from
every reference model (``models/*.tflite``) and, when ``models/public/gather.py`` has fetched them, from the 13 public
models of the conformance suite, ``PUBLIC_SHARE`` each (public models are 0.1 to 6 MB, so packing their mutants is what
costs time). The first mutant number also comes from the seed, so the kind each model gets turns from build to build.

``io.litemodel.fuzz.FuzzRunner`` then loads, runs and closes every mutant in child JVMs. The build fails on any crash,
hang or unclean exception, printing the seed, the mutant's kind and model, what it changed, and a command that makes
and runs that one mutant again; each such mutant is saved with a regression-corpus manifest line under
``OUT/new-regressions/``, ready to become a recipe in ``regressions.py``.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import time

from .generate import generate

PUBLIC_SHARE = 5
# Public mutant numbers start here, after the reference ones, so the two sets never share a number.
PUBLIC_OFFSET = 1_000_000
BAD = ("crash", "hang", "unclean")


def commit_seed(repo: str) -> tuple:
    """Returns (seed, where it came from): LITEMODEL_FUZZ_SEED, else the first 7 hex digits of HEAD."""
    if os.environ.get("LITEMODEL_FUZZ_SEED"):
        return int(os.environ["LITEMODEL_FUZZ_SEED"]), "LITEMODEL_FUZZ_SEED"
    commit = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    head = commit.stdout.strip()
    return int(head[:7], 16), "commit " + head[:12]


def run(repo: str, out: str, count: int, classpath: str, seed=None) -> int:
    """Generates and runs the batch; returns 0 when nothing crashed, hung or threw an unclean exception, else 1."""
    started = time.monotonic()
    source = "--seed"
    if seed is None:
        seed, source = commit_seed(repo)
    reference = sorted(glob.glob(os.path.join(repo, "models", "*.tflite")))
    public = sorted(glob.glob(os.path.join(repo, "models", ".cache", "public", "*", "model.tflite")))
    public_count = min(PUBLIC_SHARE * len(public), count // 2)
    start = (seed % 1000) * 1000
    shutil.rmtree(out, ignore_errors=True)
    mutants = os.path.join(out, "mutants")
    entries = _generate_at_least(reference, seed, start, count - public_count, mutants)
    if public:
        entries += _generate_at_least(public, seed, start + PUBLIC_OFFSET, public_count, mutants)
    generated = time.monotonic() - started
    print(f"fresh mutants: seed {seed} ({source}); {len(entries)} mutants: {count - public_count} drawn of "
          f"{len(reference)} reference models, {public_count} of {len(public)} public models"
          + ("" if public else " (models/.cache/public is empty: run models/public/gather.py)")
          + f"; generated in {generated:.0f} s", flush=True)
    java = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "java") if os.environ.get("JAVA_HOME") else "java"
    result = subprocess.run([java, "-cp", classpath, "io.litemodel.fuzz.FuzzRunner", mutants, os.path.join(out, "run")],
                            capture_output=True, text=True)
    print(result.stdout, end="")
    report = os.path.join(out, "run", "report.json")
    if not os.path.exists(report):
        print(result.stderr, file=sys.stderr)
        print(f"fresh mutants: FuzzRunner failed (exit {result.returncode}); seed {seed}", file=sys.stderr)
        return 1
    bad = _bad_results(out)
    print(f"fresh mutants: seed {seed}: {len(entries)} mutants, {_counts(out)}; "
          f"{time.monotonic() - started:.0f} s in all", flush=True)
    for entry in bad:
        _explain(repo, out, seed, entry)
    return 1 if bad or result.returncode != 0 else 0


def _generate_at_least(models, seed, start, count, out):
    """Like ``generate``, but draws further numbers while a kind found nothing to change in some model, so the batch
    really holds ``count`` mutants."""
    entries = []
    while len(entries) < count:
        missing = count - len(entries)
        entries += generate(models, seed, start, missing, out)
        start += missing
    return entries


def _results(out):
    by_id = {}
    with open(os.path.join(out, "mutants", "manifest.jsonl"), encoding="utf-8") as manifest:
        for line in manifest:
            entry = json.loads(line)
            by_id[entry["id"]] = entry
    with open(os.path.join(out, "run", "results.jsonl"), encoding="utf-8") as results:
        for line in results:
            result = json.loads(line)
            by_id[result["id"]].update(result)
    return list(by_id.values())


def _bad_results(out):
    return [entry for entry in _results(out) if entry.get("outcome") in BAD]


def _counts(out):
    tally = {}
    for entry in _results(out):
        tally[entry.get("outcome")] = tally.get(entry.get("outcome"), 0) + 1
    return ", ".join(f"{tally.get(k, 0)} {k}" for k in ("ok", "rejected", "run_error") + BAD)


def _explain(repo, out, seed, entry):
    public = entry["id"] >= PUBLIC_OFFSET
    again = os.path.join("target", "fuzz-repro")
    command = (f"rm -rf {again} {again}-run && (cd src/test/python && ../../../.venv/bin/python -m modelfuzz "
               f"generate --seed {seed} --start {entry['id']} --count 1{' --public' if public else ''} "
               f"--out ../../../{again}) && java -cp \"target/test-classes:target/classes:"
               f"$(cat target/test-classpath.txt)\" io.litemodel.fuzz.FuzzRunner {again} {again}-run")
    print(f"FAILED mutant #{entry['id']}: seed {seed}, kind {entry['kind']}, model {entry['model']}: "
          f"{entry['description']} -> {entry['outcome']}: {entry.get('detail')}", file=sys.stderr)
    print(f"  reproduce: {command}", file=sys.stderr)
    saved = os.path.join(out, "new-regressions")
    os.makedirs(saved, exist_ok=True)
    shutil.copy(os.path.join(out, "mutants", entry["file"]), os.path.join(saved, entry["file"]))
    with open(os.path.join(saved, "manifest.jsonl"), "a", encoding="utf-8") as manifest:
        manifest.write(json.dumps({"id": entry["id"], "model": entry["model"], "kind": entry["kind"],
                                   "description": entry["description"], "file": entry["file"], "seed": seed,
                                   "found": f"{entry['outcome']}: {entry.get('detail')}",
                                   "expected": "", "expected_outcome": "rejected"}) + "\n")
    print(f"  saved as a regression mutant: {os.path.join(saved, entry['file'])}", file=sys.stderr)
