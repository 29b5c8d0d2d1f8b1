import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a running `socialcare start` tells the other commands on this machine: its URLs and ports,
 * which change at every start (the embedded services take free ports). Written in the data folder
 * once everything is up, removed at stop; the other commands read it so nobody copies a port.
 */
export interface RuntimeInfo {
  pid: number;
  startedAt: string;
  url: string;
  sqsEndpoint: string;
  dynamoEndpoint: string;
  standInUrl: string;
}

export const RUNTIME_FILE_NAME = 'runtime.json';

export const runtimeFilePath = (dataDir: string) => join(dataDir, RUNTIME_FILE_NAME);

export function writeRuntimeFile(dataDir: string, info: RuntimeInfo): void {
  writeFileSync(runtimeFilePath(dataDir), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the file if it is still this process's (a second start may have written its own). */
export function removeRuntimeFile(dataDir: string, pid = process.pid): void {
  const info = readRuntimeFile(dataDir);
  if (info && info.pid !== pid) return;
  rmSync(runtimeFilePath(dataDir), { force: true });
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The running system's file, or undefined when there is none or its process is gone. */
export function readRuntimeFile(dataDir: string): RuntimeInfo | undefined {
  let text: string;
  try {
    text = readFileSync(runtimeFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const info = JSON.parse(text) as RuntimeInfo;
    if (typeof info.pid !== 'number' || typeof info.sqsEndpoint !== 'string') return undefined;
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}
