// docs/metrics.md against the declarations and against the running exporter. Fails when:
//  - a per-interface family (InterfaceMetricCatalogue(), NodeExporterCompatDefinitions()) or a
//    self-metric (SelfMetricCatalogue()) has no row in the docs;
//  - a row names a family declared in neither catalogue;
//  - a row's type or label list differs from the declaration;
//  - the exporter, run on the fixture host, serves a family the docs do not list, or serves it
//    with another type or other labels.
// A row whose name ends in a placeholder (`netif_ethtool_<stat>`) documents every family its
// source names at run time with that prefix (a driver's statistics); the source declares that
// name as its extra counter, so it is checked like any other.
// The page's format: one Markdown table per group with the columns name | type | labels |
// meaning; names and labels in backticks, "—" for no labels. Tables headed otherwise (the renames,
// the profiles' sizes) are not family tables and are skipped.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/sources.h"
#include "exposition/metric_catalogue.h"
#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/temp_dir.h"
#include "telemetry/self_metrics.h"

namespace netif::testing_support {
namespace {

struct DocRow {
  std::string name;
  std::string type;
  std::set<std::string> labels;
  std::string meaning;
  int line = 0;
};

struct MetricsDoc {
  std::map<std::string, DocRow> rows;  // by family name
  std::vector<std::string> errors;
};

std::string Trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

std::string StripBackticks(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != '`') out.push_back(c);
  }
  return Trim(out);
}

// Splits "| a | b \| c |" into {"a", "b | c"}: '|' separates cells unless escaped.
std::vector<std::string> SplitRow(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i < line.size(); ++i) {  // skip the leading '|'
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cell.push_back('|');
      ++i;
    } else if (line[i] == '|') {
      cells.push_back(Trim(cell));
      cell.clear();
    } else {
      cell.push_back(line[i]);
    }
  }
  if (!Trim(cell).empty()) cells.push_back(Trim(cell));  // a row without the closing '|'
  return cells;
}

std::set<std::string> SplitLabels(const std::string& text) {
  std::set<std::string> labels;
  std::stringstream stream(text);
  for (std::string label; std::getline(stream, label, ',');) {
    label = StripBackticks(label);
    if (!label.empty() && label != "—" && label != "-") labels.insert(label);
  }
  return labels;
}

bool IsSeparatorRow(const std::vector<std::string>& cells) {
  for (const auto& cell : cells) {
    if (cell.find_first_not_of(":-") != std::string::npos || cell.empty()) return false;
  }
  return true;
}

MetricsDoc ParseMetricsDoc(const std::string& markdown) {
  MetricsDoc doc;
  std::istringstream in(markdown);
  int number = 0;
  bool in_table = false;
  bool metric_table = false;  // headed | name | ...; other tables (renames, sizes) are skipped
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (!line.starts_with("|")) {
      in_table = false;
      continue;
    }
    const std::string where = "docs/metrics.md:" + std::to_string(number) + ": ";
    const auto cells = SplitRow(line);
    if (!in_table) {
      in_table = true;
      metric_table = !cells.empty() && cells[0] == "name";
    }
    if (!metric_table || IsSeparatorRow(cells)) continue;
    if (!cells.empty() && cells[0] == "name") {
      if (cells != std::vector<std::string>{"name", "type", "labels", "meaning"}) {
        doc.errors.push_back(where + "table header must be | name | type | labels | meaning |");
      }
      continue;
    }
    if (cells.size() != 4) {
      doc.errors.push_back(where + "want 4 cells, got " + std::to_string(cells.size()));
      continue;
    }
    DocRow row{StripBackticks(cells[0]), cells[1], SplitLabels(cells[2]), cells[3], number};
    if (row.meaning.empty()) doc.errors.push_back(where + row.name + " has no meaning");
    if (row.type != "counter" && row.type != "gauge" && row.type != "untyped") {
      doc.errors.push_back(where + row.name + ": unknown type " + row.type);
    }
    if (!doc.rows.emplace(row.name, row).second) {
      doc.errors.push_back(where + row.name + " is listed twice");
    }
  }
  return doc;
}

std::set<std::string> SplitDeclaredLabels(std::string_view text) {
  return SplitLabels(std::string(text));
}

// The documented name `family` falls under: itself, or a placeholder row's name
// ("netif_ethtool_<stat>") whose prefix it has.
std::string DocumentedName(const std::string& family, const std::set<std::string>& names) {
  if (names.count(family) != 0) return family;
  for (const std::string& name : names) {
    const auto placeholder = name.find('<');
    if (placeholder != std::string::npos && name.ends_with(">") &&
        family.starts_with(name.substr(0, placeholder))) {
      return name;
    }
  }
  return family;
}

TEST(DocumentedNameTest, PlaceholderRowsCoverTheirPrefix) {
  const std::set<std::string> names = {"netif_info", "netif_ethtool_<stat>"};
  EXPECT_EQ(DocumentedName("netif_info", names), "netif_info");
  EXPECT_EQ(DocumentedName("netif_ethtool_peer_ifindex", names), "netif_ethtool_<stat>");
  EXPECT_EQ(DocumentedName("netif_other", names), "netif_other");
}

class DocsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    doc_ = ParseMetricsDoc(ReadFileOrThrow(SourcePath("docs/metrics.md")));
    ASSERT_TRUE(doc_.errors.empty()) << ::testing::PrintToString(doc_.errors);
  }

  // The documented row for `name`; a recorded failure and nullptr when there is none.
  const DocRow* Row(const std::string& name, const std::string& declared_in) {
    auto it = doc_.rows.find(name);
    if (it == doc_.rows.end()) {
      ADD_FAILURE() << name << " (declared in " << declared_in << ") has no row in docs/metrics.md";
      return nullptr;
    }
    return &it->second;
  }

  MetricsDoc doc_;
};

// The catalogue's families, one per extra counter a listed source declares, as the renderer
// makes them (ExtraCounterFamily), and the node_exporter compatibility families.
std::vector<MetricDefinition> InterfaceFamilies() {
  const auto catalogue = InterfaceMetricCatalogue();
  std::vector<MetricDefinition> families(catalogue.begin(), catalogue.end());
  for (const ExtraCounterDefinition* counter : DeclaredExtraCounters()) {
    families.push_back(ExtraCounterFamily(*counter));
  }
  const auto compat = NodeExporterCompatDefinitions();
  families.insert(families.end(), compat.begin(), compat.end());
  return families;
}

TEST_F(DocsTest, EveryInterfaceFamilyIsDocumentedWithItsTypeAndLabels) {
  ASSERT_FALSE(InterfaceMetricCatalogue().empty());
  for (const MetricDefinition& definition : InterfaceFamilies()) {
    const DocRow* row = Row(std::string(definition.name), "InterfaceMetricCatalogue()");
    if (row == nullptr) continue;
    EXPECT_EQ(row->type, MetricTypeName(definition.type)) << "line " << row->line;
    EXPECT_EQ(row->labels, SplitDeclaredLabels(definition.extra_labels))
        << definition.name << ", docs/metrics.md line " << row->line;
  }
}

TEST_F(DocsTest, EverySelfMetricIsDocumentedWithItsTypeAndLabels) {
  ASSERT_FALSE(SelfMetricCatalogue().empty());
  for (const SelfMetricDefinition& definition : SelfMetricCatalogue()) {
    const DocRow* row = Row(std::string(definition.name), "SelfMetricCatalogue()");
    if (row == nullptr) continue;
    EXPECT_EQ(row->type, MetricTypeName(definition.type)) << "line " << row->line;
    EXPECT_EQ(row->labels, SplitDeclaredLabels(definition.labels))
        << definition.name << ", docs/metrics.md line " << row->line;
  }
}

TEST_F(DocsTest, EveryDocumentedFamilyIsDeclaredOnce) {
  std::map<std::string, int> declared;  // name -> how many declarations
  for (const auto& definition : InterfaceFamilies()) ++declared[std::string(definition.name)];
  for (const auto& definition : SelfMetricCatalogue()) ++declared[std::string(definition.name)];
  for (const auto& [name, count] : declared) {
    EXPECT_EQ(count, 1) << name << " is declared " << count << " times across the catalogues";
  }
  for (const auto& [name, row] : doc_.rows) {
    EXPECT_EQ(declared.count(name), 1u)
        << "docs/metrics.md line " << row.line << " lists " << name
        << ", which no catalogue (interface, self, a source's extra counters) declares";
  }
}

TEST_F(DocsTest, EveryFamilyTheExporterServesIsDocumented) {
  std::set<std::string> interface_families;
  for (const auto& definition : InterfaceFamilies()) {
    interface_families.insert(std::string(definition.name));
  }
  std::set<std::string> documented;
  for (const auto& [name, row] : doc_.rows) documented.insert(name);
  TempDir dir;
  // A fast interval, and scrapes spread over a second: families that need two samples (rates
  // and other analytics) show up too. Every family, not only the default profile's; the
  // node_exporter families need the compatibility mode.
  ExporterProcess exporter(
      FixtureExporterOptions(dir, std::string(kFixtureConfigYaml) + "metrics:\n  profile: full\n",
                             {"--collection.interval", "100ms", "--compat.node-exporter"}));
  // Per family: its TYPE, and every distinct set of label names its samples carried (minus the
  // interface's own `device` label on per-interface families).
  std::map<std::string, std::string> served_types;
  std::map<std::string, std::set<std::set<std::string>>> served_label_sets;
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto body = exporter.Scrape();
    ASSERT_TRUE(body.has_value());
    const Exposition scrape = ParseExposition(*body);
    ASSERT_TRUE(scrape.errors.empty()) << ::testing::PrintToString(scrape.errors);
    for (const Sample& sample : scrape.samples) {
      const std::string served = scrape.FamilyOf(sample);
      const std::string family = DocumentedName(served, documented);
      if (auto info = scrape.families.find(served); info != scrape.families.end()) {
        served_types[family] = info->second.type;
      }
      std::set<std::string> labels;
      for (const auto& [name, value] : sample.labels) {
        if (!(interface_families.count(family) != 0 && name == "device")) labels.insert(name);
      }
      served_label_sets[family].insert(labels);
    }
  }
  ASSERT_FALSE(served_label_sets.empty());
  for (const auto& [family, label_sets] : served_label_sets) {
    auto row = doc_.rows.find(family);
    if (row == doc_.rows.end()) {
      ADD_FAILURE() << "the exporter serves " << family << ", which docs/metrics.md lacks";
      continue;
    }
    EXPECT_EQ(served_types[family], row->second.type) << family << ": served TYPE vs docs";
    for (const auto& labels : label_sets) {
      EXPECT_EQ(labels, row->second.labels) << family << ": served labels vs docs";
    }
  }
}

}  // namespace
}  // namespace netif::testing_support
