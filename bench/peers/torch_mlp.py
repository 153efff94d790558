"""torch peer of kanpinn's `eval` suite MLP rows: one Poisson loss + gradient evaluation of an MLP PINN.

The same network, points and loss as solvers/bench/evalSuite.ts (`kanpinn bench --suite eval`):
MLP tanh, Glorot-uniform weights from kanpinn's seeded generator (mulberry32, seed 0, the same
numbers in the same order), zero biases; interior points uniform in [-1, 1]^2 from seed 1, boundary
points evenly around the square; loss = 0.01 * mean((u_xx + u_yy - f)^2) + mean(u_boundary^2),
f = -2 pi^2 sin(pi x) sin(pi y). u_xx and u_yy by nested autograd (torch.autograd.grad with
create_graph=True, the usual PINN code), then the gradient with respect to every parameter.

One thread; the cases interleaved over rounds (each round times every case once), median per case
after warm-up. Not run by kanpinn's tests.

    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 python torch_mlp.py                 # the three MLP rows
    OMP_NUM_THREADS=1 python torch_mlp.py --cases mlp-100x3-10k --rounds 5

Prints one JSON line per case: name, width, points, params, msPerEval, repeats, torch version.
"""
import argparse
import json
import math
import statistics
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float32)

CASES = {
    'mlp-16x2-525': ([2, 16, 16, 1], 441, 84),
    'mlp-100x3-525': ([2, 100, 100, 100, 1], 441, 84),
    'mlp-100x3-10k': ([2, 100, 100, 100, 1], 10_000, 400),
}


def rng(seed):
    """kanpinn's createRng (src/random.ts): mulberry32 on (seed ^ 0x9e3779b9), uniforms in [0, 1)."""
    state = (seed ^ 0x9E3779B9) & 0xFFFFFFFF

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def nxt():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return nxt


def mlp(width):
    """kanpinn's createMlp: weight [nIn, nOut] row-major from rng(0), limit sqrt(6 / (nIn + nOut)), zero bias."""
    nxt = rng(0)
    layers = []
    for n_in, n_out in zip(width[:-1], width[1:]):
        limit = math.sqrt(6 / (n_in + n_out))
        w = torch.tensor([(nxt() * 2 - 1) * limit for _ in range(n_in * n_out)]).reshape(n_in, n_out)
        layers.append((w.requires_grad_(), torch.zeros(n_out, requires_grad=True)))
    return layers


def forward(layers, x):
    for i, (w, b) in enumerate(layers):
        x = x @ w + b
        if i < len(layers) - 1:
            x = torch.tanh(x)
    return x


def points(interior, boundary):
    nxt = rng(1)
    x_i = torch.tensor([nxt() * 2 - 1 for _ in range(interior * 2)]).reshape(interior, 2)
    rows = []
    for n in range(boundary):
        s = 4 * n / boundary
        side = math.floor(s)
        a = (s - side) * 2 - 1
        rows.append([[a, -1], [1, a], [-a, 1], [-1, -a]][side])
    return x_i, torch.tensor(rows, dtype=torch.float32)


def make_eval(width, interior, boundary):
    layers = mlp(width)
    params = [p for layer in layers for p in layer]
    x_i, x_b = points(interior, boundary)
    f = -2 * math.pi**2 * torch.sin(math.pi * x_i[:, 0]) * torch.sin(math.pi * x_i[:, 1])

    def evaluate():
        x = x_i.clone().requires_grad_(True)
        u = forward(layers, x)
        (du,) = torch.autograd.grad(u.sum(), x, create_graph=True)
        (u_xx_all,) = torch.autograd.grad(du[:, 0].sum(), x, create_graph=True)
        (u_yy_all,) = torch.autograd.grad(du[:, 1].sum(), x, create_graph=True)
        residual = u_xx_all[:, 0] + u_yy_all[:, 1] - f
        edge = forward(layers, x_b)[:, 0]
        loss = 0.01 * residual.square().mean() + edge.square().mean()
        grads = torch.autograd.grad(loss, params)
        return loss.item(), grads

    return evaluate, sum(p.numel() for p in params)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--cases', default=','.join(CASES), help='comma-separated case names: ' + ', '.join(CASES))
    p.add_argument('--rounds', type=int, default=3, help='rounds; each times every case once')
    p.add_argument('--repeats', type=int, default=0, help='evaluations per case per round (default: 21 below 5k points, else 5)')
    a = p.parse_args()
    names = a.cases.split(',')
    unknown = [n for n in names if n not in CASES]
    if unknown:
        raise SystemExit(f'--cases: unknown {", ".join(unknown)} (known: {", ".join(CASES)})')
    evals = {}
    for name in names:
        width, interior, boundary = CASES[name]
        evaluate, count = make_eval(width, interior, boundary)
        for _ in range(3):  # warm-up
            evaluate()
        evals[name] = (evaluate, count, a.repeats or (21 if interior + boundary < 5000 else 5))
    times = {name: [] for name in names}
    for _ in range(a.rounds):
        for name in names:
            evaluate, _, repeats = evals[name]
            for _ in range(repeats):
                start = time.perf_counter()
                evaluate()
                times[name].append((time.perf_counter() - start) * 1000)
    for name in names:
        width, interior, boundary = CASES[name]
        print(json.dumps({
            'name': name, 'width': width, 'points': interior + boundary, 'params': evals[name][1],
            'msPerEval': round(statistics.median(times[name]), 3), 'repeats': len(times[name]),
            'torch': torch.__version__, 'threads': torch.get_num_threads(),
        }))


if __name__ == '__main__':
    main()
