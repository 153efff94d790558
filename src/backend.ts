/**
 * tfjs backend selection. `wasm` (SIMD, ships with the package) is the default; `tensorflow` loads
 * `@tensorflow/tfjs-node-gpu` or else `@tensorflow/tfjs-node` when one is installed (optional, never
 * required); `cpu` is pure JS. Chosen by `setBackend()`, the CLI's `--backend`, or `KANPINN_BACKEND`.
 */
import * as tf from './tf.js';
import { BackendError } from './errors.js';
import { getThreads } from './engine/pool.js';
import { startWasmBackend } from './engine/wasmThreads.js';

/** The tfjs backends kanpinn can run on, in the order `--backend` help lists them. */
export const BACKEND_NAMES = ['wasm', 'cpu', 'tensorflow', 'webgl', 'webgpu'] as const;
/** One of `BACKEND_NAMES`. */
export type BackendName = (typeof BACKEND_NAMES)[number];

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

// The library never prints: production mode silences tfjs's console banners (e.g. the cpu
// backend's advice to install tfjs-node), which would otherwise land on a CLI user's stdout.
tf.enableProdMode();

let active: Promise<string> | undefined;

/** Imports a module by name at run time, hidden from bundlers so optional packages stay optional. */
const dynamicImport = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

async function registerTensorflow(): Promise<void> {
  const errors: string[] = [];
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await dynamicImport(name);
      return;
    } catch (error) {
      errors.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new BackendError(
    'backend "tensorflow" is not installed: run `npm install @tensorflow/tfjs-node` (or `@tensorflow/tfjs-node-gpu` for CUDA); ' +
      'it downloads libtensorflow at install time, so it needs internet access',
  );
}

async function start(name: BackendName): Promise<string> {
  switch (name) {
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // in Node, the threaded build (engine/wasmThreads.ts); started once, later calls reuse it
      if (isNode && tf.findBackend('wasm') === null) await startWasmBackend(wasm, getThreads());
      break;
    }
    case 'tensorflow':
      if (!isNode) throw new BackendError('backend "tensorflow" needs Node.js; in a browser use webgl, webgpu, wasm or cpu');
      await registerTensorflow();
      break;
    case 'cpu':
      break;
    case 'webgl':
    case 'webgpu':
      // Optional packages: a browser bundle imports them itself (then the factory is registered);
      // in Node they are loaded by name when installed.
      if (!tf.findBackendFactory(name)) {
        try {
          await dynamicImport(`@tensorflow/tfjs-backend-${name}`);
        } catch {
          throw new BackendError(
            `backend "${name}" is not installed: run \`npm install @tensorflow/tfjs-backend-${name}\` (in a browser bundle, also \`import '@tensorflow/tfjs-backend-${name}'\` before choosing it)`,
          );
        }
      }
      break;
    default: {
      const never: never = name;
      throw new BackendError(`unknown backend ${String(never)}`);
    }
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new BackendError(`backend "${name}" could not be started on this machine`);
  await tf.ready();
  return tf.getBackend();
}

/** Parses a backend name from user input; throws naming the valid choices. */
export function parseBackendName(value: string, field = 'backend'): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new BackendError(`${field}: unknown backend "${value}" (expected one of ${BACKEND_NAMES.join(', ')})`);
}

/** The backend asked for by `KANPINN_BACKEND`, else `wasm`. */
export function defaultBackendName(): BackendName {
  const fromEnv = isNode ? process.env.KANPINN_BACKEND : undefined;
  return fromEnv ? parseBackendName(fromEnv, 'KANPINN_BACKEND') : 'wasm';
}

/** Selects and starts a tfjs backend; resolves to the name tfjs reports. */
export function setBackend(name: BackendName = defaultBackendName()): Promise<string> {
  active = start(name);
  return active;
}

/** Starts the default backend once (the first call wins); later calls return the active one. */
export function ensureBackend(): Promise<string> {
  active ??= start(defaultBackendName());
  return active;
}

/** Name of the backend in use, as reported in every result. */
export function backendName(): string {
  return tf.getBackend() ?? 'none';
}
