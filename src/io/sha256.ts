/**
 * SHA-256 for model-file digests, synchronous and the same in Node and the browser: @noble/hashes
 * (audited, dependency-free). node:crypto is Node-only, and Web Crypto is async and missing
 * outside secure contexts (a playground served over plain http on a LAN address).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** The SHA-256 of the parts, concatenated, as 64 lower-case hex digits. */
export function sha256Hex(...parts: readonly Uint8Array[]): string {
  const hash = sha256.create();
  for (const part of parts) hash.update(part);
  return bytesToHex(hash.digest());
}
