#include "support/exposition_parser.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace netif::testing_support {
namespace {

bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

bool IsMetricName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

bool IsLabelName(std::string_view name) {
  return IsMetricName(name) && name.find(':') == std::string_view::npos;
}

std::optional<double> ParseValue(std::string_view text) {
  if (text == "+Inf" || text == "Inf") return HUGE_VAL;
  if (text == "-Inf") return -HUGE_VAL;
  if (text == "NaN") return std::nan("");
  if (text.empty()) return std::nullopt;
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

// Parses one line; appends to `errors` with the line number on failure.
class LineParser {
 public:
  LineParser(std::string_view line, int number, std::vector<std::string>& errors)
      : line_(line), number_(number), errors_(errors) {}

  bool Error(const std::string& why) {
    errors_.push_back("line " + std::to_string(number_) + ": " + why + ": " + std::string(line_));
    return false;
  }

  // `name{labels} value [timestamp]`
  bool ParseSample(Sample& sample) {
    sample.line = number_;
    size_t end = 0;
    while (end < line_.size() && IsNameChar(line_[end])) ++end;
    sample.name = std::string(line_.substr(0, end));
    if (!IsMetricName(sample.name)) return Error("invalid metric name");
    pos_ = end;
    if (pos_ < line_.size() && line_[pos_] == '{' && !ParseLabels(sample.labels)) return false;
    if (pos_ >= line_.size() || line_[pos_] != ' ')
      return Error("expected a space before the value");
    while (pos_ < line_.size() && line_[pos_] == ' ') ++pos_;
    const size_t value_end = line_.find(' ', pos_);
    sample.value_text = std::string(line_.substr(pos_, value_end - pos_));
    const auto value = ParseValue(sample.value_text);
    if (!value) return Error("invalid value");
    sample.value = *value;
    if (value_end != std::string_view::npos) {
      const std::string_view timestamp = line_.substr(value_end + 1);
      if (timestamp.empty() ||
          timestamp.find_first_not_of("-0123456789") != std::string_view::npos) {
        return Error("invalid timestamp");
      }
    }
    return true;
  }

 private:
  bool ParseLabels(Labels& labels) {
    ++pos_;  // '{'
    while (pos_ < line_.size() && line_[pos_] != '}') {
      const size_t name_start = pos_;
      while (pos_ < line_.size() && IsNameChar(line_[pos_])) ++pos_;
      const std::string name(line_.substr(name_start, pos_ - name_start));
      if (!IsLabelName(name)) return Error("invalid label name");
      if (pos_ + 1 >= line_.size() || line_[pos_] != '=' || line_[pos_ + 1] != '"') {
        return Error("expected =\" after label " + name);
      }
      pos_ += 2;
      std::string value;
      if (!ParseQuoted(value)) return false;
      if (!labels.emplace(name, std::move(value)).second) return Error("duplicate label " + name);
      if (pos_ < line_.size() && line_[pos_] == ',')
        ++pos_;
      else if (pos_ < line_.size() && line_[pos_] != '}')
        return Error("expected , or }");
    }
    if (pos_ >= line_.size()) return Error("unterminated label set");
    ++pos_;  // '}'
    return true;
  }

  // Reads up to the closing quote, undoing the three escapes the format defines.
  bool ParseQuoted(std::string& out) {
    while (pos_ < line_.size() && line_[pos_] != '"') {
      char c = line_[pos_++];
      if (c == '\\') {
        if (pos_ >= line_.size()) return Error("unterminated escape");
        const char e = line_[pos_++];
        if (e == 'n')
          c = '\n';
        else if (e == '\\' || e == '"')
          c = e;
        else
          return Error(std::string("invalid escape \\") + e);
      }
      out.push_back(c);
    }
    if (pos_ >= line_.size()) return Error("unterminated label value");
    ++pos_;  // closing quote
    return true;
  }

  std::string_view line_;
  int number_;
  std::vector<std::string>& errors_;
  size_t pos_ = 0;
};

std::string UnescapeHelp(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == '\\')) {
      out.push_back(text[i + 1] == 'n' ? '\n' : '\\');
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool IsKnownType(std::string_view type) {
  return type == "counter" || type == "gauge" || type == "histogram" || type == "summary" ||
         type == "untyped";
}

}  // namespace

std::vector<const Sample*> Exposition::Find(std::string_view name, const Labels& subset) const {
  std::vector<const Sample*> found;
  for (const Sample& sample : samples) {
    if (sample.name != name) continue;
    bool matches = true;
    for (const auto& [key, value] : subset) {
      auto it = sample.labels.find(key);
      if (it == sample.labels.end() || it->second != value) {
        matches = false;
        break;
      }
    }
    if (matches) found.push_back(&sample);
  }
  return found;
}

std::optional<double> Exposition::Value(std::string_view name, const Labels& subset) const {
  const auto found = Find(name, subset);
  if (found.size() != 1) return std::nullopt;
  return found.front()->value;
}

std::string Exposition::FamilyOf(const Sample& sample) const {
  if (families.count(sample.name) != 0) return sample.name;
  for (std::string_view suffix : {"_bucket", "_sum", "_count", "_total"}) {
    if (sample.name.size() > suffix.size() && sample.name.ends_with(suffix)) {
      std::string stem = sample.name.substr(0, sample.name.size() - suffix.size());
      if (families.count(stem) != 0) return stem;
    }
  }
  return sample.name;
}

std::set<std::string> Exposition::SampledFamilies() const {
  std::set<std::string> names;
  for (const Sample& sample : samples) names.insert(FamilyOf(sample));
  return names;
}

Exposition ParseExposition(std::string_view text) {
  Exposition result;
  if (!text.empty() && text.back() != '\n') result.errors.push_back("missing final newline");
  std::set<std::string> sampled_families;  // families whose samples have begun
  std::string current_family;
  std::set<std::string> series;  // FormatSeries of every sample, to catch duplicates
  int number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    LineParser parser(line, number, result.errors);
    if (line.empty()) continue;
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      const bool is_help = line[2] == 'H';
      const std::string_view rest = line.substr(7);
      const size_t space = rest.find(' ');
      const std::string name(rest.substr(0, space));
      const std::string_view body =
          space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      if (!IsMetricName(name)) {
        parser.Error("invalid metric name in comment");
        continue;
      }
      FamilyInfo& family = result.families[name];
      if (is_help) {
        if (!family.help.empty()) parser.Error("second HELP for " + name);
        family.help = UnescapeHelp(body);
      } else {
        if (!family.type.empty()) parser.Error("second TYPE for " + name);
        if (!IsKnownType(body)) parser.Error("unknown type");
        if (sampled_families.count(name) != 0) parser.Error("TYPE after the family's samples");
        family.type = std::string(body);
      }
      continue;
    }
    if (line[0] == '#') continue;  // other comments are allowed
    Sample sample;
    if (!parser.ParseSample(sample)) continue;
    const std::string family = result.FamilyOf(sample);
    if (family != current_family && sampled_families.count(family) != 0) {
      parser.Error("samples of family " + family + " are not contiguous");
    }
    current_family = family;
    sampled_families.insert(family);
    if (!series.insert(FormatSeries(sample)).second) parser.Error("duplicate series");
    result.samples.push_back(std::move(sample));
  }
  return result;
}

std::string FormatSeries(const Sample& sample) {
  std::string text = sample.name;
  if (sample.labels.empty()) return text;
  text += '{';
  bool first = true;
  for (const auto& [key, value] : sample.labels) {
    if (!first) text += ',';
    first = false;
    text += key + "=\"";
    for (char c : value) {
      if (c == '\\' || c == '"') text += '\\';
      if (c == '\n') {
        text += "\\n";
        continue;
      }
      text += c;
    }
    text += '"';
  }
  return text + '}';
}

std::vector<std::string> DuplicateSeries(const Exposition& exposition) {
  std::map<std::string, std::vector<int>> lines_of_series;
  for (const Sample& sample : exposition.samples) {
    lines_of_series[FormatSeries(sample)].push_back(sample.line);
  }
  std::vector<std::string> duplicates;
  for (const auto& [series, lines] : lines_of_series) {
    if (lines.size() < 2) continue;
    std::string text = series + " on lines";
    for (std::size_t i = 0; i < lines.size(); ++i) {
      text += (i == 0 ? " " : ", ") + std::to_string(lines[i]);
    }
    duplicates.push_back(std::move(text));
  }
  return duplicates;
}

::testing::AssertionResult HasNoDuplicateSeries(const Exposition& exposition) {
  const std::vector<std::string> duplicates = DuplicateSeries(exposition);
  if (duplicates.empty()) return ::testing::AssertionSuccess();
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  failure << duplicates.size() << " duplicate series:";
  for (const auto& duplicate : duplicates) failure << "\n  " << duplicate;
  return failure;
}

}  // namespace netif::testing_support
