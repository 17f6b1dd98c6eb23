/**
 * The `convnet` command line, spawned as a user runs it (node --import tsx src/cli/main.ts, so
 * no build is needed): train a small run end to end on a subset of the embedded digits
 * (--limit-train / --limit-test), eval, predict on PNG files written here, summary, resume
 * (stopped with --stop-after, and killed with SIGKILL) giving the same weights as a straight
 * run, an image-folder dataset, the non-finite stop, and errors that say what to do.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { mnistDataset } from '../../src/data/load-mnist-digits.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { parseTrainingState } from '../../src/train/training-state.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'convnet-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const tsx = import.meta.resolve('tsx');
const main = join(root, 'src', 'cli', 'main.ts');

/**
 * Runs the CLI (in `cwd`, default the repository); a run that has not ended after 60 s is
 * killed and reported with its output.
 */
function convnet(args: string[], cwd = root): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, main, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `convnet ${args.join(' ')} did not end in 60 s\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** An option's entry in --help output, its wrapped lines joined by spaces. */
function optionHelp(help: string, flag: string): string {
  const match = new RegExp(`\\n  ${flag} [\\s\\S]*?(?=\\n  -)`).exec(help);
  assert.ok(match !== null, `--help lists ${flag}`);
  return match[0].trim().replace(/\s+/g, ' ');
}

function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1];
}

/** Writes a grayscale image (values in [0,1], row-major) as an RGBA PNG. */
function writePng(path: string, pixels: ArrayLike<number>, width: number, height: number): void {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, pixels[i])));
    png.data[4 * i] = v;
    png.data[4 * i + 1] = v;
    png.data[4 * i + 2] = v;
    png.data[4 * i + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(png));
}

const SMALL = ['--limit-train', '512', '--limit-test', '256', '--seed', '1'];

describe('convnet --help', () => {
  it('lists the commands, and each command its options (testing options hidden)', async () => {
    const top = await convnet(['--help']);
    assert.equal(top.code, 0);
    for (const command of ['train', 'eval', 'predict', 'summary'])
      assert.match(top.stdout, new RegExp(`\\n  ${command} `));
    const train = await convnet(['train', '--help']);
    assert.equal(train.code, 0);
    for (const option of [
      '--dataset',
      '--data-dir',
      '--model',
      '--epochs',
      '--batch-size',
      '--optimizer',
      '--lr',
      '--momentum',
      '--weight-decay',
      '--schedule',
      '--augment',
      '--threads',
      '--seed',
      '--out',
      '--resume',
    ]) {
      assert.ok(train.stdout.includes(option), `train --help mentions ${option}`);
    }
    assert.ok(!train.stdout.includes('--limit-train'));
    for (const command of ['eval', 'predict', 'summary']) {
      const help = await convnet([command, '--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /--model/);
    }
  });

  it('prints its version, marks required options, and prefixes every error alike', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const version = await convnet(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), pkg.version);
    const evalHelp = await convnet(['eval', '--help']);
    assert.match(optionHelp(evalHelp.stdout, '--model'), /\(required\)$/);
    assert.doesNotMatch(optionHelp(evalHelp.stdout, '--dataset'), /\(required\)/);
    const visualizeHelp = await convnet(['visualize', '--help']);
    assert.match(optionHelp(visualizeHelp.stdout, '--image'), /\(required\)$/);
    assert.match(optionHelp(visualizeHelp.stdout, '--out'), /default: visualize-<image name/);
    const unknown = await convnet(['train', '--bogus']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^convnet: error: unknown option '--bogus'/);
    const missing = await convnet(['predict', 'x.png']);
    assert.match(missing.stderr, /^convnet: error: required option '--model <dir>' not specified/);
  });

  it("is the package's bin, with a shebang", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.bin, { convnet: 'dist/cli/main.js' });
    assert.match(
      readFileSync(join(root, 'src', 'cli', 'main.ts'), 'utf8'),
      /^#!\/usr\/bin\/env node\n/,
    );
  });
});

describe('convnet train, eval, predict and summary', () => {
  const out = join(work, 'digits');
  let train: Run;
  before(async () => {
    train = await convnet(['train', ...SMALL, '--epochs', '3', '--out', out]);
  });

  it('trains: the kernel path first, one line per epoch, the accuracy and the directory last', () => {
    assert.equal(train.code, 0, train.stderr);
    const lines = train.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^kernels: (wasm|reference)/);
    assert.equal(lines.filter((l) => /^epoch \d\/3 {2}train loss/.test(l)).length, 3);
    assert.match(
      lastLine(train.stdout),
      new RegExp(
        `^test accuracy \\d+\\.\\d\\d% \\(\\d+/256\\) after 3 epochs; model saved in ${out}$`,
      ),
    );
    const accuracy = Number(/test accuracy ([\d.]+)%/.exec(lastLine(train.stdout))?.[1]);
    assert.ok(accuracy > 70, `test accuracy ${accuracy}% after 3 small epochs`);
    for (const file of ['checkpoint.json', 'history.json', 'history.csv'])
      assert.ok(existsSync(join(out, file)), file);
  });

  it('eval gives the same accuracy, with per-class accuracy and the confusion matrix', async () => {
    const result = await convnet(['eval', '--model', out, '--limit-test', '256']);
    assert.equal(result.code, 0, result.stderr);
    const trained = /test accuracy ([\d.]+%) \((\d+)\/256\)/.exec(lastLine(train.stdout));
    assert.ok(trained !== null);
    assert.match(
      result.stdout,
      new RegExp(`^accuracy ${trained[1].replace('.', '\\.')} \\(${trained[2]}/256\\)`, 'm'),
    );
    assert.match(result.stdout, /^model: seed-net from .*, epoch 3$/m);
    assert.match(result.stdout, /^class\s+accuracy\s+images$/m);
    assert.match(result.stdout, /confusion matrix \(rows: true class, columns: predicted class\)/);
    const json = JSON.parse(
      (await convnet(['eval', '--model', out, '--limit-test', '64', '--json'])).stdout,
    );
    assert.equal(json.total, 64);
    assert.equal(json.counts.length, 10);
  });

  it('eval takes the model file, which records its dataset; warns on another; refuses --data-dir it would not read', async () => {
    const file = await convnet([
      'eval',
      '--model',
      join(out, 'model.safetensors'),
      '--limit-test',
      '16',
    ]);
    assert.equal(file.code, 0, file.stderr);
    assert.match(file.stdout, /^dataset: mnist, 16 test images$/m);
    const dataDir = await convnet(['eval', '--model', out, '--data-dir', join(work, 'fashion')]);
    assert.equal(dataDir.code, 1);
    assert.match(
      dataDir.stderr,
      /^convnet: error: data directory .*fashion \(--data-dir\) holds Fashion-MNIST's files, but the dataset is mnist, which does not read it/,
    );
    // A folder named like a built-in dataset: the built-in one is used, and a note says how to
    // name the folder; ./mnist is the folder, and the model was not trained on it.
    const here = join(work, 'cwd-with-mnist-folder');
    mkdirSync(join(here, 'mnist', 'a'), { recursive: true });
    mkdirSync(join(here, 'mnist', 'b'), { recursive: true });
    const { test } = mnistDataset();
    for (const [k, name] of ['a', 'b'].entries())
      writePng(
        join(here, 'mnist', name, '0.png'),
        test.images.data.subarray(k * 784, (k + 1) * 784),
        28,
        28,
      );
    const builtin = await convnet(
      ['eval', '--model', out, '--dataset', 'mnist', '--limit-test', '8'],
      here,
    );
    assert.equal(builtin.code, 0, builtin.stderr);
    assert.match(
      builtin.stderr,
      /^convnet: note: --dataset mnist is the built-in dataset, not the folder mnist here; for the folder, write --dataset \.\/mnist$/m,
    );
    assert.match(builtin.stdout, /^dataset: mnist, 8 test images$/m);
    const folder = await convnet(['eval', '--model', out, '--dataset', './mnist'], here);
    assert.match(
      folder.stderr,
      new RegExp(
        `^convnet: warning: evaluating on ${join(here, 'mnist')}, but the model in ${out} was trained on mnist$`,
        'm',
      ),
    );
  });

  it('predict lists the top-k classes of PNG files, and names a file that is not an image', async () => {
    const { test } = mnistDataset();
    const files = [0, 1].map((i) => {
      const file = join(work, `digit-${i}.png`);
      writePng(file, test.images.data.subarray(i * 784, (i + 1) * 784), 28, 28);
      return file;
    });
    const result = await convnet(['predict', '--model', out, '--top-k', '3', ...files]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    lines.forEach((line, i) =>
      assert.match(line, new RegExp(`^${files[i]}: \\d [\\d.]+%, \\d [\\d.]+%, \\d [\\d.]+%$`)),
    );
    const json = JSON.parse(
      (await convnet(['predict', '--model', out, '--top-k', '10', '--json', files[0]])).stdout,
    );
    const total = json[0].top.reduce(
      (sum: number, c: { probability: number }) => sum + c.probability,
      0,
    );
    assert.ok(Math.abs(total - 1) < 1e-9, `probabilities sum to ${total}`);

    const bad = join(work, 'notes.png');
    writeFileSync(bad, 'not an image');
    // One unreadable file: the good ones are still answered, then the exit status is 1.
    const failed = await convnet(['predict', '--model', out, files[0], bad, files[1]]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, new RegExp(`^convnet: error: .*${bad}`));
    assert.match(failed.stderr, /1 of 3 image files could not be classified/);
    assert.deepEqual(failed.stdout, result.stdout);
    const failedJson = await convnet(['predict', '--model', out, '--json', bad, files[0]]);
    assert.equal(failedJson.code, 1);
    const answers = JSON.parse(failedJson.stdout);
    assert.match(answers[0].error, /not a readable image/);
    assert.equal(answers[1].file, files[0]);
  });

  it('predict prepares ordinary pictures as MNIST digits: dark on light, large, not square', async () => {
    // Test digits the model gets right as they are, drawn black on white at 3x on a wide canvas.
    const { test } = mnistDataset();
    const checked: string[] = [];
    for (let i = 0; checked.length < 3 && i < 40; i++) {
      const digit = test.images.data.subarray(i * 784, (i + 1) * 784);
      const plain = join(work, `plain-${i}.png`);
      writePng(plain, digit, 28, 28);
      const answer = JSON.parse(
        (await convnet(['predict', '--model', out, '--json', plain])).stdout,
      );
      if (answer[0].top[0].className !== String(test.labels[i])) continue;
      const width = 140;
      const height = 84;
      const paper = new Float32Array(width * height).fill(1);
      for (let y = 0; y < 84; y++) {
        for (let x = 0; x < 84; x++) {
          paper[y * width + 20 + x] = 1 - digit[Math.floor(y / 3) * 28 + Math.floor(x / 3)];
        }
      }
      const photo = join(work, `paper-${i}.png`);
      writePng(photo, paper, width, height);
      const result = await convnet(['predict', '--model', out, photo]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(
          `^${photo}: ${test.labels[i]} [\\d.]+%.*\\(inverted: the image is dark on light`,
        ),
      );
      checked.push(photo);
    }
    assert.equal(checked.length, 3);
  });

  it('train leaves curves, confusion matrix and report; visualize draws what the model sees', async () => {
    for (const file of ['training-curves.png', 'confusion-matrix.png', 'report.html']) {
      assert.ok(existsSync(join(out, file)), `${file} in the run directory`);
    }
    const { test } = mnistDataset();
    const image = join(work, 'visualize-digit.png');
    writePng(image, test.images.data.subarray(0, 784), 28, 28);
    const pictures = join(work, 'pictures');
    const result = await convnet([
      'visualize',
      '--model',
      out,
      '--image',
      image,
      '--out',
      pictures,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /wrote 11 files/);
    for (const file of ['filters.png', 'probabilities.png', 'feature-maps-features.0.png']) {
      const png = PNG.sync.read(readFileSync(join(pictures, file)));
      assert.ok(png.width > 28 && png.height > 28, `${file} is ${png.width}x${png.height}`);
    }
    // The one-file model next to the checkpoint (what the browser playground opens) predicts the same.
    const fromDir = await convnet(['predict', '--model', out, '--json', image]);
    const fromFile = await convnet([
      'predict',
      '--model',
      join(out, 'model.safetensors'),
      '--json',
      image,
    ]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.deepEqual(JSON.parse(fromFile.stdout)[0].top, JSON.parse(fromDir.stdout)[0].top);
    const missing = await convnet([
      'visualize',
      '--model',
      out,
      '--image',
      join(work, 'nope.png'),
      '--out',
      pictures,
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.png/);
    // Without --out: visualize-<image name> in the current directory.
    const here = join(work, 'visualize-cwd');
    mkdirSync(here);
    const byDefault = await convnet(['visualize', '--model', out, '--image', image], here);
    assert.equal(byDefault.code, 0, byDefault.stderr);
    assert.ok(existsSync(join(here, 'visualize-visualize-digit', 'filters.png')));
  });

  it('summary of a preset and of a checkpoint', async () => {
    const preset = await convnet(['summary', '--model', 'lenet5']);
    assert.equal(preset.code, 0, preset.stderr);
    assert.match(preset.stdout, /^lenet5\n/);
    assert.match(preset.stdout, /Total params: 61,706/);
    const checkpoint = await convnet(['summary', '--model', out]);
    assert.equal(checkpoint.code, 0, checkpoint.stderr);
    assert.match(checkpoint.stdout, /^seed-net from .* \(epoch 3\)\n/);
    assert.match(checkpoint.stdout, /features\.0 \(Conv2d\)\s+\(1,32,28,28\)\s+320/);
    assert.match(checkpoint.stdout, /Total params: 421,642/);
  });

  it('refuses to overwrite a checkpoint, and to change settings on resume', async () => {
    const again = await convnet(['train', ...SMALL, '--out', out]);
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      new RegExp(`already holds a checkpoint .*continue it with --resume ${out}`),
    );
    const changed = await convnet(['train', '--resume', out, '--lr', '0.1', '--batch-size', '8']);
    assert.equal(changed.code, 1);
    assert.match(
      changed.stderr,
      /--batch-size, --lr cannot be changed when resuming|--lr, --batch-size cannot be changed when resuming/,
    );
  });
});

describe('convnet train --resume', () => {
  it('continues a stopped run to the same weights as a straight run', async () => {
    const args = [
      '--limit-train',
      '256',
      '--limit-test',
      '64',
      '--epochs',
      '3',
      '--schedule',
      'onecycle',
    ];
    const straight = join(work, 'straight');
    const resumed = join(work, 'resumed');
    const [a, b] = await Promise.all([
      convnet(['train', ...args, '--out', straight]),
      convnet(['train', ...args, '--out', resumed, '--stop-after', '2']),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.match(
      lastLine(b.stdout),
      new RegExp(
        `^stopped after epoch 2 of 3: test accuracy .*; model saved in ${resumed} \\(continue with: convnet train --resume ${resumed}\\)$`,
      ),
    );
    const c = await convnet(['train', '--resume', resumed]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, new RegExp(`resuming ${resumed} after epoch 2 of 3`));
    assert.match(lastLine(c.stdout), /after 3 epochs; model saved in/);
    assert.equal(lastLine(a.stdout).replace(straight, ''), lastLine(c.stdout).replace(resumed, ''));
    const [x, y] = [await loadCheckpoint(straight), await loadCheckpoint(resumed)];
    assert.equal(x.manifest.files.weights.sha256, y.manifest.files.weights.sha256);
    assert.equal(x.manifest.files.optimizer?.sha256, y.manifest.files.optimizer?.sha256);
  });

  it('continues a run killed mid-epoch from its last checkpoint', async () => {
    const out = join(work, 'killed');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'train',
        '--limit-train',
        '256',
        '--limit-test',
        '32',
        '--epochs',
        '50',
        '--out',
        out,
      ],
      { cwd: root, stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(out, 'checkpoint.json')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 150)); // into the next epoch (or its save)
    child.kill('SIGKILL');
    await exited;
    const checkpoint = await loadCheckpoint(out);
    const epoch = parseTrainingState(checkpoint.state, out).epoch;
    assert.ok(epoch >= 1 && epoch < 50, `epoch ${epoch}`);
    const resumed = await convnet(['train', '--resume', out, '--stop-after', '1']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`resuming ${out} after epoch ${epoch} of 50`));
    assert.match(lastLine(resumed.stdout), new RegExp(`^stopped after epoch ${epoch + 1} of 50`));
  });
});

describe('convnet train on an image folder', () => {
  it("trains, then predicts with the folder's class names", async () => {
    const folder = join(work, 'shapes');
    const draw = (side: 'left' | 'right', k: number): number[] =>
      Array.from(
        { length: 100 },
        (_, p) => (p % 10 < 5 === (side === 'left') ? 0.8 : 0.1) + ((p * 7 + k) % 5) * 0.02,
      );
    for (const side of ['left', 'right'] as const) {
      mkdirSync(join(folder, side), { recursive: true });
      for (let k = 0; k < 10; k++) writePng(join(folder, side, `${k}.png`), draw(side, k), 10, 10);
    }
    const out = join(work, 'shapes-run');
    const result = await convnet([
      'train',
      '--dataset',
      folder,
      '--channels',
      '1',
      '--image-size',
      '12',
      '--epochs',
      '4',
      '--batch-size',
      '4',
      '--out',
      out,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /16 training and 4 test images of 1x12x12, 2 classes/);
    assert.match(
      result.stdout,
      /^warning: 16 optimizer steps in all \(4 epochs of 4 batches of up to 4 images\) is too few to learn much from 16 training images; try --batch-size 4 --epochs 50/m,
    );
    // The same images in another folder: eval says it is not the one the model was trained on.
    const copy = join(work, 'shapes-copy');
    cpSync(folder, copy, { recursive: true });
    const elsewhere = await convnet(['eval', '--model', out, '--dataset', copy]);
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
    assert.match(
      elsewhere.stderr,
      new RegExp(
        `warning: evaluating on ${copy}, but the model in ${out} was trained on ${folder}`,
      ),
    );
    const predicted = await convnet([
      'predict',
      '--model',
      out,
      '--top-k',
      '2',
      join(folder, 'right', '3.png'),
    ]);
    assert.equal(predicted.code, 0, predicted.stderr);
    assert.match(predicted.stdout, /3\.png: (left|right) [\d.]+%, (left|right) [\d.]+%/);
  });
});

describe('convnet errors say what to do', () => {
  it('an unknown dataset, a missing checkpoint, a missing option', async () => {
    const unknown = await convnet(['train', '--dataset', 'cifar-100']);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /^convnet: error: unknown dataset 'cifar-100': use mnist \(embedded digits\), fashion-mnist, or the path of an image folder/,
    );
    const missing = join(work, 'nothing-here');
    const noCheckpoint = await convnet(['eval', '--model', missing]);
    assert.equal(noCheckpoint.code, 1);
    assert.match(
      noCheckpoint.stderr,
      new RegExp(
        `${missing}: no such checkpoint directory.*train a model first: convnet train --out ${missing}`,
      ),
    );
    const noModel = await convnet(['predict', 'x.png']);
    assert.equal(noModel.code, 1);
    assert.match(noModel.stderr, /required option '--model <dir>' not specified/);
    const badNumber = await convnet(['train', '--epochs', 'many']);
    assert.equal(badNumber.code, 1);
    assert.match(
      badNumber.stderr,
      /--epochs <n>' argument 'many' is invalid\. expected an integer >= 1/,
    );
  });

  it('--threads, --image-size and --val-split out of range; folder options on a built-in dataset', async () => {
    const threads = await convnet(['train', '--threads', '999']);
    assert.equal(threads.code, 1);
    assert.match(
      threads.stderr,
      /^convnet: error: option '--threads <n>' argument '999' is invalid\. expected at most \d+ threads \(4 x the \d+ cores?\), got '999'/,
    );
    const size = await convnet(['train', '--dataset', work, '--image-size', '100000']);
    assert.equal(size.code, 1);
    assert.match(
      size.stderr,
      /^convnet: error: option '--image-size <n>' argument '100000' is invalid\. expected an integer in \[1, 1024\] \(the largest image size\)/,
    );
    const split = await convnet(['train', '--val-split', '1']);
    assert.match(
      split.stderr,
      /^convnet: error: option '--val-split <x>' argument '1' is invalid\. expected a number in \(0, 1\)/,
    );
    const folderOnly = await convnet([
      'train',
      '--dataset',
      'mnist',
      '--val-split',
      '0.3',
      '--image-size',
      '32',
    ]);
    assert.equal(folderOnly.code, 1);
    assert.match(
      folderOnly.stderr,
      /^convnet: error: --image-size, --val-split apply to image folders only; mnist has its own/,
    );
  });

  it('an image folder of one class, or with a decompression bomb, is refused naming the folder or file', async () => {
    const one = join(work, 'one-class');
    mkdirSync(join(one, 'cats'), { recursive: true });
    for (let k = 0; k < 3; k++) writePng(join(one, 'cats', `${k}.png`), [0.5, 0.5, 0.5, 0.5], 2, 2);
    const oneClass = await convnet(['train', '--dataset', one, '--out', join(work, 'one-run')]);
    assert.equal(oneClass.code, 1);
    assert.match(
      oneClass.stderr,
      new RegExp(
        `^convnet: error: ${one}: only one class folder \\('cats'\\): a classifier needs at least 2 classes`,
      ),
    );
    const bombs = join(work, 'bombs');
    mkdirSync(join(bombs, 'dogs'), { recursive: true });
    cpSync(join(one, 'cats'), join(bombs, 'cats'), { recursive: true });
    const bomb = readFileSync(join(one, 'cats', '0.png'));
    bomb.writeUInt32BE(20000, 16); // IHDR width and height: a 2x2 file declaring 20000x20000
    bomb.writeUInt32BE(20000, 20);
    writeFileSync(join(bombs, 'dogs', 'bomb.png'), bomb);
    const refused = await convnet(['train', '--dataset', bombs, '--out', join(work, 'bomb-run')]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      new RegExp(
        `^convnet: error: ${join(bombs, 'dogs', 'bomb.png')}: a PNG of 20000x20000 = 400,000,000 pixels is over the limit`,
      ),
    );
  });

  it('a learning rate that blows up stops training, naming the step and the parameter', async () => {
    const out = join(work, 'diverged');
    const result = await convnet([
      'train',
      '--limit-train',
      '128',
      '--limit-test',
      '32',
      '--optimizer',
      'sgd',
      '--lr',
      '1e30',
      '--out',
      out,
    ]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^convnet: error: training stopped at step \d+ \(epoch 1, batch \d of 2\): .*the first non-finite parameter (value|gradient) is (features|classifier)\.\d\.(weight|bias) .*No checkpoint had been saved yet\./,
    );
    assert.ok(!existsSync(join(out, 'checkpoint.json')));
  });
});
