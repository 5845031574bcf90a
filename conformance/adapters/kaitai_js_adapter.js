#!/usr/bin/env node
// msl-conformance/1 adapter for the Kaitai Struct parser compiled to JavaScript from
// generated/kaitai/memslice.ksy (`make kaitai` writes build/kaitai/javascript/Memslice.js).
//
// Written from conformance/contract.md alone, as a third party would: it shows that the
// contract is language-neutral. Values come from the Kaitai parse tree only. The Kaitai
// JavaScript runtime reads every u8 as a double, exact only up to 2^53, so a larger u64
// (a StartTime or Timestamp in nanoseconds) can come out rounded: such differences are this
// parser's known failures, not the adapter's.
//
//   node kaitai_js_adapter.js capabilities
//   node kaitai_js_adapter.js read FILE.msl
//   node kaitai_js_adapter.js read-batch     (one JSON array of read's arguments per stdin line)
//
// Exit status: 0 document printed, 1 the parser refuses the file, 2 the adapter failed.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const ROOT = path.resolve(__dirname, '..', '..');
const PARSER = path.join(ROOT, 'build', 'kaitai', 'javascript', 'Memslice.js');
const MODULE_DIRS = [path.join(ROOT, 'tools', 'kaitai', 'node_modules'), path.join(ROOT, 'tools', 'kaitai', 'js')];
// the compiled parser requires 'kaitai-struct/KaitaiStream' and 'MemsliceCodec' by name
process.env.NODE_PATH = [...MODULE_DIRS, process.env.NODE_PATH || ''].filter(Boolean).join(path.delimiter);
require('module').Module._initPaths();

const CAPABILITIES = {
  contract: 'msl-conformance/1',
  canon: 'msl-canon/1',
  name: 'kaitai-js',
  version: 'kaitai-struct-compiler 0.11.0, kaitai-struct (JavaScript runtime) 0.11',
  language: 'javascript (node; compiled from generated/kaitai/memslice.ksy)',
  spec_versions: ['1.0', '1.1'],
  features: ['header', 'big-endian', 'zstd', 'lz4', 'continuation', 'regions'],
  notes: 'declarative parser only: no hashing, no extension-segment verification, u8 read as doubles',
  batch: true,
};

const STATE_NAMES = ['captured', 'failed', 'unmapped', 'not_resident'];
const END_OF_CAPTURE = 0x0fff;
const END_OF_EXTENSION = 0x0ffe;
const MEMORY_REGION = 0x0001;

function load(name) {
  for (const dir of MODULE_DIRS) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate) || fs.existsSync(candidate + '.js')) return require(candidate);
  }
  return require(name);
}

function hex(n) {
  return '0x' + BigInt(n).toString(16);
}

function dec(n) {
  return BigInt(n).toString(10);
}

function bytesHex(b) {
  return Buffer.from(b).toString('hex');
}

function uuid(b) {
  const h = bytesHex(b);
  if (/^0*$/.test(h)) return null;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function value(v) {
  // a flag set or enum is an object with `value` in the tree, a plain number otherwise
  return v !== null && typeof v === 'object' && 'value' in v ? v.value : v;
}

function header(root, body) {
  const h = body.header;
  return {
    magic: bytesHex(root.magic), endianness: dec(root.endianness), header_size: dec(root.headerSize),
    version: hex(h.version), flags: hex(value(h.flags)), cap_bitmap: hex(value(h.capBitmap)),
    dump_uuid: uuid(h.dumpUuid), timestamp: dec(h.timestamp), os_type: dec(value(h.osType)),
    arch_type: dec(value(h.archType)), pid: dec(h.pid), clock_source: dec(value(h.clockSource)),
    block_count: dec(h.blockCount || 0), hash_algo: dec(value(h.hashAlgo) || 0),
  };
}

function pageRuns(states) {
  const runs = [];
  for (const s of states) {
    const name = STATE_NAMES[s];
    if (runs.length && runs[runs.length - 1][0] === name) runs[runs.length - 1][1] += 1;
    else runs.push([name, 1]);
  }
  return runs.map(([name, n]) => [name, String(n)]);
}

function region(p) {
  const data = p.pageData instanceof Uint8Array ? p.pageData : new Uint8Array(0);
  return {
    base_addr: hex(p.baseAddr), region_size: hex(p.regionSize), protection: hex(value(p.protection)),
    region_type: dec(value(p.regionType)), page_size_log2: dec(p.pageSizeLog2), timestamp: dec(p.timestamp),
    page_states: pageRuns(p.pageStateMap.states), captured_bytes: hex(data.length),
    captured_sha256: crypto.createHash('sha256').update(data).digest('hex'),
  };
}

function read(file) {
  const KaitaiStream = load('kaitai-struct/KaitaiStream');
  const Parser = require(PARSER);
  const Root = Parser[Object.keys(Parser)[0]];
  const data = fs.readFileSync(file);
  let root;
  let blocks;
  try {
    root = new Root(new KaitaiStream(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    blocks = root.body.blocks || [];
  } catch (e) {
    return [1, null, `the parser refuses the file: ${e.constructor.name}: ${e.message}`];
  }
  if (root.body.isEncrypted) return [1, null, 'encrypted file: not read (feature encryption not declared)'];
  const out = [];
  let segment = 0;
  let complete = false;
  for (const b of blocks) {
    const h = b.header;
    const type = h.blockType;
    const entry = {
      index: String(out.length), offset: hex(b.ofsBlock), type: '0x' + type.toString(16).padStart(4, '0'),
      flags: hex(value(h.flags)), length: hex(h.blockLength), payload_version: dec(h.payloadVersion),
      uuid: uuid(h.blockUuid), parent_uuid: uuid(h.parentUuid), prev_hash: bytesHex(h.prevHash),
      segment: String(segment),
    };
    // a draft (G0) region has no PageSizeLog2: its payload is compared only with dialect-g0
    if (type === MEMORY_REGION && b.payload && b.payload.pageStateMap && b.payload.pageSizeLog2 !== undefined) {
      entry.payload = region(b.payload);
    }
    out.push(entry);
    if (type === END_OF_CAPTURE && segment === 0) {
      segment = 1;
      complete = true;
    } else if (type === END_OF_EXTENSION && segment > 0) {
      segment += 1;
    }
  }
  return [0, {canon: 'msl-canon/1', result: complete ? 'complete' : 'truncated', header: header(root, root.body),
    blocks: out}, null];
}

// What `read ARGS` prints and returns: [exit status, stdout text, stderr text].
function answer(args) {
  if (args.length !== 1) return [2, '', 'usage: kaitai_js_adapter.js capabilities | read FILE | read-batch\n'];
  try {
    const [status, doc, why] = read(args[0]);
    return [status, doc ? JSON.stringify(doc, null, 2) + '\n' : '', why ? why + '\n' : ''];
  } catch (e) {
    // the adapter itself failed (never a verdict on the file): the error first, then the stack
    return [2, '', `adapter error: ${e && e.stack ? e.stack : e}\n`];
  }
}

// read-batch (contract.md, "Batch mode"): each stdin line is a JSON array of the arguments of
// `read`; each answer is one line {args, exit, stdout, stderr}, written at once (pipes are
// synchronous on Linux). read() keeps no state between files.
function serveBatch() {
  const lines = require('readline').createInterface({input: process.stdin, crlfDelay: Infinity});
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let args;
    try {
      args = JSON.parse(line);
    } catch (e) {
      args = null;
    }
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
      process.stderr.write(`read-batch: a request is not a JSON array of strings: ${line.slice(0, 200)}\n`);
      process.exit(2);
    }
    const [status, stdout, stderr] = answer(args);
    process.stdout.write(JSON.stringify({args, exit: status, stdout, stderr}) + '\n');
  });
}

function main(argv) {
  if (argv.length === 1 && argv[0] === 'capabilities') {
    process.stdout.write(JSON.stringify(CAPABILITIES, null, 2) + '\n');
    return 0;
  }
  if (argv.length === 1 && argv[0] === 'read-batch') {
    serveBatch();
    return 0;
  }
  if (argv.length !== 2 || argv[0] !== 'read') {
    process.stderr.write('usage: kaitai_js_adapter.js capabilities | read FILE | read-batch\n');
    return 2;
  }
  const [status, stdout, stderr] = answer(argv.slice(1));
  if (stderr) process.stderr.write(stderr);
  if (stdout) process.stdout.write(stdout);
  return status;
}

process.exitCode = main(process.argv.slice(2));
