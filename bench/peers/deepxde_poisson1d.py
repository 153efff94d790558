"""DeepXDE anchor: the stock 1-D Poisson example (-u'' = pi^2 sin(pi x) on [-1, 1], u(+-1) = 0;
exact sin(pi x)) - kanpinn's `poisson1d`. Not run by kanpinn's tests.

    DDE_BACKEND=pytorch OMP_NUM_THREADS=1 python deepxde_poisson1d.py

Settings of DeepXDE's examples/pinn_forward/Poisson_Dirichlet_1d.py: 16 domain + 2 boundary
points, FNN [1, 50, 50, 50, 1] tanh, Glorot uniform, Adam lr 1e-3 for 10,000 iterations.
"""
import json
import time

import numpy as np
import torch
import deepxde as dde

torch.set_num_threads(1)
dde.config.set_random_seed(0)


def pde(x, y):
    return -dde.grad.hessian(y, x) - np.pi**2 * dde.backend.sin(np.pi * x)


def exact(x):
    return np.sin(np.pi * x)


geom = dde.geometry.Interval(-1, 1)
bc = dde.icbc.DirichletBC(geom, exact, lambda _, on_boundary: on_boundary)
data = dde.data.PDE(geom, pde, bc, 16, 2, solution=exact, num_test=100)
model = dde.Model(data, dde.nn.FNN([1] + [50] * 3 + [1], 'tanh', 'Glorot uniform'))
start = time.time()
model.compile('adam', lr=1e-3)
model.train(iterations=10000)
seconds = time.time() - start
x = np.linspace(-1, 1, 1000)[:, None]
u, ut = model.predict(x), exact(x)
print(json.dumps({'example': 'poisson1d', 'relL2': float(np.linalg.norm(u - ut) / np.linalg.norm(ut)), 'seconds': round(seconds, 1)}))
