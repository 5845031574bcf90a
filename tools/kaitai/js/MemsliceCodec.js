// Custom Kaitai Struct process routine `memslice_codec` for JavaScript (kaitai-struct 0.11).
//
// The compiled parser calls `new MemsliceCodec(compressed, compAlgo, isLe, legacy).decode(raw)`
// on every block payload. A compressed payload on disk is a u64 UncompressedSize in the file's
// byte order followed by one zstd frame (CompAlgo 1) or one LZ4 block with its own 4-byte
// little-endian size prefix (CompAlgo 2); memdiver's legacy files (`legacy` true) may instead hold
// a bare zstd frame or an LZ4 frame. zstd is inflated with the pure-JavaScript `fzstd` package in
// streaming mode (output is collected chunk by chunk and stops past the declared size, so the
// declared size never drives an allocation); the LZ4 block and frame decoders are below, with
// every read and match offset bounds-checked.
'use strict';

const fzstd = require('fzstd');

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const LZ4_FRAME_MAGIC = [0x04, 0x22, 0x4d, 0x18];
const MAX_UNCOMPRESSED = 2 ** 32;
const LZ4_MAX_RATIO = 255;

class MemsliceCodecError extends Error {}

function startsWith(data, magic, at = 0) {
  return data.length >= at + magic.length && magic.every((b, i) => data[at + i] === b);
}

function isLegacy(data) {
  if (startsWith(data, LZ4_FRAME_MAGIC) && data.length > 4 && data[4] !== 0) return true;
  return startsWith(data, ZSTD_MAGIC) && !startsWith(data, ZSTD_MAGIC, 8);
}

function concat(chunks, total) {
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function zstdOnce(stream, cap) {
  const chunks = [];
  let total = 0;
  let done = false;
  const d = new fzstd.Decompress((chunk, final) => {
    total += chunk.length;
    if (total > cap) throw new MemsliceCodecError(`zstd stream inflates beyond ${cap} bytes`);
    chunks.push(chunk);
    if (final) done = true;
  });
  try {
    d.push(stream, true);
  } catch (e) {
    if (e instanceof MemsliceCodecError) throw e;
    throw new MemsliceCodecError(`zstd frame is corrupt: ${e.message}`);
  }
  if (!done) throw new MemsliceCodecError('zstd frame is truncated');
  return concat(chunks, total);
}

function zstd(stream, cap) {
  // memslicer 0.2.x padded size+stream to 8 with zero bytes: retry without up to 7 of them.
  for (let trim = 0; ; trim++) {
    try {
      return zstdOnce(stream.subarray(0, stream.length - trim), cap);
    } catch (e) {
      if (trim === 7 || stream.length - trim < 1 || stream[stream.length - trim - 1] !== 0) throw e;
    }
  }
}

// One LZ4 block (no size prefix) into exactly `size` bytes.
function lz4Block(src, size) {
  const dst = new Uint8Array(size);
  let s = 0;
  let d = 0;
  const need = (n) => {
    if (s + n > src.length) throw new MemsliceCodecError('LZ4 block is corrupt (reads past its end)');
  };
  while (s < src.length) {
    const token = src[s++];
    let lit = token >> 4;
    if (lit === 15) {
      for (;;) {
        need(1);
        const b = src[s++];
        lit += b;
        if (b !== 255) break;
      }
    }
    need(lit);
    if (d + lit > size) throw new MemsliceCodecError('LZ4 block inflates beyond its declared size');
    dst.set(src.subarray(s, s + lit), d);
    s += lit;
    d += lit;
    if (s >= src.length) break;
    need(2);
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    if (offset === 0 || offset > d) throw new MemsliceCodecError('LZ4 block is corrupt (bad match offset)');
    let len = token & 15;
    if (len === 15) {
      for (;;) {
        need(1);
        const b = src[s++];
        len += b;
        if (b !== 255) break;
      }
    }
    len += 4;
    if (d + len > size) throw new MemsliceCodecError('LZ4 block inflates beyond its declared size');
    for (let i = 0; i < len; i++, d++) dst[d] = dst[d - offset];
  }
  if (d !== size) throw new MemsliceCodecError(`LZ4 block inflates to ${d} bytes, not ${size}`);
  return dst;
}

function lz4BlockMax(src, cap) {
  // Inflate a block of unknown size (inside an LZ4 frame), at most `cap` bytes.
  const limit = Math.min(cap, LZ4_MAX_RATIO * src.length + 64);
  const dst = new Uint8Array(limit);
  let s = 0;
  let d = 0;
  while (s < src.length) {
    const token = src[s++];
    let lit = token >> 4;
    if (lit === 15) for (let b = 255; b === 255 && s < src.length; lit += (b = src[s++]));
    if (s + lit > src.length || d + lit > limit) throw new MemsliceCodecError('legacy LZ4 frame is corrupt');
    dst.set(src.subarray(s, s + lit), d);
    s += lit;
    d += lit;
    if (s >= src.length) break;
    if (s + 2 > src.length) throw new MemsliceCodecError('legacy LZ4 frame is corrupt');
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    let len = token & 15;
    if (len === 15) for (let b = 255; b === 255 && s < src.length; len += (b = src[s++]));
    len += 4;
    if (offset === 0 || offset > d || d + len > limit) throw new MemsliceCodecError('legacy LZ4 frame is corrupt');
    for (let i = 0; i < len; i++, d++) dst[d] = dst[d - offset];
  }
  return dst.subarray(0, d);
}

function u32le(data, at) {
  if (at + 4 > data.length) throw new MemsliceCodecError('legacy LZ4 frame is truncated');
  return (data[at] | (data[at + 1] << 8) | (data[at + 2] << 16)) + data[at + 3] * 2 ** 24;
}

function lz4Frame(data) {
  const flg = data[4];
  let pos = 6 + ((flg & 0x08) ? 8 : 0) + ((flg & 0x01) ? 4 : 0) + 1;
  const blockChecksum = (flg & 0x10) !== 0;
  const chunks = [];
  let total = 0;
  for (;;) {
    const word = u32le(data, pos);
    pos += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    const stored = word >= 0x80000000;
    if (pos + size > data.length) throw new MemsliceCodecError('legacy LZ4 frame is truncated');
    const chunk = data.subarray(pos, pos + size);
    const out = stored ? chunk : lz4BlockMax(chunk, MAX_UNCOMPRESSED - total);
    total += out.length;
    chunks.push(out);
    pos += size + (blockChecksum ? 4 : 0);
  }
  return concat(chunks, total);
}

class MemsliceCodec {
  constructor(compressed, compAlgo, isLe, legacy) {
    this.compressed = Boolean(compressed);
    this.compAlgo = Number(compAlgo);
    this.isLe = Boolean(isLe);
    this.legacy = Boolean(legacy);
  }

  decode(data) {
    if (!this.compressed) return data;
    if (this.compAlgo !== 1 && this.compAlgo !== 2) {
      throw new MemsliceCodecError(`Compressed flag set with CompAlgo ${this.compAlgo}`);
    }
    if (this.legacy && isLegacy(data)) {
      return startsWith(data, ZSTD_MAGIC) ? zstd(data, MAX_UNCOMPRESSED) : lz4Frame(data);
    }
    if (data.length < 8) throw new MemsliceCodecError(`compressed payload of ${data.length} bytes has no size prefix`);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const size = Number(view.getBigUint64(0, this.isLe));
    if (size > MAX_UNCOMPRESSED) throw new MemsliceCodecError(`UncompressedSize ${size} exceeds 4 GiB`);
    const stream = data.subarray(8);
    let out;
    if (this.compAlgo === 1) {
      out = zstd(stream, size);
    } else {
      if (stream.length < 4) throw new MemsliceCodecError('LZ4 block lacks its 4-byte size prefix');
      const inner = u32le(stream, 0);
      if (inner !== size) throw new MemsliceCodecError(`LZ4 size prefix ${inner} differs from ${size}`);
      if (size > LZ4_MAX_RATIO * stream.length + 64) throw new MemsliceCodecError('LZ4 block cannot inflate that far');
      let end = stream.length;
      // memslicer 0.2.x padded size+stream to 8 with zero bytes: retry without up to 7 of them.
      for (let trim = 0; trim < 8; trim++, end--) {
        if (trim && stream[end] !== 0) break;
        try {
          out = lz4Block(stream.subarray(4, end), size);
          break;
        } catch (e) {
          if (!(e instanceof MemsliceCodecError) || trim === 7) throw e;
        }
      }
      if (out === undefined) throw new MemsliceCodecError('LZ4 block is corrupt');
    }
    if (out.length !== size) throw new MemsliceCodecError(`payload inflates to ${out.length}, not ${size} bytes`);
    return out;
  }
}

module.exports = { MemsliceCodec, MemsliceCodecError };
