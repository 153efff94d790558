/** A description of the machine and software a benchmark ran on, stored with every result. */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import * as tf from '../../src/tf.js';
import { backendName } from '../../src/index.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  tfjs: string;
  backend: string;
  kanpinn: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus()[0]?.model ?? 'unknown';
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    try {
      version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // keep 'unknown'
    }
  }
  return {
    cpu,
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    tfjs: tf.version_core,
    backend: backendName(),
    kanpinn: version,
    date: new Date().toISOString(),
  };
}
