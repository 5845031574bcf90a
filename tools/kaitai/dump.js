#!/usr/bin/env node
// Parse .msl files with the JavaScript parser compiled from generated/kaitai/memslice.ksy and
// print each parse tree as JSON: user types as objects with "_type" (the class name), their
// seq fields and their instances (getters, read once), byte arrays as {"hex": ...}, integers
// as JSON numbers (the JavaScript runtime reads u8 as a double: exact only up to 2^53).
//
// usage: node dump.js PARSER.js FILE.msl...     (NODE_PATH must reach kaitai-struct and
//        MemsliceCodec.js, e.g. NODE_PATH=tools/kaitai/node_modules:tools/kaitai/js)
// Output: one JSON document {"files": [{"file", "tree"} or {"file", "error"}]} on stdout.
'use strict';
const fs = require('fs');
const path = require('path');
const KaitaiStream = require('kaitai-struct/KaitaiStream');

function isStruct(v) {
  return v !== null && typeof v === 'object' && v._io instanceof KaitaiStream;
}

function getters(obj) {
  const names = [];
  for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      if (typeof d.get === 'function' && !name.startsWith('_')) names.push(name);
    }
  }
  return names;
}

function toJson(v) {
  if (v instanceof Uint8Array) return { hex: Buffer.from(v).toString('hex') };
  if (Array.isArray(v)) return v.map(toJson);
  if (isStruct(v)) {
    const out = { _type: v.constructor.name };
    for (const [k, x] of Object.entries(v)) {
      if (!k.startsWith('_')) out[k] = toJson(x);
    }
    for (const name of getters(v)) out[name] = toJson(v[name]);
    return out;
  }
  if (typeof v === 'bigint') return v.toString();
  return v === undefined ? null : v;
}

const [parserFile, ...files] = process.argv.slice(2);
if (!parserFile || files.length === 0) {
  process.stderr.write('usage: node dump.js PARSER.js FILE.msl...\n');
  process.exit(2);
}
const Parser = require(path.resolve(parserFile));
const Root = Parser[Object.keys(Parser)[0]];
const result = { files: [] };
for (const file of files) {
  const data = fs.readFileSync(file);
  try {
    const root = new Root(new KaitaiStream(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    result.files.push({ file, tree: toJson(root) });
  } catch (e) {
    result.files.push({ file, error: `${e.constructor.name}: ${e.message}` });
  }
}
process.stdout.write(JSON.stringify(result));
