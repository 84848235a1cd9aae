// LoadConfig end to end (files, flags over files), and the shipped config and docs against the
// code.
#include "config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config_test_util.h"

namespace netif {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kSourceDir = NETIF_SOURCE_DIR;

std::string ReadSourceFile(const std::string& relative_path) {
  std::ifstream in(kSourceDir + "/" + relative_path);
  EXPECT_TRUE(in) << "cannot open " << relative_path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A config file in a fresh temporary directory, removed with the test.
class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           (std::string("netif_config_test_") + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteFile(const std::string& name, const std::string& contents) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << contents;
    return path;
  }

  std::variant<Config, std::string> Load(const std::vector<std::string>& args) {
    std::variant<CommandLine, std::string> cli = ParseCommandLine(args);
    if (auto* error = std::get_if<std::string>(&cli)) return *error;
    return LoadConfig(std::get<CommandLine>(cli));
  }

  Config LoadOk(const std::vector<std::string>& args) {
    std::variant<Config, std::string> loaded = Load(args);
    if (auto* error = std::get_if<std::string>(&loaded)) {
      ADD_FAILURE() << *error;
      return Config{};
    }
    return std::get<Config>(loaded);
  }

  std::string LoadError(const std::vector<std::string>& args) {
    std::variant<Config, std::string> loaded = Load(args);
    if (auto* error = std::get_if<std::string>(&loaded)) {
      EXPECT_EQ(error->find('\n'), std::string::npos) << "not one line: " << *error;
      return *error;
    }
    ADD_FAILURE() << "unexpectedly loaded";
    return "";
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigFileTest, NoFileNoFlagsIsDefaults) { EXPECT_EQ(LoadOk({}), Config{}); }

TEST_F(ConfigFileTest, ReadsTheFile) {
  const std::string path = WriteFile("x.yml", "log:\n  level: debug\n");
  const Config c = LoadOk({"--config.file", path});
  EXPECT_EQ(c.log.level, LogLevel::kDebug);
  EXPECT_EQ(c.config_file, path);
}

TEST_F(ConfigFileTest, EmptyFileIsDefaults) {
  const std::string path = WriteFile("empty.yml", "");
  Config want;
  want.config_file = path;
  EXPECT_EQ(LoadOk({"--config.file=" + path}), want);
}

TEST_F(ConfigFileTest, FlagsOverrideTheFile) {
  const std::string path = WriteFile("x.yml",
                                     "web:\n  listen_address: \":1\"\n"
                                     "log:\n  level: debug\n  format: json\n"
                                     "collection:\n  interval: 5s\n"
                                     "local:\n  path_procfs: /a\n  path_sysfs: /b\n");
  const Config c =
      LoadOk({"--config.file=" + path, "--web.listen-address=127.0.0.1:0", "--log.level=error",
              "--log.format=logfmt", "--collection.interval=2s", "--path.procfs=/host/proc",
              "--path.sysfs=/host/sys", "--snmp.shard=1/2", "--check-config"});
  EXPECT_EQ(c.web.listen_addresses, (std::vector<ListenAddress>{{"127.0.0.1", 0}}));
  EXPECT_EQ(c.log.level, LogLevel::kError);
  EXPECT_EQ(c.log.format, LogFormat::kLogfmt);
  EXPECT_EQ(c.collection.interval, seconds(2));
  EXPECT_EQ(c.local.path_procfs, "/host/proc");
  EXPECT_EQ(c.local.path_sysfs, "/host/sys");
  EXPECT_EQ(c.snmp_shard, (Shard{1, 2}));
  EXPECT_TRUE(c.check_config);
}

TEST_F(ConfigFileTest, FileKeysWithoutFlagsSurvive) {
  const std::string path = WriteFile("x.yml", "log:\n  level: debug\n  format: json\n");
  const Config c = LoadOk({"--config.file=" + path, "--log.level=warn"});
  EXPECT_EQ(c.log.level, LogLevel::kWarn);
  EXPECT_EQ(c.log.format, LogFormat::kJson);
}

TEST_F(ConfigFileTest, KubernetesSectionAndItsPathFlags) {
  const std::string path = WriteFile("k.yml",
                                     "kubernetes:\n  enabled: true\n  path_pod_logs: /file/pods\n"
                                     "  netns_dirs: [/run/netns]\n  reconcile_interval: 30s\n");
  const Config c = LoadOk(
      {"--config.file=" + path, "--path.pod-logs=/host/pods", "--path.cgroupfs=/host/cgroup"});
  EXPECT_TRUE(c.kubernetes.enabled);
  EXPECT_EQ(c.kubernetes.path_pod_logs, "/host/pods");
  EXPECT_EQ(c.kubernetes.path_cgroupfs, "/host/cgroup");
  EXPECT_EQ(c.kubernetes.netns_dirs, std::vector<std::string>{"/run/netns"});
  EXPECT_EQ(c.kubernetes.reconcile_interval, seconds(30));
  EXPECT_FALSE(Config{}.kubernetes.enabled);
}

// The switch turns the mode on over a file that leaves it off; without it the file decides.
TEST_F(ConfigFileTest, CompatSwitchOverridesTheFile) {
  const std::string off = WriteFile("off.yml", "compat:\n  node_exporter: false\n");
  const std::string on = WriteFile("on.yml", "compat:\n  node_exporter: true\n");
  EXPECT_TRUE(LoadOk({"--config.file=" + off, "--compat.node-exporter"}).compat.node_exporter);
  EXPECT_FALSE(LoadOk({"--config.file=" + off}).compat.node_exporter);
  EXPECT_TRUE(LoadOk({"--config.file=" + on}).compat.node_exporter);
  EXPECT_TRUE(LoadOk({"--compat.node-exporter"}).compat.node_exporter);
  EXPECT_FALSE(LoadOk({}).compat.node_exporter);
}

TEST_F(ConfigFileTest, FlagsWithoutAFile) {
  const Config c = LoadOk({"--collection.interval=250ms", "--path.procfs=/p"});
  Config want;
  want.collection.interval = milliseconds(250);
  want.local.path_procfs = "/p";
  EXPECT_EQ(c, want);
}

TEST_F(ConfigFileTest, MissingFile) {
  const std::string path = (dir_ / "absent.yml").string();
  EXPECT_EQ(LoadError({"--config.file=" + path}),
            "netif_exporter: config error: " + path + ": cannot read: No such file or directory");
}

TEST_F(ConfigFileTest, DirectoryInsteadOfFile) {
  EXPECT_EQ(LoadError({"--config.file=" + dir_.string()}),
            "netif_exporter: config error: " + dir_.string() +
                ": cannot read: not a regular file (a directory)");
}

TEST_F(ConfigFileTest, FifoInsteadOfFileIsRefusedWithoutWaitingForAWriter) {
  const std::string fifo = (dir_ / "config.yml").string();
  config_testing::MakeFifo(fifo);
  const auto error = config_testing::WithoutBlocking(fifo, [&] {
    return LoadError({"--config.file=" + fifo, "--check-config"});
  });
  EXPECT_EQ(error,
            "netif_exporter: config error: " + fifo + ": cannot read: not a regular file (a FIFO)");
}

TEST_F(ConfigFileTest, EndlessDeviceInsteadOfFileIsRefused) {
  // /dev/zero never ends; /dev/null is empty but still no configuration file.
  for (const std::string device : {"/dev/zero", "/dev/null"}) {
    EXPECT_EQ(LoadError({"--config.file=" + device}),
              "netif_exporter: config error: " + device +
                  ": cannot read: not a regular file (a character device)");
  }
}

TEST_F(ConfigFileTest, ErrorsInTheFileNameTheFileAndLine) {
  const std::string path =
      WriteFile("bad.yml", "log:\n  level: info\nlocal:\n  device_exclude: \"([\"\n");
  EXPECT_THAT(LoadError({"--config.file", path}),
              StartsWith("netif_exporter: config error: " + path +
                         ":4: local.device_exclude: invalid regular expression \"([\": "));
}

TEST_F(ConfigFileTest, BadFlagIsReportedBeforeTheFileIsRead) {
  EXPECT_EQ(LoadError({"--config.file=/nonexistent.yml", "--log.level=loud"}),
            "netif_exporter: flag --log.level: invalid log level \"loud\"; want one of debug, "
            "info, warn, error");
}

TEST_F(ConfigFileTest, IntervalFlagLongerThanAWindowBlamesTheFlag) {
  EXPECT_EQ(LoadError({"--collection.interval=2m"}),
            "netif_exporter: flag --collection.interval: 2m is longer than analytics.windows[0] "
            "1m; every analytics window must span at least one interval");
  const std::string path = WriteFile("x.yml",
                                     "analytics:\n  windows: [1h]\n  health:\n"
                                     "    window: 1h\n");
  EXPECT_EQ(LoadOk({"--config.file=" + path, "--collection.interval=1h"}).collection.interval,
            std::chrono::hours(1));
}

// The shipped default config must load and say exactly what the built-in defaults say, so the
// file a user copies cannot drift from the code.
TEST(ShippedConfigTest, ParsesAndEqualsTheDefaults) {
  const std::string path = kSourceDir + "/config/netif_exporter.yml";
  std::variant<CommandLine, std::string> cli = ParseCommandLine({"--config.file=" + path});
  ASSERT_TRUE(std::holds_alternative<CommandLine>(cli));
  std::variant<Config, std::string> loaded = LoadConfig(std::get<CommandLine>(cli));
  ASSERT_TRUE(std::holds_alternative<Config>(loaded)) << std::get<std::string>(loaded);
  Config want;
  want.config_file = path;
  EXPECT_EQ(std::get<Config>(loaded), want);
}

// Every key path of a YAML map, dotted ("analytics.health.window").
void CollectKeys(const YAML::Node& node, const std::string& prefix, std::vector<std::string>& out) {
  if (!node.IsMap()) return;
  for (const auto& entry : node) {
    const std::string key =
        prefix.empty() ? entry.first.Scalar() : prefix + "." + entry.first.Scalar();
    out.push_back(key);
    CollectKeys(entry.second, key, out);
  }
}

TEST(ShippedConfigTest, EveryKeyIsCommentedAndDocumented) {
  const std::string shipped = ReadSourceFile("config/netif_exporter.yml");
  const std::string docs = ReadSourceFile("docs/configuration.md");
  std::vector<std::string> keys;
  CollectKeys(YAML::Load(shipped), "", keys);
  EXPECT_EQ(keys.size(), 51u);  // a new key shows up here, in the docs and the shipped file
  for (const std::string& key : keys) {
    EXPECT_THAT(docs, HasSubstr("`" + key + "`")) << "docs/configuration.md lacks " << key;
  }
  // Below the top level, each key has a comment on the line above, or directly follows a sibling
  // at the same indent that the same comment explains (path_procfs and path_sysfs).
  std::istringstream lines(shipped);
  std::string line;
  std::string previous;
  while (std::getline(lines, line)) {
    const size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos) {
      previous.clear();
      continue;
    }
    const bool is_key = line[indent] != '#' && line.find(':') != std::string::npos;
    if (is_key && indent > 0) {
      const size_t previous_indent = previous.find_first_not_of(' ');
      const bool commented =
          previous_indent != std::string::npos && previous[previous_indent] == '#';
      const bool sibling = previous_indent == indent && !commented;
      EXPECT_TRUE(commented || sibling) << "uncommented key: " << line;
    }
    previous = line;
  }
}

TEST(DocsTest, EveryFlagIsDocumented) {
  const std::string docs = ReadSourceFile("docs/configuration.md");
  const std::string help = HelpText();
  size_t pos = 0;
  int flags = 0;
  while ((pos = help.find("--", pos)) != std::string::npos) {
    const size_t end = help.find_first_of("= ,\n", pos);
    std::string flag = help.substr(pos, end - pos);
    if (flag.back() == '.') flag.pop_back();  // "... keys in --config.file."
    EXPECT_THAT(docs, HasSubstr("`" + flag)) << "docs/configuration.md lacks " << flag;
    pos = end;
    ++flags;
  }
  EXPECT_GE(flags, 10);
  EXPECT_THAT(docs, HasSubstr("`-h`"));
}

TEST(DocsTest, EveryProfilePatternIsDocumented) {
  const std::string docs = ReadSourceFile("docs/configuration.md");
  for (const MetricsProfile profile :
       {MetricsProfile::kDefault, MetricsProfile::kCompact, MetricsProfile::kFull}) {
    EXPECT_THAT(docs, HasSubstr("| `" + std::string(MetricsProfileName(profile)) + "` |"));
    const ProfilePatterns& patterns = PatternsOf(profile);
    for (const auto* list : {&patterns.include, &patterns.exclude}) {
      for (std::string_view pattern : *list) {
        std::string in_table;  // a table cell escapes '|'
        for (char c : pattern) in_table += c == '|' ? std::string("\\|") : std::string(1, c);
        EXPECT_THAT(docs, HasSubstr("`" + in_table + "`"))
            << "docs/configuration.md lacks " << MetricsProfileName(profile) << "'s " << pattern;
      }
    }
  }
}

TEST(DocsTest, DocumentsThePortChoice) {
  const std::string docs = ReadSourceFile("docs/configuration.md");
  EXPECT_THAT(docs, HasSubstr("10100"));
  EXPECT_THAT(docs, HasSubstr("9100-9999"));
  EXPECT_THAT(docs, HasSubstr("30000-32767"));
}

}  // namespace
}  // namespace netif
