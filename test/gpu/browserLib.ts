/**
 * Headless Chromium with the library bundled into a page, for the GPU-path tests: esbuild bundles
 * test/gpu/browserEntry.ts (the package entry, the agreement cases, a solve) into one IIFE, a blank
 * page runs it, and `globalThis.kanpinnGpu` is called through `page.evaluate`. WebGL 2 runs on
 * SwiftShader (software) with `--disable-gpu`; WebGPU needs `--enable-unsafe-webgpu` and no
 * `--disable-gpu` (PERF_NOTES.md).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../viz/browser.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMMON = ['--headless', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

/** Flags per graphics API: SwiftShader WebGL with the GPU process off; WebGPU on SwiftShader's Vulkan. */
export const GRAPHICS_FLAGS = {
  webgl: ['--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  webgpu: ['--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-features=Vulkan'],
} as const;

let bundled: Promise<string> | undefined;

/** The bundled test entry (built once per test file). */
export function libraryBundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [join(ROOT, 'test/gpu/browserEntry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  }).then((result) => result.outputFiles[0]!.text);
  return bundled;
}

/** A page with the library loaded, its browser, and the errors the page reported. */
export interface LibraryPage {
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

/** Starts Chromium with the flags of `api` and loads the bundled library into a blank page. */
export async function openLibraryPage(api: keyof typeof GRAPHICS_FLAGS): Promise<LibraryPage> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium not found at ${CHROMIUM_PATH}: the GPU-path browser tests need it; install it with \`apt-get install chromium\` or set KANPINN_CHROMIUM`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'kanpinn-gpu-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: [...COMMON, ...GRAPHICS_FLAGS[api]], timeout: 60_000 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  // A secure origin (WebGPU exists only in secure contexts), served from memory.
  await page.route('https://kanpinn.test/**', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><html><body></body></html>' }));
  await page.goto('https://kanpinn.test/');
  await page.addScriptTag({ content: await libraryBundle() });
  return {
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
