"""The "first neural network" tutorial in PyTorch, with nonlin.torch's
activations and losses: MNIST logistic regression out = act(x @ W + b),
loss -mean(out[i, y_i]), plain SGD (lr 0.5, batch 64, 2 epochs, batches in
order), once per output activation, from the same initial weights.

It prints the table nonlin-train --compare prints (trainer/), and with
--log-csv the per-step losses in the trainer's CSV format, so the two runs
can be compared step by step (bindings/python/tests/test_tutorial.py does).

    python3 bindings/python/examples/tutorial.py --data build/data/mnist \
        [--load init.f32] [--activations log_softmax,softmax,sigmoid,tanh]

--load reads the trainer's raw float32 parameters (W 784x10 row-major,
then b); without it the weights are the tutorial's randn(784, 10) / sqrt(784)
and zero biases, drawn by torch from --seed.
"""

import argparse
import gzip
import math
import struct
import sys
import time
from pathlib import Path

import torch

import nonlin.torch as F

PIXELS, CLASSES = 784, 10
ACTIVATIONS = {"log_softmax": lambda z: F.log_softmax(z, dim=1),
               "softmax": lambda z: F.softmax(z, dim=1),
               "sigmoid": F.sigmoid, "tanh": F.tanh}


def read_idx(path):
    """An IDX file (plain or .gz) as a uint8 tensor of its shape."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, kind, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError("%s: not an IDX file of unsigned bytes" % path)
    shape = struct.unpack(">%dI" % dims, data[4:4 + 4 * dims])
    body = data[4 + 4 * dims:]
    return torch.frombuffer(bytearray(body), dtype=torch.uint8).reshape(shape)


def load_split(directory, prefix):
    def find(name):
        for candidate in (directory / name, directory / (name + ".gz")):
            if candidate.exists():
                return candidate
        raise FileNotFoundError("%s: no %s[.gz]" % (directory, name))
    x = read_idx(find(prefix + "-images-idx3-ubyte")).reshape(-1, PIXELS).float() / 255.0
    y = read_idx(find(prefix + "-labels-idx1-ubyte")).long()
    return x, y


def initial_weights(args):
    if args.load:
        values = torch.frombuffer(bytearray(Path(args.load).read_bytes()), dtype=torch.float32)
        if values.numel() != PIXELS * CLASSES + CLASSES:
            raise ValueError("%s: %d floats, expected %d" % (args.load, values.numel(),
                                                              PIXELS * CLASSES + CLASSES))
        return values[:PIXELS * CLASSES].reshape(PIXELS, CLASSES).clone(), \
            values[PIXELS * CLASSES:].clone()
    g = torch.Generator().manual_seed(args.seed)
    return torch.randn(PIXELS, CLASSES, generator=g) / math.sqrt(PIXELS), torch.zeros(CLASSES)


def evaluate(act, w, b, x, y, first=64):
    with torch.no_grad():
        out = act(x @ w + b)
        loss = F.nll_loss(out, y).item()
        hits = out.argmax(dim=1) == y
    return loss, hits.float().mean().item(), hits[:first].float().mean().item()


def train(name, start, train_split, valid_split, args, log):
    act = ACTIVATIONS[name]
    w, b = (t.clone().requires_grad_() for t in start)
    x, y = train_split
    steps = (len(y) + args.batch - 1) // args.batch
    step, rows, ms = 0, None, []
    for epoch in range(1, args.epochs + 1):
        began, loss_sum = time.perf_counter(), 0.0
        for i in range(0, len(y), args.batch):
            loss = F.nll_loss(act(x[i:i + args.batch] @ w + b), y[i:i + args.batch])
            loss.backward()
            with torch.no_grad():
                w -= args.lr * w.grad
                b -= args.lr * b.grad
                w.grad = None
                b.grad = None
            step += 1
            loss_sum += loss.item()
            log.append("step,%d,%s,%d,%d,%.8f,,\n" % (args.run, name, epoch, step, loss.item()))
        ms.append(1000 * (time.perf_counter() - began))
        valid_loss, acc, first = evaluate(act, w.detach(), b.detach(), *valid_split)
        rows = (loss_sum / steps, acc, first, sum(ms) / len(ms))
        log.append("epoch,%d,%s,%d,,,%.8f,%.6f\n" % (args.run, name, epoch, valid_loss, acc))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="build/data/mnist", type=Path)
    parser.add_argument("--activations", default="log_softmax,softmax,sigmoid,tanh")
    parser.add_argument("--load")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--log-csv")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # one order of summation, run to run
    train_split = load_split(args.data, "train")
    valid_split = load_split(args.data, "t10k")
    start = initial_weights(args)
    log = ["kind,run,activation,epoch,step,loss,valid_loss,valid_acc\n"]
    print("| activation | final train loss | valid acc | acc first 64 | ms/epoch |")
    print("|---|---:|---:|---:|---:|")
    for run, name in enumerate(args.activations.split(","), 1):
        if name not in ACTIVATIONS:
            parser.error("unknown activation %r (one of %s)" % (name, ", ".join(ACTIVATIONS)))
        args.run = run
        loss, acc, first, ms = train(name, start, train_split, valid_split, args, log)
        print("| %s | %.4f | %.4f | %.4f | %.1f |" % (name, loss, acc, first, ms))
    if args.log_csv:
        Path(args.log_csv).write_text("".join(log))
    return 0


if __name__ == "__main__":
    sys.exit(main())
