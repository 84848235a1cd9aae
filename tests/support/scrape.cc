#include "support/scrape.h"

#include <gtest/gtest.h>

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

}  // namespace netif::testing_support
