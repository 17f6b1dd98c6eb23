/**
 * PyTorch, on the `fit` and `infer seed-net` lines: Debian's python3-torch run by
 * /usr/bin/python3 (skipped, with the reason printed, where that python has no torch).
 * bench/torch/fit_step.py builds the same preset with torch.nn, Adam (lr 1e-3) and a torch
 * DataLoader over the same kind of data, or the seed net in eval mode for inference, and answers
 * one command per line on a pipe; each run here sends `step` (or `infer`) and waits for the loss
 * (the first logit), so the harness times PyTorch with the same warm-up and sampling as ours. The pipe's round
 * trip is inside every sample: it is measured at setup (`noop`) and printed in the row's note.
 * Threads: torch.set_num_threads(n) for n = 1 and all cores, PyTorch as installed otherwise
 * (its CPU capability and BLAS are printed in the header).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { median } from '../timing.js';
import type { FitCase, NetCase } from '../workloads.js';
import { Unavailable, type Contestant, type Preparation } from './contestant.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../torch/fit_step.py', import.meta.url));

/** The python process and its line protocol: one reply line per command, in order. */
class TorchProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: ((line: string) => void)[] = [];
  private readonly failures: ((error: Error) => void)[] = [];
  private stderr = '';
  private exited: Error | null = null;

  constructor() {
    this.child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.failures.shift();
      this.replies.shift()?.(line);
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    this.child.on('exit', (code) => {
      this.exited = new Error(`${SCRIPT} exited (code ${code}): ${this.stderr.trim()}`);
      for (const fail of this.failures.splice(0)) fail(this.exited);
      this.replies.length = 0;
    });
  }

  /** Sends one command; resolves with its reply line, rejects on an `error:` reply. */
  request(command: string): Promise<string> {
    if (this.exited !== null) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.replies.push((line) =>
        line.startsWith('error:') ? reject(new Error(`PyTorch: ${line.slice(7)}`)) : resolve(line),
      );
      this.failures.push(reject);
      this.child.stdin.write(`${command}\n`);
    });
  }

  close(): void {
    if (this.exited === null) this.child.stdin.end('quit\n');
  }
}

let torch: TorchProcess | null = null;
let threads = 1;
let roundTripMs = 0;

function loaded(): TorchProcess {
  if (torch === null) throw new Error('pytorch: setup() has not run');
  return torch;
}

async function fitStep(f: FitCase): Promise<Preparation> {
  const python = loaded();
  await python.request(`prepare ${f.preset} ${f.N} ${f.images} ${threads}`);
  return {
    run: async () => {
      const loss = Number(await python.request('step'));
      if (!Number.isFinite(loss)) throw new Error(`training step gave a non-finite loss ${loss}`);
    },
    note: `DataLoader, Adam; incl. pipe ${roundTripMs.toFixed(2)} ms`,
  };
}

async function inferNet(n: NetCase): Promise<Preparation> {
  const python = loaded();
  await python.request(`prepare-infer ${n.N} ${threads}`);
  return {
    run: async () => {
      const logit = Number(await python.request('infer'));
      if (!Number.isFinite(logit)) throw new Error(`inference gave a non-finite logit ${logit}`);
    },
    note: `eval, inference_mode; incl. pipe ${roundTripMs.toFixed(2)} ms`,
  };
}

export const pytorch: Contestant = {
  name: 'pytorch',
  side: 'peer',
  probe: false,
  async setup() {
    if (!existsSync(PYTHON)) throw new Unavailable(`${PYTHON} does not exist`);
    const check = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
    if (check.status !== 0) {
      const why = check.stderr.trim().split('\n').at(-1) ?? `exit code ${check.status}`;
      throw new Unavailable(`${PYTHON} cannot import torch (apt install python3-torch): ${why}`);
    }
    torch = new TorchProcess();
    const info = JSON.parse(await torch.request('info')) as {
      torch: string;
      capability: string;
      blas: string;
      env: Record<string, string>;
    };
    const trips: number[] = [];
    for (let i = 0; i < 50; i++) {
      const start = performance.now();
      await torch.request('noop');
      trips.push(performance.now() - start);
    }
    roundTripMs = median(trips);
    const env = Object.entries(info.env).map(([k, v]) => `${k}=${v}`);
    return [
      `PyTorch ${info.torch} (${PYTHON}, Debian python3-torch)`,
      `CPU capability ${info.capability}, BLAS ${info.blas}`,
      `torch.set_num_threads(threads)${env.length > 0 ? `, ${env.join(' ')}` : ''}`,
      `fit and infer lines, timed through a pipe (round trip ${roundTripMs.toFixed(3)} ms)`,
    ].join(', ');
  },
  threadCounts: () => [...new Set([1, availableParallelism()])],
  activate(count) {
    threads = count;
    return Promise.resolve();
  },
  fitStep,
  inferNet,
  teardown() {
    torch?.close();
    torch = null;
  },
};
