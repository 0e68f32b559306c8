#!/usr/bin/env node
// The reference GPT-NeoX tokenisation: Hugging Face `tokenizers` 0.22 (Rust, Oniguruma) through
// the npm N-API bindings @anush008/tokenizers@0.6.0, encode(text, null, {addSpecialTokens:
// false}) -- what RedPajama's token_count.py measured.
//
// Ids:   node reference_tokenize.js ids NODE_MODULES TOKENIZER_JSON DOCS_JSONL OUT_TXT
//        writes one line per document: its ids separated by spaces.
// Bin:   node reference_tokenize.js bin NODE_MODULES TOKENIZER_JSON DOCS_JSONL OUT_BIN
//        what a preprocessing step does with the ids: encode each document, append the
//        end-of-document id 0, write the ids as little-endian uint16 to OUT_BIN; prints
//        "wall_seconds cpu_seconds bytes tokens_with_eod" (reading the documents excluded).
// Bench: node reference_tokenize.js bench NODE_MODULES TOKENIZER_JSON DOCS_JSONL RUNS
//        encodes every document one by one (awaiting each, like a per-document counter)
//        RUNS times and prints one line per run: "wall_seconds cpu_seconds bytes tokens"
//        (encoding only; CPU = user+system time of the whole process, all threads).
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [mode, modules, tokenizerJson, docsPath, arg] = process.argv.slice(2);
  if (!['ids', 'bin', 'bench'].includes(mode) || !arg) {
    console.error('usage: reference_tokenize.js ids|bin|bench NODE_MODULES TOKENIZER_JSON DOCS OUT|RUNS');
    process.exit(2);
  }
  const { Tokenizer } = require(path.join(modules, '@anush008', 'tokenizers'));
  const tokenizer = Tokenizer.fromFile(tokenizerJson);
  const texts = fs.readFileSync(docsPath, 'utf8').split('\n').filter((l) => l.length > 0)
    .map((l) => JSON.parse(l).text);
  const options = { addSpecialTokens: false };

  if (mode === 'ids') {
    const out = fs.openSync(arg, 'w');
    const batch = 64;  // encodeBatch: same ids as encode, faster over many documents
    for (let i = 0; i < texts.length; i += batch) {
      const encodings = await tokenizer.encodeBatch(texts.slice(i, i + batch), options);
      fs.writeSync(out, encodings.map((e) => e.getIds().join(' ')).join('\n') + '\n');
    }
    fs.closeSync(out);
    return;
  }

  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
  if (mode === 'bin') {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const out = fs.openSync(arg, 'w');
    let tokens = 0;
    for (const text of texts) {
      const ids = (await tokenizer.encode(text, null, options)).getIds();
      const buf = Buffer.alloc(2 * (ids.length + 1));
      ids.forEach((id, i) => buf.writeUInt16LE(id, 2 * i));
      buf.writeUInt16LE(0, 2 * ids.length);
      fs.writeSync(out, buf);
      tokens += ids.length + 1;
    }
    fs.closeSync(out);
    const cpu = process.cpuUsage(cpuStart);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`${seconds.toFixed(6)} ${((cpu.user + cpu.system) / 1e6).toFixed(6)} ${bytes} ${tokens}`);
    return;
  }
  for (let run = 0; run < Number(arg); ++run) {
    let tokens = 0;
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    for (const text of texts) {
      const enc = await tokenizer.encode(text, null, options);
      tokens += enc.getLength();
    }
    const cpu = process.cpuUsage(cpuStart);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(`${seconds.toFixed(6)} ${cpuSeconds.toFixed(6)} ${bytes} ${tokens}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
