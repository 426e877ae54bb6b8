import { CppBindingsModel, CppSignal, CppTopic, cppBindingsModel, signature } from './cpp-bindings';
import { SamplePlan, samplePlan } from './sample-plan';
import { VehicleApp } from '../app/vehicle-app';

const SPDX = '// SPDX-License-Identifier: Apache-2.0';

/** The assertion of the sample's test programs: a tiny runner, no framework needed. */
export const CHECK_MACRO = `#define CHECK(condition)                                                              \\
  do {                                                                                \\
    if (!(condition)) {                                                               \\
      ++failures;                                                                     \\
      std::cerr << __FILE__ << ':' << __LINE__ << ": CHECK(" #condition ") failed\\n"; \\
    }                                                                                 \\
  } while (false)`;

/** The owned app logic (written once): a subclass of the generated base, its unit test and the JSON payload helpers. */
export function cppVehicleApp(app: VehicleApp): { [path: string]: string } {
  const sample = new CppSample(app);
  return {
    'src/vehicle_app.hpp': sample.header(),
    'src/vehicle_app.cpp': sample.source(),
    'src/payload.hpp': PAYLOAD_HPP,
    'tests/vehicle_app_test.cpp': sample.test(),
  };
}

/** A value of a signal for the sample's test: as C++ and as it appears in a JSON payload. */
interface SampleValue {
  readonly cpp: string;
  readonly json: string;
}

/** What the sample does, by the C++ names of the generated base. */
class CppSample {
  private readonly plan: SamplePlan;
  private readonly model: CppBindingsModel;
  private readonly className: string;

  public constructor(app: VehicleApp) {
    this.plan = samplePlan(app);
    this.model = cppBindingsModel(app);
    this.className = this.plan.className;
  }

  public header(): string {
    const hooks = [
      ...this.model.readSignals.map(s => signature(`  void on_${s.name}`, `${parameter(s)} value`, ' override;')),
      ...this.model.readTopics.map(t => signature(`  void on_${t.name}`, 'std::string_view topic, std::string_view payload', ' override;')),
    ];
    const members = this.model.readSignals.map(s => `  std::optional<${s.valueType}> ${s.name}_;`);
    return `${SPDX}
// The app's logic: the generated base calls a hook for each signal and topic it reads; the helpers it
// inherits set signals and publish messages. Yours to change; the base follows .projenrc.ts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "generated/vehicle_app_base.hpp"

namespace app {

class ${this.className} : public generated::VehicleAppBase {
 public:
  using VehicleAppBase::VehicleAppBase;
${hooks.length > 0 ? `\n protected:\n${hooks.join('\n')}\n` : ''}${members.length > 0 ? `\n private:\n  // The latest value of each signal the app reads.\n${members.join('\n')}\n` : ''}};

}  // namespace app
`;
  }

  public source(): string {
    const bodies = [
      ...this.model.readSignals.map(s => this.signalHook(s)),
      ...this.model.readTopics.map((t, i) => this.topicHook(t, i === 0)),
    ];
    const answers = this.answers().map(([name, text]) => `constexpr std::string_view ${name} = R"(${text})";\n`);
    return `${SPDX}
#include "vehicle_app.hpp"

#include "payload.hpp"
${answers.length > 0 ? `\nnamespace {\n\n${answers.join('')}\n}  // namespace\n` : ''}${bodies.length > 0 ? `\nnamespace app {\n${bodies.map(b => `\n${b}`).join('')}\n}  // namespace app\n` : ''}`;
  }

  /** The fixed answers on the response topic, as the request hook uses them. */
  private answers(): Array<[string, string]> {
    if (!this.topic(this.plan.responseTopic) || !this.plan.requestTopic) return [];
    const target = this.target;
    if (target) {
      return [['kAccepted', '{"status": "ok"}'], ['kRejected', `{"status": "rejected", "reason": "not a ${target.signal.field} VSS allows"}`]];
    }
    return this.watched ? [['kNoValueYet', '{"status": "no value yet"}']] : [];
  }

  private signalHook(signal: CppSignal): string {
    const update = this.watched === signal ? this.topic(this.plan.updateTopic) : undefined;
    const publish = update ? `\n  publish_${update.name}(payload::object("${signal.signal.field}", value));` : '';
    return `${signature(`void ${this.className}::on_${signal.name}`, `${parameter(signal)} value`, ' {')}
  ${signal.name}_ = value;${publish}
}
`;
  }

  private topicHook(topic: CppTopic, isRequest: boolean): string {
    const response = isRequest ? this.topic(this.plan.responseTopic) : undefined;
    const respond = (payload: string) => (response ? [`publish_${response.name}(${payload});`] : []);
    const target = isRequest ? this.target : undefined;
    const watched = isRequest ? this.watched : undefined;
    let body: string[];
    if (target) {
      const field = target.signal.field;
      body = [
        `using Target = generated::signals::${target.typeName};`,
        `const auto value = payload::field_as<Target::Value>(payload, "${field}");`,
        'if (!value || !Target::accepts(*value)) {',
        ...respond('kRejected').map(l => `  ${l}`),
        '  return;',
        '}',
        `set_${target.name}(*value);`,
        ...respond('kAccepted'),
      ];
    } else if (watched && response) {
      body = [
        `if (!${watched.name}_) {`,
        ...respond('kNoValueYet').map(l => `  ${l}`),
        '  return;',
        '}',
        `const auto& latest = *${watched.name}_;`,
        ...respond(`payload::object("${watched.signal.field}", latest)`),
      ];
    } else {
      body = [`// React to messages on ${topic.topic} here.`];
    }
    const uses = body.some(line => /\bpayload\b(?!::)/.test(line));
    return `${signature(`void ${this.className}::on_${topic.name}`, `std::string_view, std::string_view${uses ? ' payload' : ''}`, ' {')}
${body.map(line => `  ${line}\n`).join('')}}
`;
  }

  public test(): string {
    const cases: Array<{ name: string; body: string }> = [{
      name: 'ignores_what_it_does_not_read',
      body: `  FakeTransport transport;
  app::${this.className} app{transport};
  CHECK(!app.deliver_signal("Vehicle.NotAnAppSignal", app::generated::Datapoint{true}));
  CHECK(!app.deliver_message("not/an/app/topic", "{}"));
  CHECK(transport.signals.empty() && transport.messages.empty());`,
    }];
    const watched = this.watched;
    const update = this.topic(this.plan.updateTopic);
    if (watched && update) {
      const value = sampleValue(watched);
      cases.push({
        name: 'publishes_the_watched_signal',
        body: `  using Watched = signals::${watched.typeName};
  FakeTransport transport;
  app::${this.className} app{transport};
  CHECK(app.deliver_signal(Watched::kPath, app::generated::Datapoint{${value.cpp}}));
  CHECK(transport.messages.size() == 1);
  CHECK(transport.messages.back().first == topics::${update.constant});
  CHECK(transport.messages.back().second == ${JSON.stringify(`{"${watched.signal.field}": ${value.json}}`)});`,
      });
    }
    const request = this.topic(this.plan.requestTopic);
    const response = this.topic(this.plan.responseTopic);
    const target = this.target;
    if (request && target) {
      const value = sampleValue(target);
      const field = target.signal.field;
      const answer = (status: string) => (response
        ? `\n  CHECK(transport.messages.back().first == topics::${response.constant});\n  CHECK(transport.messages.back().second.find(${JSON.stringify(`"status": "${status}"`)}) != std::string::npos);`
        : '');
      const invalid = outOfRange(target);
      cases.push({
        name: 'sets_the_target_on_request',
        body: `  using Target = signals::${target.typeName};
  FakeTransport transport;
  app::${this.className} app{transport};
  CHECK(app.deliver_message(${JSON.stringify(concrete(request.topic))}, ${JSON.stringify(`{"${field}": ${value.json}}`)}));
  CHECK(transport.signals.size() == 1);
  CHECK(transport.signals.back().first == Target::kPath);
  CHECK((transport.signals.back().second == app::generated::Datapoint{${value.cpp}}));${answer('ok')}`,
      });
      cases.push({
        name: 'rejects_a_request_vss_does_not_allow',
        body: `  FakeTransport transport;
  app::${this.className} app{transport};
  for (const char* payload : {"{}", "not json"${invalid ? `, ${JSON.stringify(`{"${field}": ${invalid}}`)}` : ''}}) {
    CHECK(app.deliver_message(${JSON.stringify(concrete(request.topic))}, payload));
  }
  CHECK(transport.signals.empty());${answer('rejected')}`,
      });
    }
    const body = cases.map(c => c.body).join('\n');
    const aliases = ['signals', 'topics'].filter(n => body.includes(`${n}::`)).map(n => `namespace ${n} = app::generated::${n};`);
    return `${SPDX}
// Unit tests of the app's logic against a fake transport: a tiny runner, no framework needed.

#include "vehicle_app.hpp"

#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {
${aliases.length > 0 ? `\n${aliases.join('\n')}\n` : ''}
int failures = 0;

${CHECK_MACRO}

// Records what the app sets and publishes.
class FakeTransport : public app::generated::Transport {
 public:
  void set_signal(std::string_view path, const app::generated::Datapoint& value) override {
    signals.emplace_back(std::string(path), value);
  }
  void publish(std::string_view topic, std::string_view payload) override {
    messages.emplace_back(std::string(topic), std::string(payload));
  }
  std::vector<std::pair<std::string, app::generated::Datapoint>> signals;
  std::vector<std::pair<std::string, std::string>> messages;
};
${cases.map(c => `\nvoid ${c.name}() {\n${c.body}\n}\n`).join('')}
}  // namespace

int main() {
${cases.map(c => `  ${c.name}();`).join('\n')}
  if (failures > 0) {
    std::cerr << failures << " check(s) failed\\n";
    return 1;
  }
  std::cout << "all checks passed\\n";
  return 0;
}
`;
  }

  private get watched(): CppSignal | undefined {
    return this.model.signals.find(s => s.signal.path === this.plan.watched?.path);
  }

  private get target(): CppSignal | undefined {
    return this.model.signals.find(s => s.signal.path === this.plan.target?.path);
  }

  private topic(topic: string | undefined): CppTopic | undefined {
    return [...this.model.readTopics, ...this.model.writtenTopics].find(t => t.topic === topic);
  }
}

function parameter(signal: CppSignal): string {
  return /^std::(string|vector)/.test(signal.valueType) ? `const ${signal.valueType}&` : signal.valueType;
}

/** A topic matching a filter: each wildcard level replaced by a concrete one. */
function concrete(filter: string): string {
  return filter.split('/').map(level => (level === '+' || level === '#' ? 'sample' : level)).join('/');
}

/** A value VSS allows for the signal (the first allowed one, or 1 kept within its range). */
function sampleValue(signal: CppSignal): SampleValue {
  const { vss } = signal.signal;
  if (vss.datatype === 'boolean') return { cpp: 'true', json: 'true' };
  if (vss.datatype === 'string') {
    const text = String(vss.allowed?.[0] ?? 'sample');
    return { cpp: `std::string(${JSON.stringify(text)})`, json: JSON.stringify(text) };
  }
  let value = Number(vss.allowed?.[0] ?? 1);
  if (vss.min !== undefined && value < vss.min) value = Math.ceil(vss.min);
  if (vss.max !== undefined && value > vss.max) value = Math.floor(vss.max);
  return { cpp: `${signal.valueType}{${value}}`, json: String(value) };
}

/** A number just above the signal's maximum, when it has one and the type could hold it. */
function outOfRange(signal: CppSignal): string | undefined {
  const { vss } = signal.signal;
  return vss.max !== undefined && vss.datatype !== 'string' ? String(vss.max + 1) : undefined;
}

const PAYLOAD_HPP = `${SPDX}
// Reading fields of a flat JSON object and writing JSON values: enough for the sample's MQTT payloads.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace app::payload {

// The text of a top-level field's value: a number, true, false, or a string with its opening quote (told apart so).
inline std::optional<std::string> raw_field(std::string_view json, std::string_view name) {
  const std::string key = "\\"" + std::string(name) + "\\"";
  auto at = json.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  at = json.find_first_not_of(" \\t\\r\\n", at + key.size());
  if (at == std::string_view::npos || json[at] != ':') return std::nullopt;
  at = json.find_first_not_of(" \\t\\r\\n", at + 1);
  if (at == std::string_view::npos) return std::nullopt;
  if (json[at] == '"') {
    std::string text = "\\"";
    for (auto i = at + 1; i < json.size(); ++i) {
      if (json[i] == '\\\\' && i + 1 < json.size()) {
        text += json[++i];
      } else if (json[i] == '"') {
        return text;
      } else {
        text += json[i];
      }
    }
    return std::nullopt;
  }
  const auto end = json.find_first_of(",} \\t\\r\\n", at);
  return std::string(json.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
}

// A field as T (bool, std::string or a number that fits T), or nothing when it is missing or of another kind.
template <typename T>
std::optional<T> field_as(std::string_view json, std::string_view name) {
  const auto raw = raw_field(json, name);
  if (!raw || raw->empty()) return std::nullopt;
  const bool quoted = raw->front() == '"';
  if constexpr (std::is_same_v<T, std::string>) {
    return quoted ? std::optional<T>(raw->substr(1)) : std::nullopt;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (*raw == "true") return true;
    if (*raw == "false") return false;
    return std::nullopt;
  } else {
    static_assert(std::is_arithmetic_v<T>, "a signal value is bool, std::string or a number");
    if (quoted) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const double number = std::strtod(raw->c_str(), &end);
    if (errno != 0 || end != raw->c_str() + raw->size() || !std::isfinite(number)) return std::nullopt;
    if constexpr (std::is_integral_v<T>) {
      if (number != std::floor(number) || number < static_cast<double>(std::numeric_limits<T>::lowest()) ||
          number > static_cast<double>(std::numeric_limits<T>::max())) {
        return std::nullopt;
      }
    }
    return static_cast<T>(number);
  }
}

// A value as JSON: true/false, a number, or a quoted string.
template <typename T>
std::string to_json(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_arithmetic_v<T>) {
    std::ostringstream out;
    out << +value;  // + prints an int8/uint8 as a number, not a character
    return out.str();
  } else {
    std::string text = "\\"";
    for (const char c : std::string_view(value)) {
      if (c == '"' || c == '\\\\') text += '\\\\';
      text += c;
    }
    return text + "\\"";
  }
}

// A JSON object of one field, e.g. {"position": 300}.
template <typename T>
std::string object(std::string_view field, const T& value) {
  return "{" + to_json(std::string(field)) + ": " + to_json(value) + "}";
}

}  // namespace app::payload
`;
