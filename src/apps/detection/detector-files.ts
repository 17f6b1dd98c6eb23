/**
 * A trained detector on disk, until model files carry graphs (src/io/model-file.ts, being
 * changed on main): a folder holding
 *
 *   graph.json              the model graph (src/nn/graph/graph-spec.ts)
 *   weights.safetensors     its state dict (parameters and batch-norm statistics)
 *   detector.json           {format: 'convnet-ts-detector', version: 1, task: 'detection',
 *                            classNames, stride, imageSize, history?, metrics?}
 *
 * Each is written atomically; detector.json last, so a folder with it is complete.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { readSafetensors, writeSafetensors } from '../../io/safetensors-file.js';
import { Graph } from '../../nn/graph/graph.js';
import { DETECTOR_STRIDE } from './digit-detector.js';

export const DETECTOR_FORMAT = 'convnet-ts-detector';

const infoSchema = z.looseObject({
  format: z.literal(DETECTOR_FORMAT),
  version: z.literal(1),
  task: z.literal('detection'),
  classNames: z.array(z.string()).min(1),
  stride: z.number().int().positive(),
  imageSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
});

export type DetectorInfo = z.infer<typeof infoSchema>;

export interface SavedDetector {
  model: Graph;
  info: DetectorInfo;
}

export async function saveDetector(
  dir: string,
  model: Graph,
  {
    classNames,
    imageSize,
    extra = {},
  }: {
    classNames: readonly string[];
    imageSize: readonly [number, number];
    extra?: Record<string, unknown>;
  },
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'graph.json'), `${JSON.stringify(model.spec(), null, 1)}\n`);
  await writeSafetensors(join(dir, 'weights.safetensors'), model.stateDict());
  const info = {
    format: DETECTOR_FORMAT,
    version: 1,
    task: 'detection',
    classNames: [...classNames],
    stride: DETECTOR_STRIDE,
    imageSize: [...imageSize],
    ...extra,
  };
  await writeFileAtomic(join(dir, 'detector.json'), `${JSON.stringify(info, null, 1)}\n`);
}

export async function loadDetector(dir: string): Promise<SavedDetector> {
  const infoPath = join(dir, 'detector.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(infoPath, 'utf8'));
  } catch (error) {
    throw new Error(
      `${infoPath}: not a detector folder (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const parsed = infoSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${infoPath}: ${issue.path.join('.') || 'the file'}: ${issue.message}`);
  }
  const graphPath = join(dir, 'graph.json');
  const model = Graph.fromSpec(JSON.parse(readFileSync(graphPath, 'utf8')), { source: graphPath });
  const { tensors } = await readSafetensors(join(dir, 'weights.safetensors'));
  model.loadStateDict(tensors);
  model.eval();
  return { model, info: parsed.data };
}
