import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { InMemoryDataset } from '../../src/data/dataset.js';
import { DownloadError } from '../../src/data/download.js';
import type { Checksum } from '../../src/data/download.js';
import {
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_FILES,
  FASHION_MNIST_RAW_MD5,
  FASHION_MNIST_SYSTEM_DIR,
  FASHION_MNIST_URL_ENV,
  FashionMnistError,
  loadFashionMnist,
} from '../../src/data/fashion-mnist.js';
import type { FashionMnistPart } from '../../src/data/fashion-mnist.js';
import { encodeIdx } from '../../src/data/idx.js';
import { startServer } from './http-server.js';
import type { Route, TestServer } from './http-server.js';

const PARTS: FashionMnistPart[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];

function byPart<T>(make: (part: FashionMnistPart) => T): Record<FashionMnistPart, T> {
  return {
    trainImages: make('trainImages'),
    trainLabels: make('trainLabels'),
    testImages: make('testImages'),
    testLabels: make('testLabels'),
  };
}
const base = mkdtempSync(join(tmpdir(), 'convnet-fmnist-'));

/** Synthetic Fashion-MNIST: 12 train and 5 test images of 28x28, pixel = (i + p) mod 256. */
function syntheticRaw(): Record<FashionMnistPart, Uint8Array> {
  const images = (n: number, offset: number): Uint8Array => {
    const data = new Uint8Array(n * 784);
    for (let i = 0; i < data.length; i++)
      data[i] = (Math.floor(i / 784) + offset + (i % 784)) % 256;
    return encodeIdx({ type: 'uint8', shape: [n, 28, 28], data });
  };
  const labels = (n: number, offset: number): Uint8Array =>
    encodeIdx({
      type: 'uint8',
      shape: [n],
      data: Uint8Array.from({ length: n }, (_, i) => (i + offset) % 10),
    });
  return {
    trainImages: images(12, 0),
    trainLabels: labels(12, 0),
    testImages: images(5, 100),
    testLabels: labels(5, 3),
  };
}

const RAW = syntheticRaw();
const GZ = byPart((part) => gzipSync(RAW[part]));
const CHECKSUMS = byPart((part): Checksum => ({
  algorithm: 'md5',
  digest: createHash('md5').update(GZ[part]).digest('hex'),
}));

function routes(override: Partial<Record<FashionMnistPart, Route>> = {}): Map<string, Route> {
  return new Map(
    PARTS.map((part) => [
      `/${FASHION_MNIST_FILES[part]}.gz`,
      override[part] ?? { kind: 'file', body: GZ[part] },
    ]),
  );
}

let server: TestServer;
before(async () => {
  server = await startServer(routes());
});
after(async () => {
  await server.close();
  rmSync(base, { recursive: true, force: true });
});

let fresh = 0;
function freshDir(): string {
  return join(base, `cache-${fresh++}`);
}

function checkSynthetic(train: InMemoryDataset, test: InMemoryDataset): void {
  assert.equal(train.length, 12);
  assert.equal(test.length, 5);
  assert.deepEqual(train.imageShape, [1, 28, 28]);
  assert.deepEqual(Array.from(test.labels), [3, 4, 5, 6, 7]);
  assert.equal(train.images.data[784 + 5], Math.fround(6 / 255));
}

describe('Fashion-MNIST', () => {
  it('has the ten class names', () => {
    assert.deepEqual(FASHION_MNIST_CLASS_NAMES, [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
  });

  it('downloads into the cache with checksums, then reads the cache without the network', async () => {
    const cacheDir = freshDir();
    const messages: string[] = [];
    const before = server.requests.length;
    const first = await loadFashionMnist({
      systemDir: null,
      cacheDir,
      baseUrl: server.url,
      checksums: CHECKSUMS,
      log: (m) => messages.push(m),
    });
    assert.equal(first.source, 'cache');
    assert.deepEqual(first.train.classNames, FASHION_MNIST_CLASS_NAMES);
    checkSynthetic(first.train, first.test);
    assert.equal(server.requests.length - before, 4);
    assert.ok(
      messages.some((m) =>
        m.startsWith(
          `downloading ${server.url}train-images-idx3-ubyte.gz -> ${join(cacheDir, 'train-images-idx3-ubyte.gz')}`,
        ),
      ),
    );
    assert.deepEqual(
      readdirSync(cacheDir).sort(),
      PARTS.map((p) => `${FASHION_MNIST_FILES[p]}.gz`).sort(),
    );
    const second = await loadFashionMnist({
      systemDir: null,
      cacheDir,
      baseUrl: server.url,
      checksums: CHECKSUMS,
    });
    checkSynthetic(second.train, second.test);
    assert.equal(server.requests.length - before, 4, 'no request when the cache is complete');
  });

  it('takes the base URL from CONVNET_FASHION_MNIST_URL', async () => {
    const previous = process.env[FASHION_MNIST_URL_ENV];
    process.env[FASHION_MNIST_URL_ENV] = server.url.replace(/\/$/, '');
    try {
      const before = server.requests.length;
      const set = await loadFashionMnist({
        systemDir: null,
        cacheDir: freshDir(),
        checksums: CHECKSUMS,
      });
      checkSynthetic(set.train, set.test);
      assert.equal(server.requests.length - before, 4);
    } finally {
      if (previous === undefined) delete process.env[FASHION_MNIST_URL_ENV];
      else process.env[FASHION_MNIST_URL_ENV] = previous;
    }
  });

  it('rejects a corrupt served file, a truncated response and a 404, leaving nothing half-written', async () => {
    const corrupt = Buffer.from(GZ.trainLabels);
    corrupt[corrupt.length - 9] ^= 0xff;
    const cases: [FashionMnistPart, Route, RegExp][] = [
      [
        'trainLabels',
        { kind: 'file', body: corrupt },
        new RegExp(
          `train-labels-idx1-ubyte\\.gz: checksum mismatch: expected md5 ${CHECKSUMS.trainLabels.digest}, got [0-9a-f]{32}; the download was discarded`,
        ),
      ],
      [
        'testImages',
        { kind: 'truncated', body: GZ.testImages, sent: 100 },
        /t10k-images-idx3-ubyte\.gz: truncated: the connection ended after \d+ of \d+ bytes/,
      ],
      [
        'testLabels',
        { kind: 'status', status: 404 },
        /t10k-labels-idx1-ubyte\.gz: HTTP 404 Not Found/,
      ],
    ];
    for (const [part, route, message] of cases) {
      const bad = await startServer(routes({ [part]: route }));
      const cacheDir = freshDir();
      try {
        await assert.rejects(
          loadFashionMnist({ systemDir: null, cacheDir, baseUrl: bad.url, checksums: CHECKSUMS }),
          (error: unknown) => {
            assert.ok(error instanceof DownloadError, String(error));
            assert.match(error.message, message);
            return true;
          },
        );
      } finally {
        await bad.close();
      }
      const left = readdirSync(cacheDir);
      assert.ok(
        !left.some((name) => name.endsWith('.part')),
        `no temporary files: ${left.join(', ')}`,
      );
      assert.ok(
        !left.includes(`${FASHION_MNIST_FILES[part]}.gz`),
        `the bad ${part} is not in the cache`,
      );
    }
  });

  it('rejects the published checksums for files that are not the real ones', async () => {
    await assert.rejects(
      loadFashionMnist({ systemDir: null, cacheDir: freshDir(), baseUrl: server.url }),
      /train-images-idx3-ubyte\.gz: checksum mismatch: expected md5 8d4fb7e6c68d591d4c3dfef9ec88bf0d/,
    );
  });

  it('re-downloads a cached file that no longer matches its checksum', async () => {
    const cacheDir = freshDir();
    await loadFashionMnist({
      systemDir: null,
      cacheDir,
      baseUrl: server.url,
      checksums: CHECKSUMS,
    });
    const tampered = join(cacheDir, 't10k-labels-idx1-ubyte.gz');
    writeFileSync(tampered, 'tampered');
    const messages: string[] = [];
    const before = server.requests.length;
    const set = await loadFashionMnist({
      systemDir: null,
      cacheDir,
      baseUrl: server.url,
      checksums: CHECKSUMS,
      log: (m) => messages.push(m),
    });
    checkSynthetic(set.train, set.test);
    assert.deepEqual(server.requests.slice(before), ['/t10k-labels-idx1-ubyte.gz']);
    assert.ok(messages.some((m) => m.startsWith(`${tampered}: cached file has md5`)));
    writeFileSync(tampered, 'tampered');
    await assert.rejects(
      loadFashionMnist({ systemDir: null, cacheDir, download: false, checksums: CHECKSUMS }),
      new RegExp(`${tampered} failed its checksum and downloading is off`),
    );
  });

  it('reads the files from the directory the user names (raw or .gz), before the system directory', async () => {
    const dir = join(base, 'user');
    mkdirSync(dir);
    for (const part of PARTS) {
      const name = FASHION_MNIST_FILES[part];
      if (part === 'trainImages') writeFileSync(join(dir, `${name}.gz`), GZ[part]);
      else writeFileSync(join(dir, name), RAW[part]);
    }
    const before = server.requests.length;
    const set = await loadFashionMnist({
      dir,
      systemDir: FASHION_MNIST_SYSTEM_DIR,
      cacheDir: freshDir(),
      baseUrl: server.url,
    });
    assert.equal(set.source, 'dir');
    assert.equal(set.files.trainImages, join(dir, 'train-images-idx3-ubyte.gz'));
    assert.equal(set.files.testLabels, join(dir, 't10k-labels-idx1-ubyte'));
    checkSynthetic(set.train, set.test);
    assert.equal(server.requests.length, before);
  });

  it('refuses a directory the user names that is missing or incomplete, never using another copy', async () => {
    const dir = join(base, 'incomplete-user-dir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), RAW.trainImages);
    const installed = join(base, 'installed');
    mkdirSync(installed);
    for (const part of PARTS) writeFileSync(join(installed, FASHION_MNIST_FILES[part]), RAW[part]);
    await assert.rejects(
      loadFashionMnist({ dir, systemDir: installed, cacheDir: freshDir(), download: false }),
      (error: unknown) => {
        assert.ok(error instanceof FashionMnistError);
        assert.equal(
          error.message,
          `Fashion-MNIST directory ${dir} is incomplete: missing train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz). Add them, or leave the directory out to use the system copy or a download.`,
        );
        return true;
      },
    );
    const missing = join(base, 'no-such-dir');
    await assert.rejects(
      loadFashionMnist({ dir: missing, systemDir: installed, cacheDir: freshDir() }),
      new RegExp(`^FashionMnistError: Fashion-MNIST directory ${missing}: no such directory\\.`),
    );
    assert.equal(
      (await loadFashionMnist({ systemDir: installed, download: false })).source,
      'system',
    );
  });

  it('says where it looked when the files are nowhere and downloading is off', async () => {
    const cacheDir = freshDir();
    await assert.rejects(
      loadFashionMnist({ systemDir: join(base, 'no-system'), cacheDir, download: false }),
      (error: unknown) => {
        assert.ok(error instanceof FashionMnistError);
        assert.equal(
          error.message,
          `Fashion-MNIST not found. Looked in: ` +
            `${join(base, 'no-system')} (missing train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz)); ` +
            `${cacheDir} (missing train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz). ` +
            `Install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist), pass the directory holding the files, or allow the download.`,
        );
        return true;
      },
    );
    assert.equal(existsSync(cacheDir), false, 'nothing created');
  });

  const debianFiles = PARTS.map((part) =>
    join(FASHION_MNIST_SYSTEM_DIR, `${FASHION_MNIST_FILES[part]}.gz`),
  );
  const debianSkip = debianFiles.every((path) => existsSync(path))
    ? false
    : `Debian's dataset-fashion-mnist is not installed (no ${FASHION_MNIST_SYSTEM_DIR}/*.gz); apt-get install dataset-fashion-mnist to run it`;
  it(
    'reads the real 60,000 + 10,000 images from Debian dataset-fashion-mnist, whose data match the official files',
    { skip: debianSkip },
    async () => {
      const set = await loadFashionMnist({ cacheDir: freshDir(), download: false });
      assert.equal(set.source, 'system');
      assert.equal(set.train.length, 60000);
      assert.equal(set.test.length, 10000);
      assert.deepEqual(set.train.imageShape, [1, 28, 28]);
      const counts = (labels: Int32Array): number[] => {
        const c = new Array<number>(10).fill(0);
        for (const l of labels) c[l]++;
        return c;
      };
      assert.deepEqual(counts(set.train.labels), Array(10).fill(6000));
      assert.deepEqual(counts(set.test.labels), Array(10).fill(1000));
      // Debian recompressed the .gz files (their MD5s differ from the published ones), but the
      // decompressed IDX data has the MD5s of the official files' contents.
      for (const part of PARTS) {
        const raw = gunzipSync(readFileSync(set.files[part]));
        assert.equal(
          createHash('md5').update(raw).digest('hex'),
          FASHION_MNIST_RAW_MD5[part],
          part,
        );
      }
    },
  );
});
