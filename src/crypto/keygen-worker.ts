/**
 * Entry point of a key-generation worker thread (keygen-pool.ts starts it). It generates one key
 * pair at a time, synchronously on its own thread, so slow generations (RSA) occupy neither the
 * event loop nor libuv's thread pool.
 */
import { parentPort } from 'node:worker_threads';
import { generatePrivateKeySync, type KeygenReply, type KeygenRequest } from './keygen-job.js';

const port = parentPort;
if (!port) throw new Error('keygen-worker runs only as a worker thread');

port.on('message', ({ id, params }: KeygenRequest) => {
  let reply: KeygenReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const der = generatePrivateKeySync(params);
    // Transfer the bytes rather than copy them, so no copy of the private key stays in this
    // thread; a Buffer that shares its ArrayBuffer with others is first copied out and zeroed.
    let owned: Uint8Array = der;
    if (der.byteOffset !== 0 || der.byteLength !== der.buffer.byteLength || !(der.buffer instanceof ArrayBuffer)) {
      owned = new Uint8Array(der);
      der.fill(0);
    }
    reply = { id, privateKey: owned };
    transfer = [owned.buffer as ArrayBuffer];
  } catch (error) {
    reply = { id, error };
  }
  port.postMessage(reply, transfer);
});
