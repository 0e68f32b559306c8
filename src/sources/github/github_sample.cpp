#include "rpdata/sources/github/sample.h"

#include <cstdint>
#include <functional>

#include "rpdata/io/gzip_writer.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/json_writer.h"

namespace rpdata::sources::github {
namespace {

// splitmix64: explicit and stable across platforms.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::string ident() {
    static const char* kWords[] = {"buffer", "parse", "token", "index", "value", "count", "stream", "node",
                                   "render", "queue", "cache", "state", "frame", "entry", "table", "vector"};
    return std::string(kWords[next() % 16]) + "_" + kWords[next() % 16];
  }
};

struct Row {
  std::string repo, path, license, content, lang;
  bool null_content = false;
  bool raw_invalid_utf8 = false;  // content carries an invalid UTF-8 byte (raw, unescaped)
};

std::string c_file(Rng& r, int funcs) {
  std::string s = "#include <stdio.h>\n#include <stdlib.h>\n\n";
  for (int i = 0; i < funcs; ++i) {
    std::string f = r.ident();
    s += "/* Computes the " + f + " of a list. */\nstatic int " + f + "(const int *items, size_t n) {\n";
    s += "  int total = 0;\n  for (size_t i = 0; i < n; ++i) total += items[i] * " + std::to_string(r.next() % 97) +
         ";\n  return total;\n}\n\n";
  }
  return s;
}

std::string py_file(Rng& r, int funcs) {
  std::string s = "import os\nimport sys\n\n\n";
  for (int i = 0; i < funcs; ++i) {
    std::string f = r.ident();
    s += "def " + f + "(values):\n    \"\"\"Return the " + f + " of the values.\"\"\"\n";
    s += "    return sum(v * " + std::to_string(r.next() % 13) + " for v in values if v)\n\n\n";
  }
  return s;
}

std::vector<Row> rows_for(int file, Rng& r) {
  const std::string mit = "mit", bsd = "bsd-3-clause", apache = "apache-2.0";
  const std::string c_lang = R"([{"name":"C","bytes":"48213"},{"name":"Makefile","bytes":"1520"}])";
  const std::string py_lang = R"([{"name":"Python","bytes":"90211"}])";
  std::vector<Row> v;
  std::string copyright =
      "/*\n * Copyright (c) 2019 The Example Authors.\n * Use of this source code is governed by an MIT-style\n"
      " * license that can be found in the LICENSE file.\n */\n";
  std::string shared = c_file(r, 2);  // appears twice: a duplicate within the unit
  if (file == 0) {
    v.push_back({"acme/widgets", "src/widget.c", mit, copyright + c_file(r, 3), c_lang});
    v.push_back({"acme/widgets", "src/widget.h", mit, copyright + "#ifndef WIDGET_H\n#define WIDGET_H\nint widget_count(void);\n#endif\n", c_lang});
    v.push_back({"acme/widgets", "LICENSE", mit, "MIT License\n\nCopyright (c) 2019 Acme\n", c_lang});
    v.push_back({"acme/widgets", "certs/ca.crt", mit, "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n", c_lang});
    v.push_back({"acme/widgets", "src/util.c", mit, shared, c_lang});
    v.push_back({"acme/widgets", "vendor/util_copy.c", mit, shared, c_lang});
    v.push_back({"acme/widgets", "Makefile", mit, "# Build rules\n# (generated)\nCC ?= cc\nall: widget\n\twidget: src/widget.c\n\t$(CC) -o $@ $<\n", c_lang});
    v.push_back({"acme/widgets", "docs/README.md", mit, "# Widgets\n\nWidgets is a small library that counts and renders widgets.\nSee the examples directory for usage.\n", c_lang});
    v.push_back({"acme/widgets", "config/settings.json", mit, "{\"name\": \"widgets\", \"version\": \"1.0.0\"}\n", c_lang});
    v.push_back({"acme/widgets", "assets/logo.png", mit, "", c_lang, true});
    std::string minified = "var a=";
    for (int i = 0; i < 300; ++i) minified += "f(" + std::to_string(i) + "),";
    v.push_back({"acme/widgets", "dist/widget.min.js", mit, minified + "0;\n", c_lang});
    std::string wide;
    for (int i = 0; i < 20; ++i) wide += "  x_" + std::to_string(i) + " = compute(alpha, beta, gamma, delta, epsilon, zeta, eta, theta, iota, kappa, lambda, mu, nu);\n";
    v.push_back({"acme/widgets", "src/wide.py", mit, wide, c_lang});
    v.push_back({"acme/widgets", "art/banner.sh", mit, "echo '+----+----+----+'\necho '|    |    |    |'\necho '+----+----+----+'\n# ---- ==== ---- ==== ---- ====\n", c_lang});
    std::string table = "static const unsigned char kTable[] = {\n";
    for (int i = 0; i < 40; ++i) table += "  0x" + std::to_string(10 + r.next() % 89) + ", 0x" + std::to_string(10 + r.next() % 89) + ", 0x" + std::to_string(10 + r.next() % 89) + ", 0x" + std::to_string(10 + r.next() % 89) + ",\n";
    v.push_back({"acme/widgets", "src/table.c", mit, table + "};\n", c_lang});
    v.push_back({"acme/widgets", "src/empty.c", mit, "", c_lang});
    v.push_back({"gnu-fan/tool", "main.c", "gpl-3.0", c_file(r, 2), c_lang});
    v.push_back({"gnu-fan/tool", "tool.py", "lgpl-2.1", py_file(r, 2), py_lang});
  } else {
    v.push_back({"pyorg/kit", "kit/__init__.py", apache, "# Copyright 2020 Pyorg\n#\n# Licensed under the Apache License, Version 2.0\n\n" + py_file(r, 3), py_lang});
    v.push_back({"pyorg/kit", "kit/core.py", apache, "#!/usr/bin/env python3\n" + py_file(r, 4), py_lang});
    v.push_back({"pyorg/kit", "kit/unicode.py", apache, "# -*- coding: utf-8 -*-\nGREETING = \"Привет, мир\"  # Cyrillic\r\nNAME = \"数据\"\u2028\nVALUE = 3\x0c\nprint(GREETING, NAME, VALUE)\n", py_lang});
    v.push_back({"pyorg/kit", "kit/bad_bytes.py", apache, "print('caf\xE9')\n", py_lang, false, true});
    v.push_back({"pyorg/kit", "setup.py", apache, py_file(r, 1), py_lang});
    v.push_back({"pyorg/kit", "LICENSE", apache, "Apache License\nVersion 2.0, January 2004\n", py_lang});
    v.push_back({"pyorg/kit", "docs/LICENSE.md", apache, "Apache License\n\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n", py_lang});
    v.push_back({"bsdish/lib", "lib/queue.cc", bsd, "// Copyright 2018 bsdish contributors\n// SPDX-License-Identifier: BSD-3-Clause\n\n#include <queue>\n\nint queue_size(const std::queue<int>& q) { return static_cast<int>(q.size()); }\n", c_lang});
    v.push_back({"bsdish/lib", "lib/notes.c", bsd, "int first(void) { return 1; }\n/* Not a license block, but the first block comment. */\n// copyright notice below is kept by rp_v1\n", c_lang});
    v.push_back({"bsdish/lib", "Dockerfile", bsd, "FROM debian:12\nRUN apt-get update && apt-get install -y build-essential\nCOPY . /src\n", c_lang});
    v.push_back({"bsdish/lib", "lib/Query.java", bsd, "package lib;\n\npublic final class Query {\n  public int limit() { return 10; }\n}\n", c_lang});
    v.push_back({"bsdish/lib", "lib/ops.rs", bsd, "/* Copyright 2021 bsdish */\npub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n", c_lang});
    v.push_back({"bsdish/lib", "lib/data.yml", bsd, "name: lib\nversion: 2\n", c_lang});
  }
  return v;
}

}  // namespace

std::vector<std::string> write_sample(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> names;
  Rng r{20230417};
  for (int file = 0; file < 2; ++file) {
    std::string name = "github_00000000000" + std::to_string(file) + ".gz";
    io::GzipWriter w(dir / name, 9);
    std::string out;
    for (const Row& row : rows_for(file, r)) {
      // Column order of SELECT * over contents JOIN files JOIN licenses JOIN languages
      // (USING columns first): repo_name, id, size, content, binary, copies, ref, path, mode,
      // license, language. BigQuery's JSON export writes INT64 values as strings.
      std::string content = row.raw_invalid_utf8 ? "" : row.content;
      std::string blob = "blob " + std::to_string(row.content.size()) + std::string(1, '\0') + row.content;
      io::Hasher sha1(io::Hasher::Algo::kSha1);
      sha1.update(blob);
      out += "{\"repo_name\":";
      io::append_json_string(out, row.repo, io::JsonStyle::kCompact);
      out += ",\"id\":\"" + sha1.hex_digest() + "\",\"size\":\"" + std::to_string(row.content.size()) + "\"";
      if (row.null_content) {
        out += ",\"content\":null,\"binary\":true";
      } else if (row.raw_invalid_utf8) {
        out += ",\"content\":\"" + row.content.substr(0, row.content.size() - 1) + "\\n\",\"binary\":false";
      } else {
        out += ",\"content\":";
        io::append_json_string(out, row.content, io::JsonStyle::kCompact);
        out += ",\"binary\":false";
      }
      out += ",\"copies\":\"" + std::to_string(1 + r.next() % 3) + "\",\"ref\":\"refs/heads/master\",\"path\":";
      io::append_json_string(out, row.path, io::JsonStyle::kCompact);
      out += ",\"mode\":\"33188\",\"license\":";
      io::append_json_string(out, row.license, io::JsonStyle::kCompact);
      out += ",\"language\":" + row.lang + "}\n";
    }
    w.write(out);
    w.close();
    names.push_back(name);
  }
  return names;
}

}  // namespace rpdata::sources::github
