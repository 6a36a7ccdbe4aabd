import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '../../bin/gatehouse.js');

export interface ServerProcess {
  child: ChildProcess;
  urls: { control?: string; gateway?: string };
  output: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/**
 * Starts `gatehouse start` as a real child process and waits until it prints its URLs
 * (`control: …` and/or `gateway: …`).
 */
export async function spawnServer(env: Record<string, string>, args: string[] = [], expect: Array<'control' | 'gateway'> = ['control']): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'start', ...args], {
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const urls: ServerProcess['urls'] = {};
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(/^(control|gateway): (http\S+)$/gm)) urls[match[1] as 'control' | 'gateway'] = match[2];
      if (expect.every((k) => urls[k])) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it started:\n${output}`));
    });
  });
  return { child, urls, output: () => output, exited };
}

export async function killHard(server: ServerProcess): Promise<void> {
  server.child.kill('SIGKILL');
  await server.exited;
}
