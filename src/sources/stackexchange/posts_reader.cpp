// PostsReader: Posts.xml rows -> RedPajama's Q/A documents (filter.py + post_processing.py).
// Memory (docs/stackexchange.md "Memory"): in memory, one pass keeps every kept question's and
// answer's cleaned text until the end of the site; with max_buffer_bytes, questions go to a
// temporary log and answers through an external sort (qa_spill.h).
#include "rpdata/sources/stackexchange/stackexchange.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "rpdata/core/error.h"
#include "rpdata/io/archive_entry_stream.h"
#include "rpdata/io/line_reader.h"
#include "rpdata/sources/stackexchange/row_parser.h"
#include "rpdata/quality/langid.h"
#include "rpdata/sources/stackexchange/html_text.h"
#include "qa_spill.h"

namespace rpdata::sources::stackexchange {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Answer {
  std::string text;   // cleaned
  std::string score;  // the XML string
};

struct Question {
  std::string id;
  std::string text;   // cleaned "<Title> <Body>"
  std::string score;  // the XML string; empty with has_score false
  bool has_score = false;
};

int64_t numeric_score(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : 0;
}

constexpr uint64_t kPostOverhead = 96;  // bytes of bookkeeping per buffered post (approx.)

}  // namespace

std::string site_from_unit_name(const std::string& unit_name) {
  std::string s = unit_name;
  auto slash = s.rfind('/');
  if (slash != std::string::npos) s.erase(0, slash + 1);
  for (std::string_view ext : {".7z", ".xml"})
    if (ends_with(s, ext)) s.resize(s.size() - ext.size());
  if (ends_with(s, "-Posts")) s.resize(s.size() - 6);
  // Every site is a host name ("stackoverflow.com", "beer.stackexchange.com"); a name without
  // a dot ("Posts.xml" extracted by hand) would make urls like https://Posts/questions/1.
  if (s.empty() || s.find('.') == std::string::npos || s.front() == '.' || s.back() == '.')
    throw ConfigError("cannot tell the Stack Exchange site from the input name '" + unit_name +
                      "': name the file after its site (beer.stackexchange.com.7z, "
                      "beer.stackexchange.com-Posts.xml) or set [read] site");
  return s;
}

struct PostsReader::Impl {
  PostsReaderOptions opt;
  std::string path;
  io::LineReader lines;
  XmlRowParser parser;
  XmlElement row;
  Counts counts;
  bool assembled = false;
  size_t next_question = 0;
  int64_t next_id = 0;
  DropCounts pending_drops;  // drops of the row pass, reported with the first batch
  std::vector<Question> questions;
  std::unordered_map<std::string, std::vector<Answer>> answers;  // by ParentId, file order
  uint64_t buffered = 0;

  Impl(const std::filesystem::path& p, PostsReaderOptions o)
      : opt(std::move(o)), path(p.string()), lines(io::open_archive_member(p, opt.member), opt.max_row_bytes) {
    if (opt.site.empty()) opt.site = site_from_unit_name(p.filename().string());
    if (external()) {
      spill_dir = opt.spill_dir.empty() ? std::filesystem::temp_directory_path() : opt.spill_dir;
      qlog = std::make_unique<QuestionLog>(spill_dir);
      runs = std::make_unique<AnswerRuns>(spill_dir, opt.max_buffer_bytes);
    }
  }

  void account(uint64_t bytes) { buffered += bytes + kPostOverhead; }

  // External mode (max_buffer_bytes > 0).
  bool external() const { return opt.max_buffer_bytes > 0; }
  std::unique_ptr<QuestionLog> qlog;
  std::unique_ptr<AnswerRuns> runs;
  std::unordered_map<std::string, uint64_t> question_ord;  // id -> ordinal of the kept question
  std::filesystem::path spill_dir;
  // Answers seen before their question (or whose question never comes): in memory up to
  // max_buffer_bytes, then moved to early_log; the log is matched against every question's
  // ordinal once the pass is over.
  std::unordered_map<std::string, std::vector<SpilledAnswer>> early;
  uint64_t early_bytes = 0;
  std::unique_ptr<SpillFile> early_log;
  uint64_t answer_seq = 0, questions_logged = 0, questions_read = 0;
  SpilledAnswer lookahead;
  bool has_lookahead = false;
  bool done = false;

  void add_answer(const std::string& parent, std::string score, std::string text) {
    if (!external()) {
      account(text.size() + score.size());
      answers[parent].push_back(Answer{std::move(text), std::move(score)});
      return;
    }
    SpilledAnswer a{0, answer_seq++, std::move(score), std::move(text)};
    auto it = question_ord.find(parent);
    if (it == question_ord.end()) {
      early_bytes += early_cost(parent, a);
      early[parent].push_back(std::move(a));
      if (early_bytes > opt.max_buffer_bytes) spill_early();
      return;
    }
    a.question = it->second;
    runs->add(std::move(a));
  }

  void add_question(Question q) {
    if (!external()) {
      account(q.text.size() + q.id.size() + q.score.size());
      questions.push_back(std::move(q));
      return;
    }
    uint64_t ord = questions_logged++;
    qlog->add(SpilledQuestion{q.id, q.text, q.score, q.has_score});
    if (!question_ord.emplace(q.id, ord).second) return;  // duplicate Id: answers go to the first
    auto it = early.find(q.id);
    if (it != early.end()) {
      for (auto& a : it->second) {
        early_bytes -= early_cost(q.id, a);
        a.question = ord;
        runs->add(std::move(a));
      }
      early.erase(it);
    }
  }

  static uint64_t early_cost(const std::string& parent, const SpilledAnswer& a) {
    return parent.size() + a.score.size() + a.text.size() + kPostOverhead;
  }
  void spill_early() {
    if (!early_log) early_log = std::make_unique<SpillFile>(spill_dir);
    for (auto& [parent, list] : early)
      for (const auto& a : list) {
        early_log->put_str(parent);
        early_log->put_u64(a.seq);
        early_log->put_str(a.score);
        early_log->put_str(a.text);
      }
    early.clear();
    early_bytes = 0;
  }
  // After the pass: answers whose question came later go to the runs (their order there is
  // by (question, row sequence), whenever they are added); the rest are orphans, counted.
  int64_t resolve_early() {
    int64_t orphans = 0;
    for (const auto& [parent, list] : early) orphans += static_cast<int64_t>(list.size());
    early.clear();
    early_bytes = 0;
    if (!early_log) return orphans;
    early_log->finish_writing();
    std::string parent;
    SpilledAnswer a;
    while (early_log->get_str(parent)) {
      if (!early_log->get_u64(a.seq) || !early_log->get_str(a.score) || !early_log->get_str(a.text))
        throw IoError("spill file ends early", spill_dir.string());
      auto it = question_ord.find(parent);
      if (it == question_ord.end()) {
        ++orphans;
        continue;
      }
      a.question = it->second;
      runs->add(std::move(a));
      a = SpilledAnswer{};
    }
    early_log.reset();
    return orphans;
  }

  void row_line(const io::Line& line) {
    ++counts.rows;
    if (line.too_long) {
      ++pending_drops["read:row_too_long"];
      return;
    }
    std::string error;
    if (!parser.parse(line.text, row, error)) {
      if (error.rfind("DOCTYPE", 0) == 0 || error.rfind("entity", 0) == 0)
        throw InputError("Posts.xml row " + std::to_string(line.number) + ": " + error, path, line.offset);
      ++pending_drops["read:malformed_row"];
      return;
    }
    if (row.name != "row") {
      ++pending_drops["read:not_a_row"];
      return;
    }
    const std::string* id = row.find("Id");
    const std::string* parent = row.find("ParentId");
    const std::string* body = row.find("Body");
    const std::string* score = row.find("Score");
    if (parent != nullptr) {  // an answer
      if (body == nullptr || score == nullptr) {
        ++pending_drops["read:answer_without_body_or_score"];
        return;
      }
      ++counts.answers;
      add_answer(*parent, *score, clean_html(*body));
      return;
    }
    if (id == nullptr) {
      ++pending_drops["read:row_without_id"];
      return;
    }
    const std::string* title = row.find("Title");
    if (title == nullptr) {  // tag wikis etc.: filter.py keeps only titled posts (or crashes)
      ++pending_drops["read:post_without_title"];
      return;
    }
    ++counts.questions;
    Question q;
    q.id = *id;
    std::string raw = *title;
    raw += ' ';
    if (body != nullptr) raw += *body;
    q.text = clean_html(raw);
    if (score != nullptr) {
      q.score = *score;
      q.has_score = true;
    }
    add_question(std::move(q));
  }

  // Pass over every row: lines 1-2 are the header, the last line the footer.
  void read_rows() {
    io::Line line;
    uint64_t n = 0;
    std::string held;  // the previous line: a row unless it turns out to be the last one
    bool have_held = false;
    io::Line held_line;
    while (lines.next(line)) {
      ++n;
      if (n == 1) {
        std::string_view t = line.text;
        if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
        if (t.substr(0, 6) != "<?xml ")
          throw InputError("not a Stack Exchange Posts.xml (first line is no XML declaration)", path, 0);
        continue;
      }
      if (n == 2) {  // "<posts>": anything else (a DOCTYPE with entities, ...) is refused
        std::string_view t = line.text;
        while (!t.empty() && (t.back() == '\r' || t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        if (t != "<posts>")
          throw InputError("not a Stack Exchange Posts.xml (second line is not <posts>)", path, line.offset);
        continue;
      }
      if (have_held) row_line(held_line);
      held.assign(line.text);
      held_line = line;
      held_line.text = held;
      have_held = true;
    }
    std::string_view last = have_held ? std::string_view(held) : std::string_view();
    while (!last.empty() && (last.back() == '\r' || last.back() == ' ' || last.back() == '\t')) last.remove_suffix(1);
    while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
    if (last != "</posts>")
      throw TruncatedInputError("Posts.xml does not end with </posts> (truncated?)", path, lines.stream().offset());
    for (auto& [parent, list] : answers) sort_answers(list);
  }

  void sort_answers(std::vector<Answer>& list) const {
    if (opt.score_order == ScoreOrder::kString) {
      std::stable_sort(list.begin(), list.end(), [](const Answer& a, const Answer& b) { return a.score > b.score; });
    } else {
      std::stable_sort(list.begin(), list.end(), [](const Answer& a, const Answer& b) {
        return numeric_score(a.score) > numeric_score(b.score);
      });
    }
  }

  // External mode: the next question of the log with its answers (sorted), false at the end.
  bool next_external(Question& q, std::vector<Answer>& list) {
    SpilledQuestion sq;
    if (!qlog->next(sq)) return false;
    uint64_t ord = questions_read++;
    q = Question{std::move(sq.id), std::move(sq.text), std::move(sq.score), sq.has_score};
    list.clear();
    for (;;) {
      if (!has_lookahead) has_lookahead = runs->next(lookahead);
      if (!has_lookahead || lookahead.question != ord) break;
      list.push_back(Answer{std::move(lookahead.text), std::move(lookahead.score)});
      has_lookahead = false;
    }
    sort_answers(list);
    return true;
  }

  void emit(const Question& q, const std::vector<Answer>* list, Document& doc) {
    doc.text = "Q: " + q.text;
    if (list != nullptr) {
      for (size_t k = 0; k < list->size(); ++k) {
        doc.text += "\nA: ";
        doc.text += (*list)[k].text;
      }
    }
    doc.id = opt.id_prefix + "/" + std::to_string(next_id++);
    doc.source = opt.source;
    doc.meta.clear();
    std::string language;
    if (opt.lid) {
      std::string t = doc.text;
      std::replace(t.begin(), t.end(), '\n', ' ');
      auto pred = opt.lid->predict(t, 1);
      if (!pred.empty()) language = pred[0].label;
    }
    doc.meta.set("language", language);
    doc.meta.set("url", "https://" + opt.site + "/questions/" + q.id);
    doc.meta.set("timestamp", opt.timestamp);
    doc.meta.set("source", "stackexchange");
    // filter.py: an unanswered question without Score gets the int 0; otherwise the string.
    if (q.has_score) {
      doc.meta.set("question_score", q.score);
    } else if (list == nullptr) {
      doc.meta.set("question_score", int64_t{0});
    }
  }
};

PostsReader::PostsReader(const std::filesystem::path& path, PostsReaderOptions options)
    : impl_(std::make_unique<Impl>(path, std::move(options))) {}
PostsReader::~PostsReader() = default;

bool PostsReader::next(Batch& batch) {
  Impl& im = *impl_;
  batch.docs.clear();
  batch.drops.clear();
  if (!im.assembled) {
    im.read_rows();
    im.assembled = true;
    batch.drops = std::move(im.pending_drops);
    im.pending_drops.clear();
    int64_t orphans = 0;
    if (im.external()) {
      orphans = im.resolve_early();
      im.question_ord.clear();
      im.qlog->finish();
      im.runs->finish();
    } else {
      std::unordered_map<std::string_view, bool> ids;
      for (const auto& q : im.questions) ids.emplace(q.id, true);
      for (const auto& [parent, list] : im.answers)
        if (!ids.count(parent)) orphans += static_cast<int64_t>(list.size());
    }
    if (orphans) batch.drops["read:orphan_answer"] += orphans;
  }
  auto add = [&](const Question& q, const std::vector<Answer>* list) {
    if (list != nullptr && !q.has_score) {  // filter.py would raise KeyError('Score')
      ++batch.drops["read:answered_question_without_score"];
    } else {
      batch.docs.emplace_back();
      im.emit(q, list, batch.docs.back());
    }
  };
  if (im.external()) {
    Question q;
    std::vector<Answer> list;
    while (batch.docs.size() < im.opt.batch_docs) {
      if (!im.next_external(q, list)) {
        im.done = true;
        break;
      }
      add(q, list.empty() ? nullptr : &list);
    }
    return !batch.docs.empty() || !batch.drops.empty() || !im.done;
  }
  while (im.next_question < im.questions.size() && batch.docs.size() < im.opt.batch_docs) {
    Question& q = im.questions[im.next_question++];
    auto it = im.answers.find(q.id);
    add(q, it == im.answers.end() ? nullptr : &it->second);
    q = Question{};  // release memory as documents leave
    if (it != im.answers.end()) im.answers.erase(it);
  }
  return !batch.docs.empty() || !batch.drops.empty() || im.next_question < im.questions.size();
}

uint64_t PostsReader::bytes_read() const { return impl_->lines.stream().compressed_offset(); }
uint64_t PostsReader::raw_bytes_read() const { return impl_->lines.stream().offset(); }
const PostsReader::Counts& PostsReader::counts() const { return impl_->counts; }

int64_t count_posts(const std::filesystem::path& path, const std::string& member) {
  io::LineReader lines(io::open_archive_member(path, member), 1);  // lines are counted, never buffered
  io::Line line;
  int64_t n = 0;
  while (lines.next(line)) ++n;
  return n - 3;
}

std::vector<SiteCount> select_top_sites(std::vector<SiteCount> sites, size_t top) {
  std::sort(sites.begin(), sites.end(), [](const SiteCount& a, const SiteCount& b) {
    return a.posts != b.posts ? a.posts > b.posts : a.name < b.name;
  });
  if (sites.size() > top) sites.resize(top);
  return sites;
}

}  // namespace rpdata::sources::stackexchange
