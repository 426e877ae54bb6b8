import { CHECK_MACRO, cppVehicleApp } from './cpp-vehicle-app';
import { samplePlan } from './sample-plan';
import { HEARTBEAT } from '../app/heartbeat';
import { VehicleApp } from '../app/vehicle-app';
import { DATABROKER, INTEGRATION_REQUIRED, MQTT_BROKER } from '../runtime/runtime-service-catalogue';

const SPDX = '// SPDX-License-Identifier: Apache-2.0';

/**
 * C++ sample app with CMake, by path relative to the app folder.
 *
 * No external dependencies: the app reads the SDV_* env contract itself. The build installs the
 * binary to `<prefix>/bin/<app name>`; `-DAPP_STATIC=ON` links it statically.
 */
export function cppSample(app: VehicleApp): { [path: string]: string } {
  return {
    'CMakeLists.txt': cmakeLists(app),
    'src/main.cpp': mainCpp(app),
    ...cppVehicleApp(app),
    'src/service_config.hpp': SERVICE_CONFIG_HPP,
    'src/service_config.cpp': SERVICE_CONFIG_CPP,
    'src/heartbeat.hpp': heartbeatHpp(),
    'src/heartbeat.cpp': HEARTBEAT_CPP,
    'tests/service_config_test.cpp': SERVICE_CONFIG_TEST_CPP,
    'tests/heartbeat_test.cpp': HEARTBEAT_TEST_CPP,
    'tests/integration_test.cpp': INTEGRATION_TEST_CPP,
  };
}

function cmakeString(value: string): string {
  return `"${value.replace(/[\\"$;]/g, c => `\\${c}`)}"`;
}

function cmakeLists(app: VehicleApp): string {
  const description = (app.description ?? 'A Velocitas vehicle app').replace(/\s+/g, ' ').trim();
  return `# SPDX-License-Identifier: Apache-2.0
cmake_minimum_required(VERSION 3.16)
project(${app.name} VERSION ${app.version.replace(/[-+].*$/, '')} DESCRIPTION ${cmakeString(description)} LANGUAGES CXX)

set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

option(APP_STATIC "Link the app statically, for a minimal runtime image" OFF)
option(BUILD_TESTING "Build the unit tests" ON)

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  add_compile_options(-Wall -Wextra -Wpedantic)
endif()

# The business logic, in a library the tests link against.
add_library(app_logic STATIC src/service_config.cpp src/heartbeat.cpp src/vehicle_app.cpp)
target_include_directories(app_logic PUBLIC src)

add_executable(${app.name} src/main.cpp)
target_link_libraries(${app.name} PRIVATE app_logic)
if(APP_STATIC)
  target_link_options(${app.name} PRIVATE -static)
endif()
install(TARGETS ${app.name} RUNTIME DESTINATION bin)

if(BUILD_TESTING)
  enable_testing()
  add_executable(service_config_test tests/service_config_test.cpp)
  target_link_libraries(service_config_test PRIVATE app_logic)
  add_test(NAME service_config_test COMMAND service_config_test)
  add_executable(heartbeat_test tests/heartbeat_test.cpp)
  target_link_libraries(heartbeat_test PRIVATE app_logic)
  add_test(NAME heartbeat_test COMMAND heartbeat_test)
  add_executable(vehicle_app_test tests/vehicle_app_test.cpp)
  target_link_libraries(vehicle_app_test PRIVATE app_logic)
  add_test(NAME vehicle_app_test COMMAND vehicle_app_test)
  # Needs the runtime services (CI's integration job, npx projen local:test); skipped where they are absent.
  add_executable(integration_test tests/integration_test.cpp)
  target_link_libraries(integration_test PRIVATE app_logic)
  add_test(NAME integration_test COMMAND integration_test)
  set_tests_properties(integration_test PROPERTIES LABELS integration SKIP_RETURN_CODE 77)
endif()
`;
}

function mainCpp(app: VehicleApp): string {
  const appClass = samplePlan(app).className;
  return `${SPDX}
// ${app.name}: finds its services through the SDV_* environment and runs until SIGTERM.
// \`${app.name} ${HEARTBEAT.checkFlag} [seconds]\` is the container's probe: it exits 0 while the heartbeat is fresh.

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "generated/services.hpp"
#include "generated/topics.hpp"
#include "generated/vehicle_model.hpp"
#include "heartbeat.hpp"
#include "service_config.hpp"
#include "vehicle_app.hpp"

namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void request_stop(int /*signal*/) {
  stop_requested = 1;
}

std::optional<std::string> from_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

// Stands in for the databroker and MQTT clients until they are linked: logs what the app sets and publishes.
class LoggingTransport : public app::generated::Transport {
 public:
  explicit LoggingTransport(const app::Logger& log) : log_(log) {}
  void set_signal(std::string_view path, const app::generated::Datapoint& /*value*/) override {
    log_.info("sets " + std::string(path));
  }
  void publish(std::string_view topic, std::string_view payload) override {
    log_.info("publishes on " + std::string(topic) + ": " + std::string(payload));
  }

 private:
  const app::Logger& log_;
};

}  // namespace

int main(int argc, char* argv[]) {
  const std::string heartbeat = app::heartbeat_file(from_environment);
  if (argc > 1 && std::string_view(argv[1]) == "${HEARTBEAT.checkFlag}") {
    const auto max_age = argc > 2 ? std::chrono::seconds(std::atoi(argv[2])) : app::kHeartbeatMaxAge;
    return app::heartbeat_is_fresh(heartbeat, max_age) ? EXIT_SUCCESS : EXIT_FAILURE;
  }

  std::signal(SIGTERM, request_stop);
  std::signal(SIGINT, request_stop);

  const app::AppConfig config = app::load_config(app::generated::kServices, from_environment);
  const app::Logger log{config.log_level, std::clog};
  for (const auto& error : config.errors) {
    log.error(error);
  }
  if (!config.errors.empty()) {
    return EXIT_FAILURE;
  }
  for (const auto& [service, address] : config.addresses) {
    log.info(service.name + " at " + app::to_string(address));
  }
  for (const auto& signal : app::generated::kSignals) {
    log.debug("uses " + std::string(signal.type) + " " + std::string(signal.path) + " (" +
              std::string(signal.datatype) + (signal.unit.empty() ? "" : ", " + std::string(signal.unit)) + ")");
  }

  // The clients deliver what arrives with vehicle_app.deliver_signal and deliver_message.
  LoggingTransport transport{log};
  app::${appClass} vehicle_app{transport};
  for (const auto path : vehicle_app.kReadSignals) {
    log.debug("subscribes to " + std::string(path));
  }
  for (const auto topic : app::generated::topics::kSubscribedTopics) {
    log.debug("subscribes to " + std::string(topic));
  }

  log.info("${app.name} started");
  auto next_beat = std::chrono::steady_clock::now();
  bool heartbeat_warned = false;
  while (stop_requested == 0) {
    // The heartbeat tells the container's probes that this loop still runs.
    if (std::chrono::steady_clock::now() >= next_beat) {
      if (!app::touch_heartbeat(heartbeat) && !heartbeat_warned) {
        log.warning("cannot write the heartbeat file " + heartbeat + "; the container's probes will fail");
        heartbeat_warned = true;
      }
      next_beat = std::chrono::steady_clock::now() + app::kHeartbeatInterval;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  log.info("Stopping");
  app::remove_heartbeat(heartbeat);
  return EXIT_SUCCESS;
}
`;
}

const SERVICE_CONFIG_HPP = `${SPDX}
// The SDV_* environment contract: where the app finds its services, and its log level.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "generated/services.hpp"

namespace app {

using Service = generated::Service;

// A parsed service address such as grpc://databroker:55555 or mqtt://[::1]:1883.
struct Address {
  std::string scheme;
  std::string host;
  std::uint16_t port = 0;

  bool operator==(const Address& other) const {
    return scheme == other.scheme && host == other.host && port == other.port;
  }
};

// Parses scheme://host:port; the port may be left out for the schemes with a well-known one.
std::optional<Address> parse_address(std::string_view text);

// scheme://host:port, with brackets around an IPv6 host.
std::string to_string(const Address& address);

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Parses LOGLEVEL (debug, info, warning, error; any case).
std::optional<LogLevel> parse_log_level(std::string_view text);

using Environment = std::function<std::optional<std::string>(const std::string&)>;

struct AppConfig {
  std::vector<std::pair<Service, Address>> addresses;
  LogLevel log_level = LogLevel::kInfo;
  std::vector<std::string> errors;  // each names the variable, its value and the expected form
};

// Reads every service address and LOGLEVEL; collects all problems instead of stopping at the first.
AppConfig load_config(const std::vector<Service>& services, const Environment& environment);

// Writes lines at or above a level.
class Logger {
 public:
  Logger(LogLevel level, std::ostream& out) : level_(level), out_(out) {}
  void debug(const std::string& message) const {
    write(LogLevel::kDebug, "DEBUG", message);
  }
  void info(const std::string& message) const {
    write(LogLevel::kInfo, "INFO", message);
  }
  void warning(const std::string& message) const {
    write(LogLevel::kWarning, "WARNING", message);
  }
  void error(const std::string& message) const {
    write(LogLevel::kError, "ERROR", message);
  }

 private:
  void write(LogLevel level, const char* label, const std::string& message) const;
  LogLevel level_;
  std::ostream& out_;
};

}  // namespace app
`;

const SERVICE_CONFIG_CPP = `${SPDX}
#include "service_config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace app {
namespace {

std::optional<std::uint16_t> default_port(std::string_view scheme) {
  if (scheme == "mqtt") return 1883;
  if (scheme == "mqtts") return 8883;
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return std::nullopt;
}

bool valid_scheme(std::string_view scheme) {
  return !scheme.empty() && std::isalpha(static_cast<unsigned char>(scheme.front())) &&
         std::all_of(scheme.begin(), scheme.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
         });
}

bool valid_host(std::string_view host) {
  return !host.empty() && std::none_of(host.begin(), host.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '@' || c == '[' || c == ']';
  });
}

std::string lowercase(std::string_view text) {
  std::string result(text);
  std::transform(
      result.begin(), result.end(), result.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

}  // namespace

std::optional<Address> parse_address(std::string_view text) {
  const auto separator = text.find("://");
  if (separator == std::string_view::npos) return std::nullopt;
  Address address;
  address.scheme = lowercase(text.substr(0, separator));
  if (!valid_scheme(address.scheme)) return std::nullopt;
  std::string_view rest = text.substr(separator + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);

  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    address.host = std::string(rest.substr(1, close - 1));
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
    if (address.host.empty() || address.host.find(':') == std::string::npos) return std::nullopt;
  } else {
    const auto colon = rest.rfind(':');
    address.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
    if (!valid_host(address.host) || address.host.find(':') != std::string::npos) return std::nullopt;
  }

  if (port.empty()) {
    const auto fallback = default_port(address.scheme);
    if (!fallback) return std::nullopt;
    address.port = *fallback;
    return address;
  }
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  address.port = static_cast<std::uint16_t>(value);
  return address;
}

std::string to_string(const Address& address) {
  const bool ipv6 = address.host.find(':') != std::string::npos;
  return address.scheme + "://" + (ipv6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  const std::string level = lowercase(text);
  if (level == "debug") return LogLevel::kDebug;
  if (level == "info") return LogLevel::kInfo;
  if (level == "warning") return LogLevel::kWarning;
  if (level == "error") return LogLevel::kError;
  return std::nullopt;
}

AppConfig load_config(const std::vector<Service>& services, const Environment& environment) {
  AppConfig config;
  for (const auto& service : services) {
    const std::string text = environment(service.variable).value_or(service.default_address);
    if (const auto address = parse_address(text)) {
      config.addresses.emplace_back(service, *address);
    } else {
      config.errors.push_back(service.variable + "=\\"" + text +
                              "\\" is not a service address; set it to scheme://host:port, e.g. " +
                              service.default_address);
    }
  }
  if (const auto text = environment("LOGLEVEL")) {
    if (const auto level = parse_log_level(*text)) {
      config.log_level = *level;
    } else {
      config.errors.push_back("LOGLEVEL=\\"" + *text + "\\" is not a log level; use debug, info, warning or error");
    }
  }
  return config;
}

void Logger::write(LogLevel level, const char* label, const std::string& message) const {
  if (level >= level_) {
    out_ << label << ' ' << message << std::endl;
  }
}

}  // namespace app
`;

const SERVICE_CONFIG_TEST_CPP = `${SPDX}
// Unit tests of the env contract: a tiny runner, no framework needed.

#include "service_config.hpp"

#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

namespace {

int failures = 0;

${CHECK_MACRO}

app::Environment environment(std::map<std::string, std::string> variables) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    return found == variables.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
}

const std::vector<app::Service> kTestServices = {
    {"vehicledatabroker", "SDV_VEHICLEDATABROKER_ADDRESS", "grpc://localhost:55555"},
    {"mqtt", "SDV_MQTT_ADDRESS", "mqtt://localhost:1883"},
};

void parses_addresses() {
  CHECK((app::parse_address("grpc://databroker:55555") == app::Address{"grpc", "databroker", 55555}));
  CHECK((app::parse_address("MQTT://mosquitto") == app::Address{"mqtt", "mosquitto", 1883}));
  CHECK((app::parse_address("grpc://[::1]:55555/") == app::Address{"grpc", "::1", 55555}));
  CHECK((app::parse_address("grpc://10.0.0.7:50051") == app::Address{"grpc", "10.0.0.7", 50051}));
}

void rejects_malformed_addresses() {
  for (const char* text : {"",
                           "localhost:55555",
                           "grpc://",
                           "grpc://:55555",
                           "grpc://host:0",
                           "grpc://host:65536",
                           "grpc://host:port",
                           "grpc://host",
                           "grpc://[::1",
                           "grpc://::1:55555",
                           "grpc://a b:1",
                           "1grpc://host:1",
                           "grpc://user@host:1"}) {
    if (app::parse_address(text)) {
      ++failures;
      std::cerr << "accepted malformed address \\"" << text << "\\"\\n";
    }
  }
}

void prints_addresses() {
  CHECK(app::to_string({"grpc", "databroker", 55555}) == "grpc://databroker:55555");
  CHECK(app::to_string({"grpc", "::1", 55555}) == "grpc://[::1]:55555");
}

void parses_log_levels() {
  CHECK(app::parse_log_level("debug") == app::LogLevel::kDebug);
  CHECK(app::parse_log_level("INFO") == app::LogLevel::kInfo);
  CHECK(app::parse_log_level("Warning") == app::LogLevel::kWarning);
  CHECK(app::parse_log_level("error") == app::LogLevel::kError);
  CHECK(!app::parse_log_level("verbose"));
}

void uses_the_contract_defaults() {
  const auto config = app::load_config(kTestServices, environment({}));
  CHECK(config.errors.empty());
  CHECK(config.addresses.size() == 2);
  CHECK((config.addresses.at(0).second == app::Address{"grpc", "localhost", 55555}));
  CHECK((config.addresses.at(1).second == app::Address{"mqtt", "localhost", 1883}));
  CHECK(config.log_level == app::LogLevel::kInfo);
}

void reads_the_environment() {
  const auto config = app::load_config(kTestServices,
                                       environment({
                                           {"SDV_VEHICLEDATABROKER_ADDRESS", "grpc://databroker:55556"},
                                           {"SDV_MQTT_ADDRESS", "mqtt://broker:1884"},
                                           {"LOGLEVEL", "debug"},
                                       }));
  CHECK(config.errors.empty());
  CHECK(config.addresses.at(0).first.name == "vehicledatabroker");
  CHECK((config.addresses.at(0).second == app::Address{"grpc", "databroker", 55556}));
  CHECK((config.addresses.at(1).second == app::Address{"mqtt", "broker", 1884}));
  CHECK(config.log_level == app::LogLevel::kDebug);
}

void reports_every_bad_variable() {
  const auto config = app::load_config(kTestServices,
                                       environment({
                                           {"SDV_VEHICLEDATABROKER_ADDRESS", "localhost:55555"},
                                           {"SDV_MQTT_ADDRESS", "mqtt://broker:99999"},
                                           {"LOGLEVEL", "loud"},
                                       }));
  CHECK(config.errors.size() == 3);
  CHECK(config.addresses.empty());
  CHECK(config.errors.at(0).find("SDV_VEHICLEDATABROKER_ADDRESS=\\"localhost:55555\\"") == 0);
  CHECK(config.errors.at(2).find("LOGLEVEL") == 0);
}

void logs_at_or_above_the_level() {
  std::ostringstream out;
  const app::Logger log{app::LogLevel::kWarning, out};
  log.info("hidden");
  log.warning("shown");
  log.error("also shown");
  CHECK(out.str() == "WARNING shown\\nERROR also shown\\n");
}

}  // namespace

int main() {
  parses_addresses();
  rejects_malformed_addresses();
  prints_addresses();
  parses_log_levels();
  uses_the_contract_defaults();
  reads_the_environment();
  reports_every_bad_variable();
  logs_at_or_above_the_level();
  if (failures > 0) {
    std::cerr << failures << " check(s) failed\\n";
    return 1;
  }
  std::cout << "all checks passed\\n";
  return 0;
}
`;

function heartbeatHpp(): string {
  return `${SPDX}
// Liveness heartbeat: the app touches a file while its main loop runs; the container's probe
// (\`<app> ${HEARTBEAT.checkFlag}\`) fails when the file is missing or old, so a hung app is restarted.
#pragma once

#include <chrono>
#include <string>

#include "service_config.hpp"

namespace app {

inline constexpr std::chrono::seconds kHeartbeatInterval{${HEARTBEAT.intervalSeconds}};
inline constexpr std::chrono::seconds kHeartbeatMaxAge{${HEARTBEAT.maxAgeSeconds}};

// The file the probe checks: ${HEARTBEAT.fileVariable}, by default ${HEARTBEAT.defaultFile}.
std::string heartbeat_file(const Environment& environment);

// Creates the file or updates its modification time; false when it cannot.
bool touch_heartbeat(const std::string& path);

// True when the file exists and was modified less than max_age ago.
bool heartbeat_is_fresh(const std::string& path, std::chrono::seconds max_age);

// Removes the file, so a restarted app is not taken for alive before its first beat.
void remove_heartbeat(const std::string& path);

}  // namespace app
`;
}

const HEARTBEAT_CPP = `${SPDX}
#include "heartbeat.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace app {

std::string heartbeat_file(const Environment& environment) {
  return environment("${HEARTBEAT.fileVariable}").value_or("${HEARTBEAT.defaultFile}");
}

bool touch_heartbeat(const std::string& path) {
  std::ofstream(path, std::ios::app).close();  // creates the file when it is missing
  std::error_code error;
  std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now(), error);
  return !error;
}

bool heartbeat_is_fresh(const std::string& path, std::chrono::seconds max_age) {
  std::error_code error;
  const auto modified = std::filesystem::last_write_time(path, error);
  return !error && std::filesystem::file_time_type::clock::now() - modified < max_age;
}

void remove_heartbeat(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

}  // namespace app
`;

const HEARTBEAT_TEST_CPP = `${SPDX}
// Unit tests of the liveness heartbeat.

#include "heartbeat.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

namespace {

int failures = 0;

void check(bool condition, const char* what) {
  if (!condition) {
    ++failures;
    std::cerr << "CHECK failed: " << what << '\\n';
  }
}

}  // namespace

int main() {
  using std::chrono::seconds;
  const std::string path = "heartbeat_test.file";  // in the build folder, where ctest runs
  app::remove_heartbeat(path);

  check(!app::heartbeat_is_fresh(path, seconds(30)), "a missing file is not fresh");
  check(app::touch_heartbeat(path), "touching creates the file");
  check(app::heartbeat_is_fresh(path, seconds(30)), "a touched file is fresh");
  std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() - std::chrono::minutes(1));
  check(!app::heartbeat_is_fresh(path, seconds(30)), "a file older than the maximum age is stale");
  check(app::touch_heartbeat(path) && app::heartbeat_is_fresh(path, seconds(30)), "touching makes it fresh again");
  app::remove_heartbeat(path);
  check(!std::filesystem::exists(path), "removing deletes the file");

  const auto none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const auto set = [](const std::string& name) -> std::optional<std::string> {
    return name == "${HEARTBEAT.fileVariable}" ? std::optional<std::string>("/run/app/beat") : std::nullopt;
  };
  check(app::heartbeat_file(none) == "${HEARTBEAT.defaultFile}", "the file defaults to ${HEARTBEAT.defaultFile}");
  check(app::heartbeat_file(set) == "/run/app/beat", "${HEARTBEAT.fileVariable} names the file");

  if (failures > 0) {
    std::cerr << failures << " check(s) failed\\n";
    return 1;
  }
  std::cout << "all checks passed\\n";
  return 0;
}
`;

const INTEGRATION_TEST_CPP = `${SPDX}
// Integration test: the runtime services answer, in their own protocol, at the addresses the app takes
// from its SDV_* environment (a port-forward may move the port: ${DATABROKER.portVariable}, ${MQTT_BROKER.portVariable}).
// Exits 77, which CTest reports as skipped, when none of them is reachable, unless ${INTEGRATION_REQUIRED}=1 (CI).

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "generated/services.hpp"
#include "service_config.hpp"

namespace {

constexpr int kSkipped = 77;
constexpr int kTimeoutMs = 5000;

std::optional<std::string> from_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

// A connected TCP socket, closed when it goes out of scope.
class Connection {
 public:
  Connection(const std::string& host, std::uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return;
    for (addrinfo* a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
      fd_ = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd_ >= 0 && connect(fd_, a->ai_addr, a->ai_addrlen) != 0) {
        close(fd_);
        fd_ = -1;
      }
    }
    freeaddrinfo(found);
  }
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const {
    return fd_ >= 0;
  }

  bool send_all(const std::string& data) const {
    for (std::size_t sent = 0; sent < data.size();) {
      const ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // The next \`count\` bytes, or nothing if the peer closes or stays silent.
  std::optional<std::string> receive(std::size_t count) const {
    std::string data;
    while (data.size() < count) {
      pollfd waiting{fd_, POLLIN, 0};
      if (poll(&waiting, 1, kTimeoutMs) <= 0) return std::nullopt;
      std::array<char, 256> buffer{};
      const ssize_t n = recv(fd_, buffer.data(), std::min(buffer.size(), count - data.size()), 0);
      if (n <= 0) return std::nullopt;
      data.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return data;
  }

 private:
  int fd_ = -1;
};

// gRPC runs on HTTP/2: after the client preface and an empty SETTINGS frame, the server sends its SETTINGS.
bool speaks_grpc(const Connection& connection) {
  const std::string preface = "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n";
  const std::string empty_settings("\\x00\\x00\\x00\\x04\\x00\\x00\\x00\\x00\\x00", 9);
  if (!connection.send_all(preface + empty_settings)) return false;
  const auto frame_header = connection.receive(9);
  return frame_header && static_cast<unsigned char>((*frame_header)[3]) == 0x04;
}

// MQTT 3.1.1: a CONNECT with a clean session is answered by CONNACK with return code 0 (accepted).
bool accepts_mqtt(const Connection& connection) {
  const std::string client_id = "integration-test-" + std::to_string(getpid());
  std::string body("\\x00\\x04MQTT\\x04\\x02\\x00\\x1e", 10);
  body += static_cast<char>(client_id.size() >> 8);
  body += static_cast<char>(client_id.size() & 0xff);
  body += client_id;
  const std::string connect = std::string(1, '\\x10') + static_cast<char>(body.size()) + body;
  if (!connection.send_all(connect)) return false;
  const auto connack = connection.receive(4);
  return connack && *connack == std::string("\\x20\\x02\\x00\\x00", 4);
}

}  // namespace

int main() {
  const bool required = from_environment("${INTEGRATION_REQUIRED}").value_or("") == "1";
  const app::AppConfig config = app::load_config(app::generated::kServices, from_environment);
  for (const auto& error : config.errors) std::cerr << "FAIL " << error << "\\n";
  if (!config.errors.empty()) return EXIT_FAILURE;

  int reachable = 0;
  int unreachable = 0;
  int failed = 0;
  for (const auto& [service, address] : config.addresses) {
    const bool databroker = service.name == "vehicledatabroker";
    if (!databroker && service.name != "mqtt") {
      std::cout << "-    " << service.name << ": not a runtime service of the chart, not checked\\n";
      continue;
    }
    const auto port_override = from_environment(databroker ? "${DATABROKER.portVariable}" : "${MQTT_BROKER.portVariable}");
    const auto port = port_override ? static_cast<std::uint16_t>(std::atoi(port_override->c_str())) : address.port;
    const std::string where = address.host + ":" + std::to_string(port);
    const Connection connection(address.host, port);
    if (!connection.connected()) {
      std::cout << "-    " << service.name << ": nothing listens at " << where << "\\n";
      ++unreachable;
      continue;
    }
    ++reachable;
    const bool ok = databroker ? speaks_grpc(connection) : accepts_mqtt(connection);
    std::cout << (ok ? "PASS " : "FAIL ") << service.name << " at " << where
              << (databroker ? " speaks HTTP/2 (gRPC)" : " accepts an MQTT session") << "\\n";
    if (!ok) ++failed;
  }
  if (failed > 0) return EXIT_FAILURE;
  if (required && unreachable > 0) {
    std::cout << "FAIL ${INTEGRATION_REQUIRED}=1, and a runtime service does not answer\\n";
    return EXIT_FAILURE;
  }
  if (reachable == 0) {
    std::cout << "skipped: no runtime service is reachable\\n";
    return kSkipped;
  }
  // Some services answered and others did not: the deployment is incomplete.
  return unreachable > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
`;
