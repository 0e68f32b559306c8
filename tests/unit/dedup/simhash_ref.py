#!/usr/bin/env python3
"""Reference for the C++ Books SimHash, transcribed line by line from
  togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba:data_prep/book/dedup.py
    (get_features, find_match, and __main__'s merge of the per-chunk value_dict), on top of
  the PyPI `simhash` 2.1.2 that dedup.py imports (its newest release, 2022-03), transcribed from
  1e0ng/simhash@78f3b8d5b810d93443269b6e227cae7b95e67316:simhash/__init__.py
    (Simhash.build_by_features with the default md5 hashfunc and f=64, Simhash.distance,
    SimhashIndex.add / get_near_dups / offsets / get_keys),
with the standard library only. get_features' regex is identical. Deliberate differences:
  - build_by_features' numpy bit sums (unpackbits, batches of 200, packbits of sum > count/2)
    are written as per-byte bit counts; the value is the same (checked against the library
    itself on random Unicode texts).
  - dedup.py's defaults are fixed: -w 6, -k 5, -l 0 (no truncation before hashing).
  - `sig` takes a book as a file's text instead of a JSONL line's "text" field.
  - `keep` runs find_match over all books in one pass; dedup.py splits them into -n chunks
    and merges the chunks' dicts in order, which gives the same last-wins value_dict.
    --shared-ids returns that dict's flag per book (RedPajama's pg19/books3 id collision);
    without it each book gets its own find_match flag.

  simhash_ref.py sig FILE...   one line per file: 16 hex digits of the book's SimHash
                               (file read as UTF-8 text, no newline translation)
  simhash_ref.py keep [--shared-ids] < lines "key hexsig"
                               one line per book: 1 kept / 0 dropped, as dedup.py decides
"""
import collections
import hashlib
import re
import sys

WIDTH = 6
K = 5
F = 64


def get_features(s, width=WIDTH):  # dedup.py get_features
    s = s.lower()
    s = re.sub(r'[^\w]+', '', s)
    return [s[i:i + width] for i in range(max(len(s) - width + 1, 1))]


def simhash(features):
    """simhash 2.x build_by_features for a list of unweighted features: each feature's hash is
    md5(utf8).digest()[-8:]; bit i (of the big-endian integer) is set iff more than half the
    features have it."""
    digests = b''.join(hashlib.md5(f.encode('utf-8')).digest()[-8:] for f in features)
    count = len(features)
    value = 0
    for j in range(8):  # byte j of every digest, byte 0 most significant
        byte_counts = collections.Counter(digests[j::8])
        for bit in range(8):  # bit 7 of a byte is its most significant
            ones = sum(n for b, n in byte_counts.items() if b >> bit & 1)
            if ones > count / 2:
                value |= 1 << ((7 - j) * 8 + bit)
    return value


def offsets():  # SimhashIndex.offsets
    return [F // (K + 1) * i for i in range(K + 1)]


def get_keys(value):  # SimhashIndex.get_keys
    offs = offsets()
    for i, offset in enumerate(offs):
        if i == len(offs) - 1:
            m = 2 ** (F - offset) - 1
        else:
            m = 2 ** (offs[i + 1] - offset) - 1
        c = value >> offset & m
        yield '%x:%x' % (c, i)


def distance(a, b):
    return bin((a ^ b) & ((1 << F) - 1)).count('1')


def keep(books, shared_ids):
    bucket = collections.defaultdict(set)
    for obj_id, value in books:  # SimhashIndex.add
        for key in get_keys(value):
            bucket[key].add('%x,%s' % (value, obj_id))
    flags = []
    value_dict = {}
    for obj_id, value in books:  # find_match
        ans = set()
        for key in get_keys(value):
            for dup in bucket[key]:
                sim2, other = dup.split(',', 1)
                if distance(value, int(sim2, 16)) <= K:
                    ans.add(other)
        flag = 1
        for x in ans:
            if int(x) >= int(obj_id):
                continue
            flag = 0
            break
        flags.append(flag)
        value_dict[obj_id] = flag
    if shared_ids:
        return [value_dict[obj_id] for obj_id, _ in books]
    return flags


def main():
    if sys.argv[1] == 'sig':
        for path in sys.argv[2:]:
            with open(path, encoding='utf-8', newline='') as f:
                text = f.read()
            print('%016x' % simhash(get_features(text)))
    elif sys.argv[1] == 'keep':
        shared = '--shared-ids' in sys.argv[2:]
        books = []
        for line in sys.stdin:
            key, sig = line.split()
            books.append((key, int(sig, 16)))
        for flag in keep(books, shared):
            print(flag)
    else:
        sys.exit('usage: simhash_ref.py sig FILE... | keep [--shared-ids]')


if __name__ == '__main__':
    main()
