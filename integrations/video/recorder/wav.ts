import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

/** A canonical PCM WAV header is 44 bytes: RIFF, a 16-byte fmt chunk, then the data chunk's header. */
export const WAV_HEADER_BYTES = 44;
const BYTES_PER_SAMPLE = 2;

export interface WavFormat {
  sampleRate: number;
  channels: number;
}

function header(format: WavFormat, dataBytes: number): Buffer {
  const buffer = Buffer.alloc(WAV_HEADER_BYTES);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + dataBytes, 4);
  buffer.write('WAVE', 8, 'ascii');
  buffer.write('fmt ', 12, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20); // PCM
  buffer.writeUInt16LE(format.channels, 22);
  buffer.writeUInt32LE(format.sampleRate, 24);
  buffer.writeUInt32LE(format.sampleRate * format.channels * BYTES_PER_SAMPLE, 28);
  buffer.writeUInt16LE(format.channels * BYTES_PER_SAMPLE, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(dataBytes, 40);
  return buffer;
}

/** The two size fields of a header: what a reader trusts to know where the audio ends. */
function writeSizes(fd: number, dataBytes: number): void {
  const sizes = Buffer.alloc(4);
  sizes.writeUInt32LE(36 + dataBytes, 0);
  writeSync(fd, sizes, 0, 4, 4);
  sizes.writeUInt32LE(dataBytes, 0);
  writeSync(fd, sizes, 0, 4, 40);
}

/**
 * A 16-bit PCM WAV file written as audio arrives. Every write goes straight to the file (no buffering in
 * this process), so a crash loses nothing already written; the header's sizes are brought up to date every
 * `headerEverySeconds` and at close, and `repairWav` fixes a file whose writer died in between.
 */
export class WavWriter {
  private readonly fd: number;
  private dataBytes = 0;
  private bytesAtLastHeader = 0;
  private closed = false;

  constructor(
    readonly filePath: string,
    readonly format: WavFormat,
    private readonly headerEverySeconds = 1,
  ) {
    this.fd = openSync(filePath, 'w');
    writeSync(this.fd, header(format, 0), 0, WAV_HEADER_BYTES, 0);
  }

  /** Seconds of audio written so far. */
  get seconds(): number {
    return this.dataBytes / (this.format.sampleRate * this.format.channels * BYTES_PER_SAMPLE);
  }

  get samples(): number {
    return this.dataBytes / BYTES_PER_SAMPLE / this.format.channels;
  }

  write(samples: Int16Array): void {
    if (this.closed || samples.length === 0) return;
    const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
    writeSync(this.fd, bytes, 0, bytes.length, WAV_HEADER_BYTES + this.dataBytes);
    this.dataBytes += bytes.length;
    if (this.dataBytes - this.bytesAtLastHeader >= this.headerEverySeconds * this.format.sampleRate * this.format.channels * BYTES_PER_SAMPLE) {
      writeSizes(this.fd, this.dataBytes);
      this.bytesAtLastHeader = this.dataBytes;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    writeSizes(this.fd, this.dataBytes);
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

export interface WavInfo extends WavFormat {
  dataBytes: number;
  durationMs: number;
}

/** Reads a header this module wrote (canonical 44-byte PCM); throws for anything else. */
function readHeader(fd: number): WavFormat & { dataBytes: number; riffBytes: number } {
  const buffer = Buffer.alloc(WAV_HEADER_BYTES);
  if (readSync(fd, buffer, 0, WAV_HEADER_BYTES, 0) < WAV_HEADER_BYTES || buffer.toString('ascii', 0, 4) !== 'RIFF' || buffer.toString('ascii', 36, 40) !== 'data') {
    throw new Error('not a canonical PCM WAV file');
  }
  return { channels: buffer.readUInt16LE(22), sampleRate: buffer.readUInt32LE(24), riffBytes: buffer.readUInt32LE(4), dataBytes: buffer.readUInt32LE(40) };
}

const durationMs = (format: WavFormat, dataBytes: number) => Math.round((dataBytes / (format.sampleRate * format.channels * BYTES_PER_SAMPLE)) * 1000);

/**
 * Makes a WAV file left unfinished by a crash whole again: its header's sizes are set from the audio actually
 * on disk (a half-written last sample is cut off). Returns what the file now holds; `repaired` says whether
 * anything had to change. Running it on a finished file changes nothing.
 */
export function repairWav(filePath: string): WavInfo & { repaired: boolean } {
  const fd = openSync(filePath, 'r+');
  try {
    const found = readHeader(fd);
    const onDisk = fstatSync(fd).size - WAV_HEADER_BYTES;
    const frameBytes = found.channels * BYTES_PER_SAMPLE;
    const dataBytes = onDisk - (onDisk % frameBytes);
    const repaired = found.dataBytes !== dataBytes || found.riffBytes !== 36 + dataBytes || onDisk !== dataBytes;
    if (repaired) {
      if (onDisk !== dataBytes) ftruncateSync(fd, WAV_HEADER_BYTES + dataBytes);
      writeSizes(fd, dataBytes);
      fsyncSync(fd);
    }
    return { sampleRate: found.sampleRate, channels: found.channels, dataBytes, durationMs: durationMs(found, dataBytes), repaired };
  } finally {
    closeSync(fd);
  }
}

/** The samples of a mono WAV file this module wrote (for tests and benchmarks). */
export function readWavSamples(filePath: string): { sampleRate: number; samples: Int16Array } {
  const fd = openSync(filePath, 'r');
  try {
    const format = readHeader(fd);
    const buffer = Buffer.alloc(format.dataBytes);
    readSync(fd, buffer, 0, format.dataBytes, WAV_HEADER_BYTES);
    return { sampleRate: format.sampleRate, samples: new Int16Array(buffer.buffer, buffer.byteOffset, format.dataBytes / BYTES_PER_SAMPLE) };
  } finally {
    closeSync(fd);
  }
}
