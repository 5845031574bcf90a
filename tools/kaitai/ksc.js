#!/usr/bin/env node
// Command-line front end for the npm (Scala.js) build of the Kaitai Struct compiler, which
// ships only a programmatic API (compiler.compile(lang, ksyObject, importer, debug)).
//
// usage: node ksc.js [-t LANG]... [--python-package PKG] [--debug] FILE.ksy OUTDIR
//        node ksc.js --version | --list
//
// Each target LANG is written to OUTDIR/LANG/. Two pitfalls of the npm build are handled:
//  * YAML integers above 2^53 would be rounded by js-yaml (JS numbers are doubles); they are
//    kept as strings, which ksc parses exactly with its own expression parser.
//  * The JS API has no --python-package option: `import foo` lines of modules compiled from
//    the same .ksy are rewritten to `from PKG import foo`.
// Exit status: 0 on success, 1 when the .ksy does not compile, 2 on a usage error.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');
const compiler = require('kaitai-struct-compiler');

function usage(code) {
  process.stderr.write(
    'usage: node ksc.js [-t LANG]... [--python-package PKG] [--debug] FILE.ksy OUTDIR\n' +
    '       node ksc.js --version | --list\n');
  process.exit(code);
}

const argv = process.argv.slice(2);
const langs = [];
const positional = [];
let debug = false;
let pythonPackage = '';
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '-t' || a === '--target') langs.push(argv[++i]);
  else if (a === '--python-package') pythonPackage = argv[++i];
  else if (a === '--debug') debug = true;
  else if (a === '--version') {
    console.log(`kaitai-struct-compiler ${compiler.version} (${compiler.buildDate})`);
    process.exit(0);
  } else if (a === '--list') {
    console.log(compiler.languages.join('\n'));
    process.exit(0);
  } else if (a === '-h' || a === '--help') usage(0);
  else if (a.startsWith('-')) {
    process.stderr.write(`unknown option ${a}\n`);
    usage(2);
  } else positional.push(a);
}
if (positional.length !== 2) usage(2);
if (langs.length === 0) langs.push('python');
for (const lang of langs) {
  if (!compiler.languages.includes(lang)) {
    process.stderr.write(`unknown target '${lang}'; known: ${compiler.languages.join(', ')}\n`);
    process.exit(2);
  }
}
const [ksyFile, outDir] = positional;

const exactInt = new yaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: yaml.types.int.resolve,
  construct(data) {
    const v = yaml.types.int.construct(data);
    return Number.isSafeInteger(v) ? v : String(data).replace(/_/g, '');
  },
  predicate: yaml.types.int.predicate,
  represent: yaml.types.int.represent,
  defaultStyle: yaml.types.int.defaultStyle,
});
const KSY_SCHEMA = yaml.DEFAULT_SCHEMA.extend({ implicit: [exactInt] });

function loadKsy(file) {
  return yaml.load(fs.readFileSync(file, 'utf8'), { filename: file, schema: KSY_SCHEMA });
}

function importer(mainFile) {
  const baseDir = path.dirname(path.resolve(mainFile));
  return {
    importYaml(name, mode) {
      const candidate = path.join(baseDir, name + '.ksy');
      if (mode === 'rel' && fs.existsSync(candidate)) {
        try {
          return Promise.resolve(loadKsy(candidate));
        } catch (e) {
          return Promise.reject(e);
        }
      }
      return Promise.reject(new Error(`import '${name}' (${mode}) not found; tried ${candidate}`));
    },
  };
}

function describe(e) {
  if (e == null) return String(e);
  return String(e.message != null ? e.message : e).trimEnd();
}

// Files are created new under an unpredictable name (NAME.<16 random hex>.partial, O_EXCL and
// O_NOFOLLOW, mode 0600), fsynced and renamed when complete, as memslice/atomic_output.py does.
function writeAtomic(dest, text) {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.${crypto.randomBytes(8).toString('hex')}.partial`;
  const c = fs.constants;
  const fd = fs.openSync(tmp, c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.unlinkSync(tmp);
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, dest);
}

async function main() {
  let spec;
  try {
    spec = loadKsy(ksyFile);
  } catch (e) {
    process.stderr.write(`${ksyFile}: error: ${describe(e)}\n`);
    process.exit(1);
  }
  for (const lang of langs) {
    let files;
    try {
      files = await compiler.compile(lang, spec, importer(ksyFile), debug);
    } catch (e) {
      process.stderr.write(`${ksyFile}: ${lang}: error: ${describe(e)}\n`);
      process.exit(1);
    }
    if (lang === 'python' && pythonPackage) {
      const mods = new Set(Object.keys(files).map((n) => n.replace(/\.py$/, '')));
      for (const name of Object.keys(files)) {
        files[name] = files[name].replace(/^import (\w+)$/gm,
          (line, mod) => (mods.has(mod) ? `from ${pythonPackage} import ${mod}` : line));
      }
    }
    for (const [name, contents] of Object.entries(files)) {
      const dest = path.join(outDir, lang, name);
      writeAtomic(dest, contents);
      console.log(`${ksyFile} -> ${dest}`);
    }
  }
}

main();
