#include "exposition/renderer.h"

#include <vector>

#include "exposition/metric_catalogue.h"
#include "exposition/text_format.h"

namespace netif {
namespace {

// Writes `name{labels[,extra]} value` lines for one family, and its HELP/TYPE header before the
// first sample only, so families without samples are left out entirely.
class FamilyWriter final : public SampleWriter {
 public:
  FamilyWriter(const MetricDefinition& definition, std::string& out)
      : definition_(definition), out_(out) {}

  void SetInterfaceLabels(const std::string* label_block) { label_block_ = label_block; }

  void Write(uint64_t value) override {
    BeginSample({});
    AppendValue(out_, value);
    out_.push_back('\n');
  }
  void Write(double value) override {
    BeginSample({});
    AppendValue(out_, value);
    out_.push_back('\n');
  }
  void Write(std::initializer_list<ExtraLabel> extra, uint64_t value) override {
    BeginSample(extra);
    AppendValue(out_, value);
    out_.push_back('\n');
  }
  void Write(std::initializer_list<ExtraLabel> extra, double value) override {
    BeginSample(extra);
    AppendValue(out_, value);
    out_.push_back('\n');
  }

 private:
  void BeginSample(std::initializer_list<ExtraLabel> extra) {
    if (!header_written_) {
      out_.append("# HELP ").append(definition_.name).push_back(' ');
      AppendEscapedHelp(out_, definition_.help);
      out_.append("\n# TYPE ").append(definition_.name).push_back(' ');
      out_.append(MetricTypeName(definition_.type)).push_back('\n');
      header_written_ = true;
    }
    out_.append(definition_.name);
    const bool has_labels = !label_block_->empty() || extra.size() > 0;
    if (!has_labels) {
      out_.push_back(' ');
      return;
    }
    out_.push_back('{');
    out_.append(*label_block_);
    bool first = label_block_->empty();
    for (const auto& label : extra) {
      if (!first) out_.push_back(',');
      first = false;
      out_.append(label.name).append("=\"");
      AppendEscapedLabelValue(out_, label.value);
      out_.push_back('"');
    }
    out_.append("} ");
  }

  const MetricDefinition& definition_;
  std::string& out_;
  const std::string* label_block_ = nullptr;
  bool header_written_ = false;
};

}  // namespace

std::string RenderLabelBlock(const LabelPairs& labels) {
  std::string block;
  for (const auto& [name, value] : labels) {
    if (!block.empty()) block.push_back(',');
    block.append(name).append("=\"");
    AppendEscapedLabelValue(block, value);
    block.push_back('"');
  }
  return block;
}

void RenderInterfaces(const Snapshot& snapshot, std::string& out) {
  std::vector<std::string> label_blocks;
  label_blocks.reserve(snapshot.interfaces.size());
  for (const auto& view : snapshot.interfaces) {
    label_blocks.push_back(RenderLabelBlock(view->record.labels));
  }
  for (const auto& definition : InterfaceMetricCatalogue()) {
    FamilyWriter writer(definition, out);
    for (std::size_t i = 0; i < snapshot.interfaces.size(); ++i) {
      writer.SetInterfaceLabels(&label_blocks[i]);
      definition.emit(*snapshot.interfaces[i], writer);
    }
  }
}

}  // namespace netif
