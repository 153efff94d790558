"""pykan anchor: the 2-D Poisson PINN of pykan's PDE example (Example 6 in pykan 0.2.x).

Reproduces the pykan rows of /work/shared/benchmarks/ANCHORS.md ("Poisson 2D, pykan's tutorial
problem" and "the KAN paper's problem"). Not run by kanpinn's tests.

    pip install pykan==0.2.8 torch==2.2.2 --index-url ...   # CPU wheels
    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 python pykan_poisson.py --problem tutorial --width 2,10,1 --grids 5 --steps 50
    OMP_NUM_THREADS=1 python pykan_poisson.py --problem paper --width 2,10,1 --grids 5,10,20 --steps 30 --mesh 31
    OMP_NUM_THREADS=1 python pykan_poisson.py --problem paper --width 2,10,1 --grids 5,10,20 --steps 20 --random 10000 --boundary 800
    OMP_NUM_THREADS=1 python pykan_poisson.py --problem paper --mlp 2,100,100,100,1 --steps 60 --random 10000 --boundary 800

Loss = 0.01 * mean(residual^2) + mean(boundary error^2) (pykan's alpha = 0.01), L-BFGS lr 1,
history 10, strong Wolfe; grid updates from the interior points every 5 steps while step < 50 (KAN).
Test error on a 100x100 grid of [-1, 1]^2. Prints one JSON line.
"""
import argparse
import json
import time

import torch
from torch import autograd
from kan import KAN, LBFGS

torch.set_default_dtype(torch.float32)
torch.set_num_threads(1)

p = argparse.ArgumentParser()
p.add_argument('--problem', choices=['tutorial', 'paper'], default='tutorial')
p.add_argument('--width', default='2,10,1', help='KAN widths')
p.add_argument('--mlp', default=None, help='train an MLP (tanh) of these widths instead of a KAN')
p.add_argument('--grids', default='5', help='KAN grid-extension schedule, e.g. 5,10,20')
p.add_argument('--steps', type=int, default=50, help='L-BFGS steps per grid stage (the MLP: steps in all)')
p.add_argument('--mesh', type=int, default=21, help='interior mesh n x n (ignored with --random)')
p.add_argument('--random', type=int, default=0, help='random interior points instead of a mesh')
p.add_argument('--boundary', type=int, default=0, help='boundary points (default 4 * mesh)')
p.add_argument('--seed', type=int, default=0)
a = p.parse_args()
torch.manual_seed(a.seed)

pi = torch.pi
if a.problem == 'tutorial':
    sol = lambda x: torch.sin(pi * x[:, [0]]) * torch.sin(pi * x[:, [1]])
    src = lambda x: -2 * pi**2 * torch.sin(pi * x[:, [0]]) * torch.sin(pi * x[:, [1]])
else:  # arXiv 2404.19756 section 3.4
    sol = lambda x: torch.sin(pi * x[:, [0]]) * torch.sin(pi * x[:, [1]] ** 2)
    src = lambda x: (-pi**2 * (1 + 4 * x[:, [1]] ** 2) * torch.sin(pi * x[:, [0]]) * torch.sin(pi * x[:, [1]] ** 2)
                     + 2 * pi * torch.sin(pi * x[:, [0]]) * torch.cos(pi * x[:, [1]] ** 2))

# interior points: a mesh as pykan's example, or uniform random as the paper
if a.random:
    x_i = torch.rand(a.random, 2) * 2 - 1
else:
    g = torch.linspace(-1, 1, a.mesh)
    X, Y = torch.meshgrid(g, g, indexing='ij')
    x_i = torch.stack([X.reshape(-1), Y.reshape(-1)], dim=1)
nb = a.boundary or 4 * a.mesh
if a.random:
    s = torch.rand(nb // 4, 1) * 2 - 1
    one = torch.ones_like(s)
    x_b = torch.cat([torch.cat([s, -one], 1), torch.cat([one, s], 1), torch.cat([s, one], 1), torch.cat([-one, s], 1)])
else:
    s = torch.linspace(-1, 1, nb // 4)[:, None]
    one = torch.ones_like(s)
    x_b = torch.cat([torch.cat([s, -one], 1), torch.cat([one, s], 1), torch.cat([s, one], 1), torch.cat([-one, s], 1)])

gt = torch.linspace(-1, 1, 100)
TX, TY = torch.meshgrid(gt, gt, indexing='ij')
x_test = torch.stack([TX.reshape(-1), TY.reshape(-1)], dim=1)


def batch_jacobian(func, x, create_graph=False):
    def _sum(x):
        return func(x).sum(dim=0)
    return autograd.functional.jacobian(_sum, x, create_graph=create_graph).permute(1, 0, 2)


alpha = 0.01
evals = 0


def train(model, steps, kan):
    global evals
    opt = LBFGS(model.parameters(), lr=1, history_size=10, line_search_fn='strong_wolfe',
                tolerance_grad=1e-32, tolerance_change=1e-32, tolerance_ys=1e-32)
    for step in range(steps):
        def closure():
            global evals
            evals += 1
            opt.zero_grad()
            d1 = lambda x: batch_jacobian(model, x, create_graph=True)[:, 0, :]
            d2 = batch_jacobian(d1, x_i, create_graph=True)
            lap = torch.sum(torch.diagonal(d2, dim1=1, dim2=2), dim=1, keepdim=True)
            pde = torch.mean((lap - src(x_i)) ** 2)
            bc = torch.mean((model(x_b) - sol(x_b)) ** 2)
            loss = alpha * pde + bc
            loss.backward()
            return loss
        if kan and step % 5 == 0 and step < 50:
            model.update_grid_from_samples(x_i)
        opt.step(closure)


start = time.time()
if a.mlp:
    widths = [int(w) for w in a.mlp.split(',')]
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    train(model, a.steps, kan=False)
else:
    grids = [int(g) for g in a.grids.split(',')]
    model = KAN(width=[int(w) for w in a.width.split(',')], grid=grids[0], k=3, seed=a.seed)
    for n, grid in enumerate(grids):
        if n > 0:
            model = model.refine(grid)
        train(model, a.steps, kan=True)
seconds = time.time() - start

with torch.no_grad():
    u, ut = model(x_test), sol(x_test)
    mse = torch.mean((u - ut) ** 2).item()
    rel = (torch.linalg.norm(u - ut) / torch.linalg.norm(ut)).item()
params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(json.dumps({'problem': a.problem, 'model': 'mlp' if a.mlp else 'kan', 'params': params, 'evaluations': evals,
                  'seconds': round(seconds, 3), 'mse': mse, 'relL2': rel}))
