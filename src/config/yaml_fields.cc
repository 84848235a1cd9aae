#include "config/yaml_fields.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>

#include "util/file_reader.h"

namespace netif::config_yaml {

using std::chrono::milliseconds;

std::string DescribeType(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

int LineOf(const YAML::Node& node, int fallback) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0) return fallback;
  return mark.line + 1;
}

std::string JoinKey(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string Field::Scalar() const {
  if (node_.IsNull()) Fail("missing value (write \"\" for an empty string)");
  if (!node_.IsScalar()) Fail("want a single value, got " + DescribeType(node_));
  return node_.Scalar();
}

std::string Field::Path() const {
  std::string path = Scalar();
  if (path.empty()) Fail("must not be empty");
  return path;
}

milliseconds Field::Duration(milliseconds min, milliseconds max) const {
  const milliseconds duration = Parse(ParseDuration);
  if (std::optional<std::string> why = CheckDurationRange(duration, min, max)) Fail(*why);
  return duration;
}

double Field::Fraction() const {
  const double value = Parse(ParseNumber);
  if (value < 0 || value > 1) {
    Fail(Scalar() + " is not between 0 and 1 (a fraction: 0.001 means 0.1 %)");
  }
  return value;
}

std::vector<Field> Field::Elements(std::string_view example) const {
  if (!node_.IsSequence()) {
    Fail("want a list, e.g. " + std::string(example) + ", got " + DescribeType(node_));
  }
  std::vector<Field> elements;
  for (size_t i = 0; i < node_.size(); ++i) {
    elements.emplace_back(node_[i], path_ + "[" + std::to_string(i) + "]", LineOf(node_[i], line_),
                          key_lines_);
  }
  return elements;
}

namespace {

std::string KnownKeys(const std::vector<KeyRule>& rules) {
  std::string names;
  for (const KeyRule& rule : rules) {
    if (!names.empty()) names += ", ";
    names += rule.key;
  }
  return names;
}

}  // namespace

void ForEachEntry(const Field& map, std::string_view expected,
                  const std::function<void(const std::string&, int, const YAML::Node&)>& visit) {
  if (map.node().IsNull()) return;
  if (!map.node().IsMap()) {
    if (map.path().empty()) {
      throw LoadError{map.line(), "",
                      "the top level must be a map of sections (" + std::string(expected) +
                          "), got " + DescribeType(map.node())};
    }
    map.Fail("want a map (" + std::string(expected) + "), got " + DescribeType(map.node()));
  }
  std::map<std::string, int> seen;
  for (const auto& entry : map.node()) {
    const int line = LineOf(entry.first, map.line());
    if (!entry.first.IsScalar()) {
      throw LoadError{line, map.path(),
                      "keys must be plain names, got " + DescribeType(entry.first)};
    }
    const std::string& key = entry.first.Scalar();
    if (const auto [first, inserted] = seen.emplace(key, line); !inserted) {
      throw LoadError{line, JoinKey(map.path(), key),
                      "duplicate key (first set on line " + std::to_string(first->second) + ")"};
    }
    visit(key, line, entry.second);
  }
}

void ForEachKey(const Field& map, const std::vector<KeyRule>& rules) {
  const std::string known = KnownKeys(rules);
  ForEachEntry(
      map, "keys: " + known, [&](const std::string& key, int line, const YAML::Node& value) {
        const std::string path = JoinKey(map.path(), key);
        const auto rule = std::find_if(rules.begin(), rules.end(),
                                       [&](const KeyRule& r) { return r.key == key; });
        if (rule == rules.end()) {
          const std::string where = map.path().empty() ? "top-level keys" : "keys in " + map.path();
          throw LoadError{line, path, "unknown key; known " + where + ": " + known};
        }
        rule->load(Field(value, path, line, map.key_lines()));
      });
}

void ForEachKey(const Field& map, std::initializer_list<KeyRule> rules) {
  ForEachKey(map, std::vector<KeyRule>(rules));
}

std::string FormatLoadError(std::string_view file_name, const LoadError& error) {
  std::string message = "netif_exporter: config error: " + std::string(file_name);
  if (error.line > 0) message += ":" + std::to_string(error.line);
  message += ": ";
  if (!error.key.empty()) message += error.key + ": ";
  message += error.why;
  // One line, whatever the key or the reason contains: a quoted key may hold "\n" (found by the
  // web config fuzz target), and yaml-cpp or regex texts are the caller's contract too.
  std::replace_if(
      message.begin(), message.end(),
      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, ' ');
  return message;
}

namespace {

// Records where each document starts: its first node, or its "---" when it has none.
class DocumentStarts final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;

  void OnDocumentStart(const YAML::Mark& mark) override {
    starts.push_back(mark);
    first_node_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnMapEnd() override {}

 private:
  void Node(const YAML::Mark& mark) {
    if (first_node_ && !starts.empty() && !mark.is_null()) starts.back() = mark;
    first_node_ = false;
  }
  bool first_node_ = false;
};

// yaml-cpp 0.7 (Debian 12) never gets past a ',' at the top level of a block document (",x",
// "\"a\" ,"): YAML::LoadAll() then builds empty documents until memory runs out. Found by the web
// config fuzz target; the main config file had the same exposure. So the documents are counted
// first, two at most, and only the first is loaded.
void CheckSingleDocument(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts documents;
  while (documents.starts.size() < 2 && parser.HandleNextDocument(documents)) {
  }
  if (documents.starts.size() < 2) return;
  const int line = documents.starts[1].is_null() ? 0 : documents.starts[1].line + 1;
  throw LoadError{line, "",
                  "more than one YAML document (a \"---\", or a ',' outside a [list] or {map}); "
                  "put every section in one"};
}

}  // namespace

std::optional<std::string> LoadYamlDocument(std::string_view yaml_text, std::string_view file_name,
                                            const std::function<void(const Field& root)>& load) {
  try {
    const std::string text(yaml_text);
    CheckSingleDocument(text);
    const YAML::Node document = YAML::Load(text);
    // An empty file or only comments: all defaults.
    if (!document.IsDefined() || document.IsNull()) return std::nullopt;
    KeyLines key_lines;
    load(Field(document, "", LineOf(document, 1), &key_lines));
    return std::nullopt;
  } catch (const LoadError& error) {
    return FormatLoadError(file_name, error);
  } catch (const YAML::ParserException& e) {
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    return FormatLoadError(file_name, LoadError{line, "", "YAML syntax error: " + e.msg});
  } catch (const YAML::Exception& e) {
    // Not expected (values are read as text and parsed by us), but never a raw yaml-cpp text
    // without the file, and never a crash.
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    return FormatLoadError(file_name, LoadError{line, "", "YAML error: " + e.msg});
  }
}

FileText ReadConfigFile(const std::string& path, size_t max_bytes) {
  FileRead read = ReadRegularFile(path, max_bytes);
  FileText contents;
  if (read.ok()) {
    contents.text = std::move(read.contents);
  } else {
    contents.error = "netif_exporter: config error: " + path + ": cannot read: " + read.Describe();
  }
  return contents;
}

}  // namespace netif::config_yaml
