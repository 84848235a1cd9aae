#include "config/yaml_fields.h"

#include <algorithm>

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

}  // namespace netif::config_yaml
