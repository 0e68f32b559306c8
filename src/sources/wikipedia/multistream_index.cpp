// A multistream dump's index (<dump>-multistream-index.txt.bz2, one "OFFSET:PAGEID:TITLE"
// line per page) read into its streams, and the dump cut into units of whole streams by it
// (the `wikipedia_xml` format's UnitSplitter). See wikipedia.h.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "bz2_stream.h"
#include "rpdata/core/error.h"
#include "rpdata/io/input_stream.h"
#include "rpdata/sources/wikipedia/wikipedia.h"

namespace rpdata::sources::wikipedia {
namespace {

bool parse_digits(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

bool starts_bz2_stream(const std::filesystem::path& file, uint64_t at) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) throw InputError(std::string("cannot open: ") + std::strerror(errno), file.string());
  unsigned char m[4] = {0, 0, 0, 0};
  size_t got = std::fseek(f, static_cast<long>(at), SEEK_SET) == 0 ? std::fread(m, 1, 4, f) : 0;
  std::fclose(f);
  return got == 4 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h' && m[3] >= '1' && m[3] <= '9';
}

}  // namespace

void IndexParser::add(std::string_view text) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) {
      partial_.append(text);
      return;
    }
    // seen_ counts the bytes of whole lines so far: where this line starts.
    size_t length = nl + 1;
    if (partial_.empty()) {
      line(text.substr(0, nl), seen_);
    } else {
      partial_.append(text.substr(0, nl));
      length = partial_.size() + 1;
      line(partial_, seen_);
      partial_.clear();
    }
    seen_ += length;
    text.remove_prefix(nl + 1);
  }
}

void IndexParser::line(std::string_view l, uint64_t at) {
  ++lines_;
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  auto bad = [&](const std::string& why) {
    throw InputError("multistream index line " + std::to_string(lines_) + ": " + why, index_, at);
  };
  size_t c1 = l.find(':');
  size_t c2 = c1 == std::string_view::npos ? c1 : l.find(':', c1 + 1);
  uint64_t offset = 0, page_id = 0;
  if (c2 == std::string_view::npos) bad("not OFFSET:PAGEID:TITLE");
  if (!parse_digits(l.substr(0, c1), offset)) bad("the stream offset is not a number");
  if (!parse_digits(l.substr(c1 + 1, c2 - c1 - 1), page_id)) bad("the page id is not a number");
  if (!streams_.empty() && offset == streams_.back().offset) {
    ++streams_.back().pages;
    return;
  }
  if (!streams_.empty() && offset < streams_.back().offset)
    bad("stream offset " + std::to_string(offset) + " comes after " + std::to_string(streams_.back().offset) +
        " (offsets must not decrease)");
  streams_.push_back({offset, 1, at});
}

std::vector<IndexStream> IndexParser::finish() {
  if (!partial_.empty()) {
    std::string last = std::move(partial_);
    partial_.clear();
    line(last, seen_);
    seen_ += last.size();
  }
  return std::move(streams_);
}

std::vector<IndexStream> read_multistream_index(const std::filesystem::path& index) {
  IndexParser parser(index.string());
  std::vector<char> buf(1 << 20);
  if (detail::Bz2Stream::is_bz2(index.string())) {
    detail::Bz2Stream in(index.string());
    while (size_t n = in.read(buf.data(), buf.size())) parser.add(std::string_view(buf.data(), n));
  } else {
    auto in = io::InputStream::open(index);
    while (size_t n = in->read(buf.data(), buf.size())) parser.add(std::string_view(buf.data(), n));
  }
  return parser.finish();
}

std::string multistream_index_name(const std::string& dump_name) {
  const std::string tail = "-multistream.xml.bz2";
  if (dump_name.size() <= tail.size() || !dump_name.ends_with(tail)) return "";
  return dump_name.substr(0, dump_name.size() - tail.size()) + "-multistream-index.txt.bz2";
}

std::vector<InputSlice> plan_slices(const std::string& name, const std::vector<IndexStream>& streams,
                                    uint64_t max_bytes, const std::string& index, uint64_t dump_size,
                                    const std::filesystem::path& dump) {
  // Pages in the header stream would be read again by every slice: such an index is not cut.
  if (streams.empty() || streams.front().offset == 0 || max_bytes == 0) return {};
  if (dump_size > 0)
    for (const auto& s : streams)
      if (s.offset >= dump_size)
        throw InputError("multistream index: stream offset " + std::to_string(s.offset) + " is past the end of " +
                             name + " (" + std::to_string(dump_size) + " bytes)",
                         index, s.index_at);
  std::vector<InputSlice> out;
  InputSlice cur{name, 0, 0, 0, 0};
  int64_t record = 0;
  size_t streams_in_cur = 0;
  for (size_t i = 0; i < streams.size(); ++i) {
    // The last stream's end is not in the index: it always joins the slice before it, so the
    // cut is the same whether or not the dump is here yet.
    uint64_t next = i + 1 < streams.size() ? streams[i + 1].offset : 0;
    if (streams_in_cur > 0 && next > 0 && next - cur.begin > max_bytes) {
      cur.end = streams[i].offset;
      out.push_back(cur);
      cur = InputSlice{name, streams[i].offset, 0, record, 0};
      streams_in_cur = 0;
      if (!dump.empty() && !starts_bz2_stream(dump, cur.begin))
        throw InputError("multistream index: no bz2 stream starts at byte " + std::to_string(cur.begin) + " of " +
                             name,
                         index, streams[i].index_at);
    }
    cur.records += streams[i].pages;
    record += streams[i].pages;
    ++streams_in_cur;
  }
  out.push_back(cur);
  return out;
}

UnitSplitter dump_splitter(uint64_t max_bytes) {
  UnitSplitter s;
  s.max_unit_bytes = max_bytes;
  s.how = "a multistream dump is cut by its -multistream-index.txt.bz2 into units of whole bz2 streams";
  s.companion = [max_bytes](const std::string& input) { return max_bytes ? multistream_index_name(input) : ""; };
  s.split = [max_bytes](const std::string& name, const std::filesystem::path& companion,
                        const std::filesystem::path& input) {
    uint64_t size = input.empty() ? 0 : std::filesystem::file_size(input);
    return plan_slices(name, read_multistream_index(companion), max_bytes, companion.string(), size, input);
  };
  return s;
}

}  // namespace rpdata::sources::wikipedia
