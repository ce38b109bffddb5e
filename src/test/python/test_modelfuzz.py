"""The schema-aware model fuzzer: deterministic, every kind applies to every reference model, mutants stay valid
flatbuffers that differ from their model, and the committed regression corpus is what the tool writes."""

import glob
import json
import os

import pytest

from conftest import MODELS, REPO
from modelfuzz.__main__ import main
from modelfuzz.generate import generate
from modelfuzz.mutations import KINDS
from modelfuzz.regressions import RECIPES, write
from modelfuzz.schema import FILE_IDENTIFIER, unpack

REFERENCE = sorted(glob.glob(os.path.join(MODELS, "*.tflite")))
CORPUS = os.path.join(REPO, "src", "test", "resources", "io", "litemodel", "fuzz")


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def test_the_same_seed_gives_the_same_mutants(tmp_path):
    small = [m for m in REFERENCE if os.path.getsize(m) < 10_000]
    first = generate(small, 5, 0, 40, str(tmp_path / "a"))
    second = generate(small, 5, 0, 40, str(tmp_path / "b"))
    assert first == second
    for entry in first:
        assert _read(tmp_path / "a" / entry["file"]) == _read(tmp_path / "b" / entry["file"])
    other = generate(small, 6, 0, 40, str(tmp_path / "c"))
    assert [e["description"] for e in other] != [e["description"] for e in first]


def test_a_run_cut_in_chunks_equals_the_whole_run(tmp_path):
    small = [m for m in REFERENCE if os.path.getsize(m) < 10_000]
    whole = generate(small, 3, 0, 30, str(tmp_path / "whole"))
    generate(small, 3, 0, 12, str(tmp_path / "chunks"))
    generate(small, 3, 12, 18, str(tmp_path / "chunks"))
    with open(tmp_path / "chunks" / "manifest.jsonl", encoding="utf-8") as f:
        chunks = [json.loads(line) for line in f]
    assert chunks == whole


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_mutates_every_reference_model(tmp_path, kind):
    count = 2 * len(REFERENCE)
    entries = generate(REFERENCE, 11, 0, count, str(tmp_path), [kind])
    # "signature" and "subgraph_io" may find nothing to change in a draw, but never for a whole model.
    assert {e["model"] for e in entries} == {os.path.basename(m)[:-len(".tflite")] for m in REFERENCE}
    originals = {os.path.basename(m)[:-len(".tflite")]: _read(m) for m in REFERENCE}
    for entry in entries:
        data = _read(tmp_path / entry["file"])
        assert data[4:8] == FILE_IDENTIFIER
        assert data != originals[entry["model"]], entry
        assert unpack(data).subgraphs, entry  # still a flatbuffer the schema reads
        assert entry["kind"] == kind and entry["description"]


def test_the_committed_regression_corpus_is_what_the_tool_writes(tmp_path):
    assert write(MODELS, str(tmp_path)) == len(RECIPES)
    written = sorted(os.listdir(tmp_path))
    # The folders beside the mutants are the Jazzer fuzz tests' committed inputs (ModelLoadFuzzTestInputs/...).
    assert written == sorted(f for f in os.listdir(CORPUS) if os.path.isfile(os.path.join(CORPUS, f)))
    for name in written:
        assert _read(tmp_path / name) == _read(os.path.join(CORPUS, name)), name


def test_the_command_line_reports_a_missing_model(tmp_path, capsys):
    assert main(["generate", "--out", str(tmp_path), "--count", "1", "--model", "no/such.tflite"]) == 1
    assert "error: no such model file: no/such.tflite" in capsys.readouterr().err


def test_the_command_line_writes_mutants(tmp_path, capsys):
    model = os.path.join(MODELS, "seed_classifier.tflite")
    assert main(["generate", "--out", str(tmp_path), "--count", "3", "--model", model, "--kind", "type"]) == 0
    assert f"wrote 3 mutants of 1 models to {tmp_path}" in capsys.readouterr().out
    assert len(os.listdir(tmp_path)) == 4


def test_the_fresh_batch_is_seeded_from_the_commit_unless_told(monkeypatch):
    from modelfuzz.fresh import commit_seed
    monkeypatch.delenv("LITEMODEL_FUZZ_SEED", raising=False)
    seed, source = commit_seed(REPO)
    head = source.split()[-1]
    assert source.startswith("commit ") and seed == int(head[:7], 16)
    monkeypatch.setenv("LITEMODEL_FUZZ_SEED", "42")
    assert commit_seed(REPO) == (42, "LITEMODEL_FUZZ_SEED")


def test_the_fresh_batch_holds_as_many_mutants_as_asked(tmp_path):
    from modelfuzz.fresh import _generate_at_least
    small = [m for m in REFERENCE if os.path.getsize(m) < 10_000]
    entries = _generate_at_least(small, 7, 0, 30, str(tmp_path))
    assert len(entries) == 30 and len({e["id"] for e in entries}) == 30


def test_public_models_are_named_by_their_folder():
    from modelfuzz.generate import model_name
    assert model_name("models/.cache/public/okay_nabu/model.tflite") == "okay_nabu"
    assert model_name("models/seed_mlp.tflite") == "seed_mlp"
