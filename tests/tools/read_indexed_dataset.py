#!/usr/bin/python3
"""An independent reader of rpdata's tokenized datasets, written from the published format, not
from rpdata's code: the MMIDIDX indexed dataset as GPT-NeoX writes and reads it
(EleutherAI/gpt-neox@ea7aefd megatron/data/indexed_dataset.py, MMapIndexedDataset.Index:
magic b"MMIDIDX\\x00\\x00", version <Q = 1, dtype code <B (4 int32, 8 uint16), sequence count <Q,
document count <Q, then int32 sizes, int64 pointers, int64 document index), with numpy.

Usage: read_indexed_dataset.py TOKENIZER_JSON DATASET_DIR RUN_DIR TEXTS_OUT IDS_OUT

For every source of DATASET_DIR/manifest.json and every shard of its manifest: checks the index
(counts, pointers = byte offsets of consecutive sequences, document index 0..n, .bin size),
that each document ends with the end-of-document id, and that byte-level decoding of the rest
(GPT-2's bytes_to_unicode table over tokenizer.json's vocabulary) gives back the text of the
run's record it came from, NFC-normalized when tokenizer.json's normalizer is NFC (GPT-NeoX-20B's) (the shard's inputs in DATASET_DIR/_work/<source>/plan.json). Writes
the records' texts (JSONL, {"text": ...}) and the ids without the EOD (one line per document) in
the same order, for a comparison with the reference tokenizer's ids. Prints
"<documents> <tokens with EOD>" and exits 1 on the first mismatch.
"""
import json
import os
import struct
import subprocess
import sys
import unicodedata

import numpy as np

DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float32, 7: np.float64, 8: np.uint16}


def fail(msg):
    print('FAIL: ' + msg, file=sys.stderr)
    sys.exit(1)


def bytes_to_unicode():
    """GPT-2's byte <-> printable character table (openai/gpt-2 encoder.py)."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('\xa1'), ord('\xac') + 1)) + \
        list(range(ord('\xae'), ord('\xff') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def load_decoder(tokenizer_json):
    """Byte strings by id, and the normalizer's form ("NFC" or None)."""
    with open(tokenizer_json, encoding='utf-8') as f:
        t = json.load(f)
    normalizer = (t.get('normalizer') or {}).get('type')
    if normalizer not in (None, 'NFC'):
        fail('normalizer %s: this reader knows NFC only' % normalizer)
    byte_of = {c: b for b, c in bytes_to_unicode().items()}
    pieces = {}
    for token, i in t['model']['vocab'].items():
        pieces[i] = bytes(byte_of[c] for c in token)
    for added in t.get('added_tokens', []):
        pieces[added['id']] = added['content'].encode('utf-8')
    return pieces, normalizer


def read_index(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:9] != b'MMIDIDX\x00\x00':
        fail('%s: bad magic' % path)
    (version,) = struct.unpack('<Q', data[9:17])
    if version != 1:
        fail('%s: version %d' % (path, version))
    (code,) = struct.unpack('<B', data[17:18])
    dtype = DTYPES[code]
    n, docs = struct.unpack('<QQ', data[18:34])
    offset = 34
    sizes = np.frombuffer(data, dtype=np.int32, count=n, offset=offset)
    pointers = np.frombuffer(data, dtype=np.int64, count=n, offset=offset + sizes.nbytes)
    doc_idx = np.frombuffer(data, dtype=np.int64, count=docs, offset=offset + sizes.nbytes + pointers.nbytes)
    if offset + sizes.nbytes + pointers.nbytes + doc_idx.nbytes != len(data):
        fail('%s: %d bytes, the counts say otherwise' % (path, len(data)))
    return dtype, sizes, pointers, doc_idx


def records(run_dir, source, name):
    out = subprocess.run(['zstd', '-dcq', os.path.join(run_dir, source, name)], check=True, stdout=subprocess.PIPE).stdout
    return [json.loads(line)['text'] for line in out.decode('utf-8').split('\n') if line]


def main():
    tokenizer_json, dataset, run_dir, texts_out, ids_out = sys.argv[1:6]
    pieces, normalizer = load_decoder(tokenizer_json)
    with open(os.path.join(dataset, 'manifest.json'), encoding='utf-8') as f:
        top = json.load(f)
    eod = top['eod_id']
    want_dtype = {'uint16': np.uint16, 'int32': np.int32}[top['dtype']]
    total_docs = total_tokens = 0
    with open(texts_out, 'w', encoding='utf-8') as texts, open(ids_out, 'w', encoding='utf-8') as ids_file:
        for source in sorted(top['sources']):
            with open(os.path.join(dataset, source, 'manifest.json'), encoding='utf-8') as f:
                manifest = json.load(f)
            with open(os.path.join(dataset, '_work', source, 'plan.json'), encoding='utf-8') as f:
                plan = {s['prefix']: s['inputs'] for s in json.load(f)['shards']}
            source_tokens = 0
            for shard in manifest['shards']:
                prefix = shard['prefix']  # "<source>/<name>"
                name = prefix.split('/', 1)[1]
                dtype, sizes, pointers, doc_idx = read_index(os.path.join(dataset, prefix + '.idx'))
                if dtype != want_dtype:
                    fail('%s: dtype %s, the manifest says %s' % (prefix, dtype, top['dtype']))
                itemsize = np.dtype(dtype).itemsize
                expected = np.zeros(len(sizes), dtype=np.int64)
                np.cumsum(sizes[:-1].astype(np.int64) * itemsize, out=expected[1:])
                if not np.array_equal(pointers, expected):
                    fail('%s: pointers are not the byte offsets of consecutive sequences' % prefix)
                if not np.array_equal(doc_idx, np.arange(len(sizes) + 1)):
                    fail('%s: document index is not 0..%d' % (prefix, len(sizes)))
                bin_path = os.path.join(dataset, prefix + '.bin')
                if os.path.getsize(bin_path) != int(sizes.astype(np.int64).sum()) * itemsize:
                    fail('%s: .bin size does not match the index' % prefix)
                tokens = np.memmap(bin_path, dtype=dtype, mode='r') if os.path.getsize(bin_path) else np.zeros(0, dtype)
                texts_of_shard = []
                for inp in plan[name]:
                    texts_of_shard += records(run_dir, source, inp['name'])
                if len(texts_of_shard) != len(sizes):
                    fail('%s: %d sequences, the run has %d records' % (prefix, len(sizes), len(texts_of_shard)))
                for i, text in enumerate(texts_of_shard):
                    start = pointers[i] // itemsize
                    seq = tokens[start:start + sizes[i]]
                    if len(seq) == 0 or int(seq[-1]) != eod:
                        fail('%s document %d does not end with the EOD id %d' % (prefix, i, eod))
                    body = [int(x) for x in seq[:-1]]
                    decoded = b''.join(pieces[x] for x in body).decode('utf-8')
                    if decoded != (unicodedata.normalize(normalizer, text) if normalizer else text):
                        fail('%s document %d decodes to %r..., the record is %r...' % (prefix, i, decoded[:80], text[:80]))
                    texts.write(json.dumps({'text': text}) + '\n')
                    ids_file.write(' '.join(map(str, body)) + '\n')
                source_tokens += int(sizes.astype(np.int64).sum())
                total_docs += len(sizes)
            if source_tokens != manifest['tokens_with_eod']:
                fail('%s: %d tokens in its datasets, its manifest says %d' % (source, source_tokens, manifest['tokens_with_eod']))
            total_tokens += source_tokens
    if total_tokens != top['tokens_with_eod'] or total_docs != top['docs']:
        fail('totals %d docs / %d tokens, the manifest says %d / %d' % (total_docs, total_tokens, top['docs'], top['tokens_with_eod']))
    print(total_docs, total_tokens)


if __name__ == '__main__':
    main()
