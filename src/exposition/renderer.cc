#include "exposition/renderer.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <vector>

#include "exposition/family_filter.h"
#include "exposition/metric_catalogue.h"
#include "exposition/text_format.h"

namespace netif {
namespace {

// Copies a piece of a line. The pieces are short (metric names and label blocks: 8-40 bytes), and
// a call into memcpy per piece showed in the renderer's profile: fixed-size copies of the first
// and last bytes, overlapping in the middle, compile to a few register moves.
inline char* Put(char* cursor, std::string_view text) {
  const char* from = text.data();
  const std::size_t n = text.size();
  if (n >= 16 && n <= 32) {
    std::memcpy(cursor, from, 16);
    std::memcpy(cursor + n - 16, from + n - 16, 16);
  } else if (n > 32 && n <= 64) {
    std::memcpy(cursor, from, 32);
    std::memcpy(cursor + n - 32, from + n - 32, 32);
  } else if (n >= 8 && n < 16) {
    std::memcpy(cursor, from, 8);
    std::memcpy(cursor + n - 8, from + n - 8, 8);
  } else if (n != 0) {
    std::memcpy(cursor, from, n);
  }
  return cursor + n;
}

// Writes `name{labels[,extra]} value` lines for one family. Each line reserves an upper bound of
// its size once and is then copied piece by piece through a raw cursor: a large scrape writes
// hundreds of thousands of lines, and per-piece capacity checks dominated the cost.
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

  const MetricDefinition& definition_;
  ChunkedBuffer& out_;
  std::string_view label_block_;
};

// Only notes that an interface yields a sample.
class SampleProbe final : public SampleWriter {
 public:
  void Write(uint64_t) override { seen = true; }
  void Write(double) override { seen = true; }
  void Write(std::initializer_list<ExtraLabel>, uint64_t) override { seen = true; }
  void Write(std::initializer_list<ExtraLabel>, double) override { seen = true; }
  bool seen = false;
};

// Whether interface `view` is of a class in `classes`.
bool Selected(const InterfaceView& view, DeviceClassMask classes) {
  return (classes & MaskOf(view.device_class)) != 0;
}

// A family without samples is left out entirely, header included. Usually the first interface
// answers; a family no interface has (IF-MIB-only counters on a host without SNMP targets) costs
// one pass of calls that write nothing, instead of rendering segments that would stay empty.
// Only interfaces of `classes` count; kAllDeviceClasses skips the test. `carriers`: the
// interfaces with extra counters (ExtraCounterCarriers), the only ones an extra counter's family
// looks at.
bool FamilyHasSamples(const MetricDefinition& definition, const Snapshot& snapshot,
                      DeviceClassMask classes, std::span<const std::size_t> carriers) {
  const bool every_class = classes == kAllDeviceClasses;
  if (definition.extra_counter) {
    return std::any_of(carriers.begin(), carriers.end(), [&](std::size_t i) {
      const InterfaceView& view = *snapshot.interfaces[i];
      return (every_class || Selected(view, classes)) &&
             view.record.extra_counters.Get(*definition.extra_counter);
    });
  }
  SampleProbe probe;
  for (const auto& view : snapshot.interfaces) {
    if (!every_class && !Selected(*view, classes)) continue;
    definition.emit(*view, probe);
    if (probe.seen) return true;
  }
  return false;
}

void WriteHeader(const MetricDefinition& definition, ChunkedBuffer& out) {
  std::string header("# HELP ");
  header.append(definition.name).push_back(' ');
  AppendEscapedHelp(header, definition.help);
  header.append("\n# TYPE ").append(definition.name).push_back(' ');
  header.append(MetricTypeName(definition.type)).push_back('\n');
  out.Append(header);
}

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
// elsewhere, in tests). `made_here` owns the latter. Also notes the classes present.
std::vector<std::string_view> LabelBlocks(const Snapshot& snapshot,
                                          std::vector<std::string>& made_here,
                                          DeviceClassMask& present) {
  made_here.resize(snapshot.interfaces.size());
  std::vector<std::string_view> blocks(snapshot.interfaces.size());
  present = 0;
  for (std::size_t i = 0; i < snapshot.interfaces.size(); ++i) {
    const InterfaceView& view = *snapshot.interfaces[i];
    present |= MaskOf(view.device_class);
    if (view.label_block) {
      blocks[i] = *view.label_block;
    } else {
      made_here[i] = RenderLabelBlock(view.record.labels);
      blocks[i] = made_here[i];
    }
  }
  return blocks;
}

// The samples of interfaces [begin, end) of one family, of the interfaces of `classes` only
// (kAllDeviceClasses: every one, without a test per interface).
void RenderSamples(const MetricDefinition& definition, const Snapshot& snapshot,
                   std::span<const std::string_view> label_blocks, DeviceClassMask classes,
                   std::span<const std::size_t> carriers, std::size_t begin, std::size_t end,
                   ChunkedBuffer& out) {
  FamilyWriter writer(definition, out);
  const bool every_class = classes == kAllDeviceClasses;
  if (definition.extra_counter) {
    for (auto it = std::lower_bound(carriers.begin(), carriers.end(), begin);
         it != carriers.end() && *it < end; ++it) {
      const std::size_t i = *it;
      const InterfaceView& view = *snapshot.interfaces[i];
      if (!every_class && !Selected(view, classes)) continue;
      const auto value = view.record.extra_counters.Get(*definition.extra_counter);
      if (!value) continue;
      writer.SetInterfaceLabels(label_blocks[i]);
      writer.Write(*value);
    }
    return;
  }
  for (std::size_t i = begin; i < end; ++i) {
    const InterfaceView& view = *snapshot.interfaces[i];
    if (!every_class && !Selected(view, classes)) continue;
    writer.SetInterfaceLabels(label_blocks[i]);
    definition.emit(view, writer);
  }
}

// A family to render and the classes of interfaces it is rendered for.
struct SelectedFamily {
  MetricDefinition definition;
  DeviceClassMask classes;
};

// The families of this scrape, in order: the catalogue's; one per extra counter the snapshot's
// interfaces carry (a source's own counters, model/extra_counters.h), in name order; then the
// node_exporter compatibility families when `options` asks for them. A family no class of
// interface present is selected for is left out here. `classes` is kAllDeviceClasses when every
// interface present is selected, so that no interface is tested.
std::vector<SelectedFamily> SelectFamilies(const Snapshot& snapshot, const RenderOptions& options,
                                           DeviceClassMask present) {
  std::vector<SelectedFamily> families;
  const auto catalogue = InterfaceMetricCatalogue();
  const auto compat = options.node_exporter_compat ? NodeExporterCompatDefinitions()
                                                   : std::span<const MetricDefinition>();
  families.reserve(catalogue.size() + snapshot.extra_counters.size() + compat.size());
  const auto add = [&](const MetricDefinition& definition, DeviceClassMask configured) {
    if (!options.selection.Includes(GroupOf(definition))) return;
    DeviceClassMask classes = configured & options.selection.classes & present;
    if (classes == 0) return;
    if (classes == present) classes = kAllDeviceClasses;
    families.push_back({definition, classes});
  };
  const auto by_name = [&](const MetricDefinition& definition) {
    return options.filter ? options.filter->ForName(definition.name) : kAllDeviceClasses;
  };
  for (std::size_t i = 0; i < catalogue.size(); ++i) {
    add(catalogue[i], options.filter ? options.filter->ForCatalogue(i) : kAllDeviceClasses);
  }
  for (const ExtraCounterDefinition* counter : snapshot.extra_counters) {
    const MetricDefinition definition = ExtraCounterFamily(*counter);
    add(definition, by_name(definition));
  }
  for (const MetricDefinition& definition : compat) add(definition, by_name(definition));
  return families;
}

// The indexes of the interfaces that carry extra counters, ascending: an extra counter's family
// (a driver's statistics: hundreds of them on a few physical devices) then costs its carriers,
// not every interface of the host. Empty, and no allocation, without extra families.
std::vector<std::size_t> ExtraCounterCarriers(const Snapshot& snapshot) {
  std::vector<std::size_t> carriers;
  if (snapshot.extra_counters.empty()) return carriers;
  for (std::size_t i = 0; i < snapshot.interfaces.size(); ++i) {
    if (!snapshot.interfaces[i]->record.extra_counters.Empty()) carriers.push_back(i);
  }
  return carriers;
}

constexpr std::size_t kMinInterfacesForParallelRender = 256;
// A family of thousands of interfaces is up to megabytes of text. Cut into segments of this many
// interfaces, the text in flight (rendered, waiting for its turn to be sent) stays well below what
// whole families would hold; smaller segments cost more CPU in handing work between threads than
// they save.
constexpr std::size_t kInterfacesPerSegment = 2560;

}  // namespace

void RenderInterfaces(const Snapshot& snapshot, ChunkedBuffer& out, const RenderOptions& options) {
  std::vector<std::string> made_here;
  DeviceClassMask present = 0;
  const auto label_blocks = LabelBlocks(snapshot, made_here, present);
  const std::vector<std::size_t> carriers = ExtraCounterCarriers(snapshot);
  for (const SelectedFamily& family : SelectFamilies(snapshot, options, present)) {
    if (!FamilyHasSamples(family.definition, snapshot, family.classes, carriers)) continue;
    WriteHeader(family.definition, out);
    RenderSamples(family.definition, snapshot, label_blocks, family.classes, carriers, 0,
                  snapshot.interfaces.size(), out);
  }
}

void RenderInterfaces(const Snapshot& snapshot, SegmentedBody& out, const RenderOptions& options) {
  if (snapshot.interfaces.size() < kMinInterfacesForParallelRender) {
    return RenderInterfaces(snapshot, out.text(), options);
  }
  std::vector<std::string> made_here;
  DeviceClassMask present = 0;
  const auto label_blocks = LabelBlocks(snapshot, made_here, present);
  const std::size_t count = snapshot.interfaces.size();
  const std::vector<SelectedFamily> families = SelectFamilies(snapshot, options, present);
  const std::vector<std::size_t> carriers = ExtraCounterCarriers(snapshot);
  for (const SelectedFamily& family : families) {
    // Decided here, not in the segments: an empty family gets none at all.
    if (!FamilyHasSamples(family.definition, snapshot, family.classes, carriers)) continue;
    // An extra counter's family is its carriers' lines only: one segment.
    const std::size_t step = family.definition.extra_counter ? count : kInterfacesPerSegment;
    for (std::size_t begin = 0; begin < count; begin += step) {
      const std::size_t end = std::min(count, begin + step);
      out.Submit(
          [&family, &snapshot, &label_blocks, &carriers, begin, end](ChunkedBuffer& segment) {
            if (begin == 0) WriteHeader(family.definition, segment);
            RenderSamples(family.definition, snapshot, label_blocks, family.classes, carriers,
                          begin, end, segment);
          });
    }
  }
  out.Drain();  // the segments read the snapshot, the families and the label blocks
}

void RenderInterfaces(const Snapshot& snapshot, std::string& out, const RenderOptions& options) {
  constexpr std::size_t kChunkBytes = 64 * 1024;
  ChunkedBuffer buffer(kChunkBytes, [&out](std::string_view piece) { out.append(piece); });
  RenderInterfaces(snapshot, buffer, options);
  buffer.Flush();
}

}  // namespace netif
