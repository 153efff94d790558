"""DeepXDE anchor: the stock heat example (u_t = 0.4 u_xx on [0, 1] x [0, 1], u(x, 0) = sin(pi x),
u = 0 at x = 0, 1; exact exp(-0.4 pi^2 t) sin(pi x)) - kanpinn's `heat1d`. Not run by kanpinn's tests.

    pip install deepxde==1.12.0 torch==2.2.2          # CPU wheels
    DDE_BACKEND=pytorch OMP_NUM_THREADS=1 python deepxde_heat.py

Settings of DeepXDE's examples/pinn_forward/heat.py: 2540 domain + 80 boundary + 160 initial
points, FNN [2, 20, 20, 20, 1] tanh, Glorot normal, Adam lr 1e-3 for 20,000 iterations, then
L-BFGS (DeepXDE's defaults). Prints one JSON line with rel. L2 on a 100 x 100 grid and wall time.
"""
import json
import time

import numpy as np
import torch
import deepxde as dde

torch.set_num_threads(1)
dde.config.set_random_seed(0)
a, n, L = 0.4, 1, 1.0


def pde(x, u):
    return dde.grad.jacobian(u, x, i=0, j=1) - a * dde.grad.hessian(u, x, i=0, j=0)


def exact(x):
    return np.exp(-(n**2 * np.pi**2 * a * x[:, 1:2]) / L**2) * np.sin(n * np.pi * x[:, 0:1] / L)


geomtime = dde.geometry.GeometryXTime(dde.geometry.Interval(0, L), dde.geometry.TimeDomain(0, 1))
bc = dde.icbc.DirichletBC(geomtime, lambda x: 0, lambda _, on_boundary: on_boundary)
ic = dde.icbc.IC(geomtime, lambda x: np.sin(n * np.pi * x[:, 0:1] / L), lambda _, on_initial: on_initial)
data = dde.data.TimePDE(geomtime, pde, [bc, ic], num_domain=2540, num_boundary=80, num_initial=160, num_test=2540)
net = dde.nn.FNN([2] + [20] * 3 + [1], 'tanh', 'Glorot normal')
model = dde.Model(data, net)

start = time.time()
model.compile('adam', lr=1e-3)
model.train(iterations=20000)
model.compile('L-BFGS')
model.train()
seconds = time.time() - start

g = np.linspace(0, 1, 100)
X, T = np.meshgrid(g, g, indexing='ij')
xt = np.stack([X.ravel(), T.ravel()], axis=1)
u, ut = model.predict(xt), exact(xt)
print(json.dumps({'example': 'heat', 'relL2': float(np.linalg.norm(u - ut) / np.linalg.norm(ut)), 'seconds': round(seconds, 1)}))
