"""DeepXDE anchor: the stock 1-D diffusion example (u_t = u_xx - e^{-t}(sin(pi x) - pi^2 sin(pi x))
on [-1, 1] x [0, 1]; exact e^{-t} sin(pi x)) - kanpinn's `diffusion1d`. Not run by kanpinn's tests.

    DDE_BACKEND=pytorch OMP_NUM_THREADS=1 python deepxde_diffusion.py

Settings of DeepXDE's examples/pinn_forward/diffusion_1d.py: 40 domain + 20 boundary + 10 initial
points, FNN [2, 32, 32, 32, 1] tanh, Glorot uniform, Adam lr 1e-3 for 10,000 iterations.
"""
import json
import time

import numpy as np
import torch
import deepxde as dde
from deepxde.backend import sin, exp

torch.set_num_threads(1)
dde.config.set_random_seed(0)


def pde(x, y):
    dy_t = dde.grad.jacobian(y, x, i=0, j=1)
    dy_xx = dde.grad.hessian(y, x, i=0, j=0)
    return dy_t - dy_xx + exp(-x[:, 1:]) * (sin(np.pi * x[:, 0:1]) - np.pi**2 * sin(np.pi * x[:, 0:1]))


def exact(x):
    return np.sin(np.pi * x[:, 0:1]) * np.exp(-x[:, 1:])


geomtime = dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1), dde.geometry.TimeDomain(0, 1))
bc = dde.icbc.DirichletBC(geomtime, exact, lambda _, on_boundary: on_boundary)
ic = dde.icbc.IC(geomtime, exact, lambda _, on_initial: on_initial)
data = dde.data.TimePDE(geomtime, pde, [bc, ic], num_domain=40, num_boundary=20, num_initial=10, solution=exact, num_test=10000)
model = dde.Model(data, dde.nn.FNN([2] + [32] * 3 + [1], 'tanh', 'Glorot uniform'))
start = time.time()
model.compile('adam', lr=1e-3)
model.train(iterations=10000)
seconds = time.time() - start
g = np.linspace(0, 1, 100)
X, T = np.meshgrid(np.linspace(-1, 1, 100), g, indexing='ij')
xt = np.stack([X.ravel(), T.ravel()], axis=1)
u, ut = model.predict(xt), exact(xt)
print(json.dumps({'example': 'diffusion1d', 'relL2': float(np.linalg.norm(u - ut) / np.linalg.norm(ut)), 'seconds': round(seconds, 1)}))
