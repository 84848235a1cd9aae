#include "support/scrape.h"

#include <gtest/gtest.h>

#include <charconv>
#include <string>
#include <thread>
#include <utility>

namespace netif::testing_support {

std::optional<Exposition> ParsedScrape(const ExporterProcess& exporter) {
  const std::optional<std::string> body = exporter.Scrape();
  if (!body) return std::nullopt;
  Exposition scrape = ParseExposition(*body);
  EXPECT_TRUE(scrape.errors.empty()) << ::testing::PrintToString(scrape.errors);
  return scrape;
}

Exposition ScrapeUntil(const ExporterProcess& exporter,
                       const std::function<bool(const Exposition&)>& done,
                       std::chrono::milliseconds limit, std::chrono::milliseconds pause) {
  const auto end = std::chrono::steady_clock::now() + limit;
  Exposition last;
  while (true) {
    if (std::optional<Exposition> scrape = ParsedScrape(exporter)) {
      last = std::move(*scrape);
      if (done(last)) return last;
    }
    if (std::chrono::steady_clock::now() >= end) return last;
    std::this_thread::sleep_for(pause);
  }
}

std::optional<uint64_t> ScrapedCounter(const Exposition& scrape, const std::string& family,
                                       const std::string& device) {
  const auto found = scrape.Find(family, {{"device", device}});
  if (found.size() != 1) return std::nullopt;
  uint64_t value = 0;
  const std::string& text = found[0]->value_text;
  if (std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace netif::testing_support
