// memslice capture agent (Frida 17, loaded by memslice.acquirer.frida.session).
//
// Control goes through Frida messages; page data goes through one TCP stream that the host
// opens to a port this agent listens on (127.0.0.1 of the target's device; the host reaches it
// directly for a local process, through device.open_channel("tcp:PORT") otherwise). The host
// proves itself with a 32-byte token sent first over the stream; other connections are closed.
//
// A read request {type: 'read', id, addr, pages, untouched} is answered with a message
// {type: 'states', id, states} (one digit per page: 0 read, 1 failed, 2 unmapped, 3 never touched)
// followed, on the stream and in request order, by the bytes of the '0' pages, back to back.
// Each page is judged on its own with a guarded one-byte read (a fault becomes an exception, never a
// crash); the readable runs are sent with writeMemoryRegion: the kernel copies them from the target's
// memory into the socket, so a page unmapped meanwhile fails the send (EFAULT), it cannot crash the
// target (the stream is then closed and the host asks again, see onRead).

var pageSize = Process.pageSize;
var listener = null;
var conn = null;
var chain = Promise.resolve();
var streamGeneration = 0;

function hex(buf) {
  var bytes = new Uint8Array(buf), out = '';
  for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return out;
}

function contextRegisters(context) {
  // General registers are accessors on the prototype (not own properties): walk the chain.
  var out = {}, seen = {}, obj = context;
  while (obj !== null && obj !== Object.prototype) {
    Object.getOwnPropertyNames(obj).forEach(function (name) {
      if (seen[name] || name === 'constructor') return;
      seen[name] = true;
      var value;
      try { value = context[name]; } catch (e) { return; }
      if (value instanceof ArrayBuffer) out[name] = {bytes: hex(value)};
      else if (value !== null && typeof value === 'object' && typeof value.toString === 'function'
               && /^0x[0-9a-f]+$/i.test(value.toString())) out[name] = value.toString();
      else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) out[name] = '0x' + value.toString(16);
    });
    obj = Object.getPrototypeOf(obj);
  }
  return out;
}

function readText(path) {
  try { return File.readAllText(path); } catch (e) { return null; }
}

function nativeCall(name, ret, args) {
  try {
    var address = Module.findGlobalExportByName(name);
    return address === null ? null : new NativeFunction(address, ret, args);
  } catch (e) { return null; }
}

function pageState(address) {
  return Process.findRangeByAddress(address) === null ? '2' : '1';
}

// Residency of [address, address + pages * pageSize) from /proc/self/pagemap (Linux, Android): one
// flag per page, true when present or swapped (bits 63, 62); null when pagemap cannot be read.
var pagemap = undefined;
function residency(address, pages) {
  if (pagemap === undefined) {
    try { pagemap = Process.platform === 'linux' ? new File('/proc/self/pagemap', 'rb') : null; }
    catch (e) { pagemap = null; }
  }
  if (pagemap === null) return null;
  try {
    pagemap.seek(Math.floor(Number(address.toString()) / pageSize) * 8, File.SEEK_SET);
    var raw = pagemap.readBytes(pages * 8);
    if (raw.byteLength !== pages * 8) return null;
    var bytes = new Uint8Array(raw), out = new Array(pages);
    for (var i = 0; i < pages; i++) out[i] = (bytes[i * 8 + 7] & 0xc0) !== 0;
    return out;
  } catch (e) {
    return null;
  }
}

// Judge every page with a guarded one-byte read (protection and SIGBUS are per page): 0 readable,
// else 1 (mapped but unreadable) or 2 (unmapped). With `untouched`, a page pagemap shows neither
// present nor swapped is 3 (never touched: reads as zero) and is not touched by the probe.
function judgePages(address, pages, untouched) {
  var states = new Array(pages);
  var resident = untouched ? residency(address, pages) : null;
  for (var i = 0; i < pages; i++) {
    var page = address.add(i * pageSize);
    if (resident !== null && !resident[i]) { states[i] = '3'; continue; }
    try { page.readU8(); states[i] = '0'; } catch (e) { states[i] = pageState(page); }
  }
  return states.join('');
}

function onRead(message) {
  recv('read', onRead);
  var address = ptr(message.addr);
  var states = judgePages(address, message.pages, message.untouched === true);
  var generation = streamGeneration;
  send({type: 'states', id: message.id, states: states});
  var runs = [], re = /0+/g, m;
  while ((m = re.exec(states)) !== null) runs.push([address.add(m.index * pageSize), m[0].length * pageSize]);
  // The kernel copies the pages into the socket (no copy here); a page that became unreadable since it
  // was judged makes the send fail with EFAULT (never a fault in the target). The stream is then out of
  // step: it is closed, nothing more is written to it, and the host reconnects and asks again.
  chain = chain.then(async function () {
    if (generation !== streamGeneration || conn === null) return;
    for (var i = 0; i < runs.length; i++) await conn.output.writeMemoryRegion(runs[i][0], runs[i][1]);
  }).catch(async function (e) {
    if (generation !== streamGeneration) return;
    streamGeneration++;
    var broken = conn;
    conn = null;
    send({type: 'stream-broken', id: message.id, error: String(e)});
    try { await broken.close(); } catch (x) {}
  });
}
recv('read', onRead);

rpc.exports = {
  identity: function () {
    var main = Process.mainModule;
    var getppid = Process.platform === 'windows' ? null : nativeCall('getppid', 'int', []);
    return {
      pid: Process.id, ppid: getppid === null ? null : getppid(), arch: Process.arch,
      platform: Process.platform, pageSize: pageSize, pointerSize: Process.pointerSize,
      name: main.name, path: main.path,
      cmdline: Process.platform === 'linux' ? readText('/proc/self/cmdline') : null,
    };
  },
  ranges: function () {
    return {
      ranges: Process.enumerateRanges({protection: '---', coalesce: false}),
      maps: Process.platform === 'linux' ? readText('/proc/self/maps') : null,
    };
  },
  modules: function () {
    return Process.enumerateModules().map(function (m) {
      return {name: m.name, path: m.path, base: m.base.toString(), size: m.size};
    });
  },
  threads: function () {
    return Process.enumerateThreads().map(function (t) {
      return {id: t.id, name: t.name === undefined ? null : t.name, state: t.state,
              registers: contextRegisters(t.context)};
    });
  },
  listen: async function (token) {
    var l = await Socket.listen({family: 'ipv4', host: '127.0.0.1', port: 0, backlog: 4});
    listener = l;
    (async function () {
      while (conn === null) {
        var c = await l.accept();
        var got = hex(await c.input.readAll(32));
        if (got === token) { streamGeneration++; conn = c; c.setNoDelay(true); }
        else await c.close();
      }
      if (listener === l) listener = null;
      await l.close();
    })().catch(function (e) { send({type: 'stream-error', id: -1, error: String(e)}); });
    return l.port;
  },
  ready: function () { return conn !== null; },
  close: async function () {
    // A broken stream (see onRead) may drop conn while the chain settles: close what is left after it.
    await chain;
    var c = conn, l = listener;
    conn = null;
    listener = null;
    if (c !== null) await c.close();
    if (l !== null) await l.close();
  },
};
