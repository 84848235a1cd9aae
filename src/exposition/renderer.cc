#include "exposition/renderer.h"

#include <cstring>
#include <span>
#include <vector>

#include "exposition/metric_catalogue.h"
#include "exposition/text_format.h"

namespace netif {
namespace {

inline char* Put(char* cursor, std::string_view text) {
  std::memcpy(cursor, text.data(), text.size());
  return cursor + text.size();
}

// Writes `name{labels[,extra]} value` lines for one family, and its HELP/TYPE header before the
// first sample only, so families without samples are left out entirely. Each line reserves an
// upper bound of its size once and is then copied piece by piece through a raw cursor: at 5,000
// interfaces a scrape writes 280,000 lines, and per-piece capacity checks dominated the cost.
class FamilyWriter final : public SampleWriter {
 public:
  FamilyWriter(const MetricDefinition& definition, ChunkedBuffer& out)
      : definition_(definition), out_(out) {}

  void SetInterfaceLabels(std::string_view label_block) { label_block_ = label_block; }

  void Write(uint64_t value) override { WriteSample({}, value); }
  void Write(double value) override { WriteSample({}, value); }
  void Write(std::initializer_list<ExtraLabel> extra, uint64_t value) override {
    WriteSample(extra, value);
  }
  void Write(std::initializer_list<ExtraLabel> extra, double value) override {
    WriteSample(extra, value);
  }

 private:
  template <typename Value>
  void WriteSample(std::initializer_list<ExtraLabel> extra, Value value) {
    if (!header_written_) WriteHeader();
    // name { block , extra="..." } SP value LF
    std::size_t bound = definition_.name.size() + label_block_.size() + 3 + kMaxValueChars + 1;
    for (const auto& label : extra) {
      bound += 1 + label.name.size() + 3 + kMaxEscapedBytesPerByte * label.value.size();
    }
    char* cursor = Put(out_.Reserve(bound), definition_.name);
    if (!label_block_.empty() || extra.size() > 0) {
      *cursor++ = '{';
      cursor = Put(cursor, label_block_);
      bool first = label_block_.empty();
      for (const auto& label : extra) {
        if (!first) *cursor++ = ',';
        first = false;
        cursor = Put(cursor, label.name);
        *cursor++ = '=';
        *cursor++ = '"';
        cursor = WriteEscapedLabelValue(cursor, label.value);
        *cursor++ = '"';
      }
      *cursor++ = '}';
    }
    *cursor++ = ' ';
    cursor = WriteValue(cursor, value);
    *cursor++ = '\n';
    out_.Commit(cursor);
  }

  void WriteHeader() {
    std::string header("# HELP ");
    header.append(definition_.name).push_back(' ');
    AppendEscapedHelp(header, definition_.help);
    header.append("\n# TYPE ").append(definition_.name).push_back(' ');
    header.append(MetricTypeName(definition_.type)).push_back('\n');
    out_.Append(header);
    header_written_ = true;
  }

  const MetricDefinition& definition_;
  ChunkedBuffer& out_;
  std::string_view label_block_;
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

namespace {

// Each interface's escaped label block: the store's cached one, or one made here (views built
// elsewhere, in tests). `made_here` owns the latter.
std::vector<std::string_view> LabelBlocks(const Snapshot& snapshot,
                                          std::vector<std::string>& made_here) {
  made_here.resize(snapshot.interfaces.size());
  std::vector<std::string_view> blocks(snapshot.interfaces.size());
  for (std::size_t i = 0; i < snapshot.interfaces.size(); ++i) {
    const InterfaceView& view = *snapshot.interfaces[i];
    if (view.label_block) {
      blocks[i] = *view.label_block;
    } else {
      made_here[i] = RenderLabelBlock(view.record.labels);
      blocks[i] = made_here[i];
    }
  }
  return blocks;
}

void RenderFamily(const MetricDefinition& definition, const Snapshot& snapshot,
                  std::span<const std::string_view> label_blocks, ChunkedBuffer& out) {
  FamilyWriter writer(definition, out);
  for (std::size_t i = 0; i < snapshot.interfaces.size(); ++i) {
    writer.SetInterfaceLabels(label_blocks[i]);
    definition.emit(*snapshot.interfaces[i], writer);
  }
}

constexpr std::size_t kMinInterfacesForParallelRender = 256;

}  // namespace

void RenderInterfaces(const Snapshot& snapshot, ChunkedBuffer& out) {
  std::vector<std::string> made_here;
  const auto label_blocks = LabelBlocks(snapshot, made_here);
  for (const auto& definition : InterfaceMetricCatalogue()) {
    RenderFamily(definition, snapshot, label_blocks, out);
  }
}

void RenderInterfaces(const Snapshot& snapshot, SegmentedBody& out) {
  if (snapshot.interfaces.size() < kMinInterfacesForParallelRender) {
    return RenderInterfaces(snapshot, out.text());
  }
  std::vector<std::string> made_here;
  const auto label_blocks = LabelBlocks(snapshot, made_here);
  for (const auto& definition : InterfaceMetricCatalogue()) {
    out.Submit([&definition, &snapshot, &label_blocks](ChunkedBuffer& family) {
      RenderFamily(definition, snapshot, label_blocks, family);
    });
  }
  out.Drain();  // the segments read the snapshot and the label blocks
}

void RenderInterfaces(const Snapshot& snapshot, std::string& out) {
  constexpr std::size_t kChunkBytes = 64 * 1024;
  ChunkedBuffer buffer(kChunkBytes, [&out](std::string_view piece) { out.append(piece); });
  RenderInterfaces(snapshot, buffer);
  buffer.Flush();
}

}  // namespace netif
