/**
 * An embedding model in one file: a safetensors file whose tensors are embeddingNet's stateDict
 * and whose "__metadata__" holds { format: "convnet-ts-embedding", spec: "<JSON>" }, with
 *
 *   options    seed, inChannels, imageSize [H, W], dim (every default filled in)
 *   classNames the training set's classes (labels of the gallery)
 *   normalize  { mean, std } per input channel, applied to pixels in [0,1]
 *   dataset    what it was trained on: 'mnist', 'fashion-mnist' or an image folder's path
 *   dataDir    where Fashion-MNIST's files were read from, or null
 *   loss       how it was trained, e.g. { name: 'arcface', margin: 0.2, scale: 16 }
 *
 * The spec is checked with zod, naming the file and the field. Pure bytes, no file system, so
 * a browser page reads the same file.
 */
import { z } from 'zod';
import { residentTensors } from '../../kernels/backend.js';
import type { Graph } from '../../nn/graph/graph.js';
import { decodeSafetensors, encodeSafetensors } from '../../io/safetensors.js';
import { embeddingNet } from './embedding-net.js';

export const EMBEDDING_FORMAT = 'convnet-ts-embedding';

const specSchema = z.strictObject({
  options: z.strictObject({
    seed: z.number().int(),
    inChannels: z.number().int().min(1).max(64),
    imageSize: z.tuple([z.number().int().min(1).max(1024), z.number().int().min(1).max(1024)]),
    dim: z.number().int().min(1).max(4096),
  }),
  classNames: z.array(z.string()).min(1),
  normalize: z.strictObject({
    mean: z.array(z.number()),
    std: z.array(z.number().positive()),
  }),
  dataset: z.string(),
  dataDir: z.string().nullable(),
  loss: z.strictObject({
    name: z.enum(['arcface', 'triplet']),
    margin: z.number().min(0),
    scale: z.number().positive().nullable(),
  }),
});

export type EmbeddingSpec = z.infer<typeof specSchema>;

/** Builds the spec's network (untrained), optionally in the backend's resident memory. */
export function buildEmbeddingModel(spec: EmbeddingSpec, resident = false): Graph {
  const build = (): Graph => embeddingNet(spec.options);
  return resident ? residentTensors(build) : build();
}

/** The model file's bytes. */
export function encodeEmbeddingModel(spec: EmbeddingSpec, model: Graph): Uint8Array {
  return encodeSafetensors(model.stateDict(), {
    format: EMBEDDING_FORMAT,
    spec: JSON.stringify(specSchema.parse(spec)),
  });
}

/** Reads a model file's bytes: its spec and the model with its weights, in eval mode. */
export function decodeEmbeddingModel(
  bytes: Uint8Array,
  { source = 'embedding model', resident = false }: { source?: string; resident?: boolean } = {},
): { spec: EmbeddingSpec; model: Graph } {
  const { tensors, metadata } = decodeSafetensors(bytes, { source });
  if (metadata.format !== EMBEDDING_FORMAT) {
    throw new Error(
      `${source}: not an embedding model (its metadata format is ${JSON.stringify(metadata.format ?? null)}, expected "${EMBEDDING_FORMAT}"); train one with convnet train --task embedding`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(metadata.spec ?? '');
  } catch (error) {
    throw new Error(`${source}: the spec in its metadata is not JSON`, { cause: error });
  }
  const parsed = specSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: spec.${issue.path.join('.')}: ${issue.message}`);
  }
  const spec = parsed.data;
  const model = buildEmbeddingModel(spec, resident);
  model.loadStateDict(tensors);
  model.eval();
  return { spec, model };
}
