"""The PyTorch tutorial (tutorial.py) with nonlin.torch trains as nonlin-train
does: from the same initial weights, every step's loss within 1e-5 relative
and the same validation accuracy, for each output activation. Run by CTest
(trainer.pytorch_tutorial) with NONLIN_TRAINER and NONLIN_DATA_DIR set."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import tutorial  # noqa: E402

ACTIVATIONS = "log_softmax,softmax,sigmoid,tanh"


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_tutorial_matches_the_trainer_step_for_step(tmp_path):
    trainer = os.environ["NONLIN_TRAINER"]
    data = Path(os.environ["NONLIN_DATA_DIR"]) / "mnist"
    init = tmp_path / "init.f32"
    # The trainer's own initial weights, so both start from the same bits.
    subprocess.run([trainer, "--data", str(data), "--epochs", "0", "--save", str(init),
                    "--quiet"], check=True)
    ours, theirs = tmp_path / "tutorial.csv", tmp_path / "trainer"
    assert tutorial.main(["--data", str(data), "--load", str(init), "--activations",
                          ACTIVATIONS, "--log-csv", str(ours)]) == 0
    subprocess.run([trainer, "--data", str(data), "--load", str(init), "--compare", ACTIVATIONS,
                    "--out", str(theirs), "--quiet"], check=True)
    got, want = rows(ours), rows(theirs / "compare.csv")
    assert len(got) == len(want) > 250
    for g, w in zip(got, want):
        assert (g["kind"], g["activation"], g["step"]) == (w["kind"], w["activation"], w["step"])
        for field in ("loss", "valid_loss"):
            if w[field]:
                assert float(g[field]) == pytest.approx(float(w[field]), rel=1e-5, abs=1e-6), (g, w)
        if w["valid_acc"]:
            assert abs(float(g["valid_acc"]) - float(w["valid_acc"])) <= 1.5 / 2000, (g, w)
