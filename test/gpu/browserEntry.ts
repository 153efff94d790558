/**
 * What the Chromium tests of the GPU path load into a page (bundled by esbuild, see browserLib.ts):
 * the library from the package entry, the KAN layer agreement cases, and a solve, on
 * `globalThis.kanpinnGpu`.
 */
import '@tensorflow/tfjs-backend-webgl'; // an optional peer: a page imports it itself before setBackend('webgl')
import * as tf from '../../src/tf.js';
import { backendName, createModel, defineProblem, kanKernel, setBackend, setKanKernel, train, type ProblemSpec } from '../../index.js';
import { usesOpsKernels } from '../../src/computePath.js';
import { agreementCases, runAgreementCase, type AgreementResult } from '../kan/opsAgreement.js';

/** The summary of a solve that the tests compare. */
export interface BrowserSolve {
  backend: string;
  opsPath: boolean;
  status: string;
  steps: number;
  evaluations: number;
  seconds: number;
  loss: number;
  relL2: number | null;
}

const api = {
  async start(backend: 'webgl' | 'webgpu' | 'cpu' | 'wasm'): Promise<string> {
    await setBackend(backend);
    return backendName();
  },
  kanKernel,
  usesOpsKernels,
  /** Names of the agreement cases (the list the Node test runs). */
  caseNames: (): string[] => agreementCases().map((c) => c.name),
  /** Runs the named agreement cases (all when omitted) on the active backend. */
  agreement(names?: string[]): AgreementResult[] {
    const cases = agreementCases().filter((c) => !names || names.includes(c.name));
    return cases.map((c) => runAgreementCase(c));
  },
  /**
   * KAN [2,10,1] on a problem given as its JSON spec (the page cannot read problems/*.json), with
   * the given optimizer and steps, on the active backend's default path unless `kernel` forces one.
   */
  async solve(spec: ProblemSpec, optimizer: 'adam' | 'lbfgs', steps: number, lr: number, kernel: 'auto' | 'ops' | 'js' = 'auto'): Promise<BrowserSolve> {
    setKanKernel(kernel);
    const problem = defineProblem(spec);
    const model = createModel({ kind: 'kan', width: [2, 10, 1], grid: 5, k: 3, seed: 0 });
    const result = await train(problem, model, { optimizer, lr, steps, seed: 0, evalEvery: 0 });
    model.dispose();
    return {
      backend: result.backend,
      opsPath: usesOpsKernels(),
      status: result.status,
      steps: result.steps,
      evaluations: result.evaluations,
      seconds: result.seconds,
      loss: result.loss,
      relL2: result.accuracy?.relL2 ?? null,
    };
  },
  tf,
};

(globalThis as unknown as { kanpinnGpu: typeof api }).kanpinnGpu = api;
