/**
 * Training history: one record per epoch, kept in the checkpoint's state and written beside it
 * as history.json and history.csv (each replaced atomically after every epoch, so a reader or a
 * crash never sees half a file).
 *
 *   epoch            1, 2, ... (1-based, as printed)
 *   trainLoss        mean cross-entropy over the epoch's training batches (weighted by size)
 *   trainAccuracy    fraction of training images classified correctly during the epoch
 *   testLoss         mean cross-entropy on the test set after the epoch (eval mode)
 *   testAccuracy     accuracy on the test set after the epoch
 *   lr               the learning rate of the first param group at the start of the epoch
 *   trainSeconds     the training loop, data loading included
 *   dataSeconds      of which: making batches (gather, normalise, augment)
 *   evalSeconds      evaluating the test set
 *   checkpointSeconds saving the checkpoint (0 in the checkpoint's own copy of its last epoch,
 *                    which is written before the time is known)
 *   imagesPerSecond  training images / trainSeconds
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { JsonObject, JsonValue } from '../io/json.js';

export interface EpochRecord {
  [key: string]: number;
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  lr: number;
  trainSeconds: number;
  dataSeconds: number;
  evalSeconds: number;
  checkpointSeconds: number;
  imagesPerSecond: number;
}

/** The columns, in order, of history.csv. */
export const HISTORY_COLUMNS = [
  'epoch',
  'trainLoss',
  'trainAccuracy',
  'testLoss',
  'testAccuracy',
  'lr',
  'trainSeconds',
  'dataSeconds',
  'evalSeconds',
  'checkpointSeconds',
  'imagesPerSecond',
] as const;

export const HISTORY_JSON = 'history.json';
export const HISTORY_CSV = 'history.csv';

/** Reads one record (from a checkpoint's state); `where` names it in errors. */
export function parseEpochRecord(json: JsonValue, where: string): EpochRecord {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${where} must be an object`);
  }
  const record: JsonObject = json;
  const value = (key: (typeof HISTORY_COLUMNS)[number]): number => {
    const v = record[key];
    if (typeof v !== 'number')
      throw new Error(`${where}.${key} must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  return {
    epoch: value('epoch'),
    trainLoss: value('trainLoss'),
    trainAccuracy: value('trainAccuracy'),
    testLoss: value('testLoss'),
    testAccuracy: value('testAccuracy'),
    lr: value('lr'),
    trainSeconds: value('trainSeconds'),
    dataSeconds: value('dataSeconds'),
    evalSeconds: value('evalSeconds'),
    checkpointSeconds: value('checkpointSeconds'),
    imagesPerSecond: value('imagesPerSecond'),
  };
}

/** The history as CSV: a header row, then one row per epoch (numbers as JavaScript prints them). */
export function historyToCsv(history: readonly EpochRecord[]): string {
  const rows = [HISTORY_COLUMNS.join(',')];
  for (const record of history) rows.push(HISTORY_COLUMNS.map((c) => String(record[c])).join(','));
  return `${rows.join('\n')}\n`;
}

/** Writes history.json and history.csv into dir, each atomically. */
export async function writeHistory(dir: string, history: readonly EpochRecord[]): Promise<void> {
  await writeFileAtomic(join(dir, HISTORY_JSON), `${JSON.stringify(history, null, 2)}\n`);
  await writeFileAtomic(join(dir, HISTORY_CSV), historyToCsv(history));
}
