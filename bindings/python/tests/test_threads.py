"""Calls from 8 Python threads at once give the serial results, bit for bit.

ctypes releases the GIL around each call, so these calls really overlap in
the C library (and large ones also fork its own thread team)."""

import threading

import numpy as np

import nonlin

THREADS = 8
ROUNDS = 10


def workload(seed):
    """A few calls of every kind, small and large, with their inputs."""
    rng = np.random.default_rng(seed)
    small = rng.normal(0, 3, (16, 33)).astype(np.float32)
    large = rng.normal(0, 3, (256, 4096)).astype(np.float32)
    target = rng.integers(0, 33, 16)
    return [
        lambda: nonlin.sigmoid(large),
        lambda: nonlin.tanh_backward(nonlin.tanh(small), small),
        lambda: nonlin.softmax(large, axis=0),
        lambda: nonlin.log_softmax(small, axis=1),
        lambda: nonlin.cross_entropy(small, target, return_grad=True)[1],
        lambda: np.float32(nonlin.nll_loss(nonlin.log_softmax(small), target)),
    ]


def test_eight_threads_match_serial_calls():
    jobs = [workload(seed) for seed in range(THREADS)]
    serial = [[call() for call in calls] for calls in jobs]
    results = [None] * THREADS
    errors = []
    start = threading.Barrier(THREADS)

    def run(k):
        try:
            start.wait()
            mine = []
            for _ in range(ROUNDS):
                mine.append([call() for call in jobs[k]])
            results[k] = mine
        except BaseException as e:  # reported below, in the main thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for k in range(THREADS):
        for round_results in results[k]:
            for got, want in zip(round_results, serial[k]):
                np.testing.assert_array_equal(got, want)


def _sigmoid_in_child(x):
    return nonlin.get_num_threads(), nonlin.sigmoid(x)


def test_forked_workers_work_after_threaded_calls():
    """multiprocessing (and PyTorch's DataLoader) fork workers after the
    parent has run threaded calls: their calls must not hang, and run on
    one thread with the same results."""
    import multiprocessing

    x = np.random.default_rng(5).normal(0, 3, 1 << 20).astype(np.float32)
    previous = nonlin.get_num_threads()
    nonlin.set_num_threads(2)
    try:
        want = nonlin.sigmoid(x)  # starts the library's thread team
        with multiprocessing.get_context("fork").Pool(2) as pool:
            results = pool.map_async(_sigmoid_in_child, [x, x]).get(timeout=120)
    finally:
        nonlin.set_num_threads(previous)
    for threads, got in results:
        assert threads == 1
        np.testing.assert_array_equal(got, want)
