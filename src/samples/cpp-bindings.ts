import { SampleSignal, samplePlan } from './sample-plan';
import { DatapointAccess } from '../app/app-interface';
import { VehicleApp } from '../app/vehicle-app';

/** Where the generated headers live, relative to the app folder; owned code includes them as `generated/<file>`. */
export const CPP_GENERATED_DIR = 'src/generated';

/** The C++ type of each VSS datatype (an array datatype `T[]` is a `std::vector` of T's type). */
const CPP_TYPES: { readonly [datatype: string]: string } = {
  boolean: 'bool',
  string: 'std::string',
  int8: 'std::int8_t',
  int16: 'std::int16_t',
  int32: 'std::int32_t',
  int64: 'std::int64_t',
  uint8: 'std::uint8_t',
  uint16: 'std::uint16_t',
  uint32: 'std::uint32_t',
  uint64: 'std::uint64_t',
  float: 'float',
  double: 'double',
};

/** The range of each integer datatype: a VSS bound at or beyond it is no check (and comparing would warn). */
const INTEGER_RANGES: { readonly [datatype: string]: [number, number] } = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [-Infinity, Infinity],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0, Infinity],
};

/** A signal as the generated C++ names it. */
export interface CppSignal {
  readonly signal: SampleSignal;
  /** Struct of its facts in `app::generated::signals`, e.g. `CabinSeatRow1DriverSidePosition`. */
  readonly typeName: string;
  /** snake_case of the path without `Vehicle.`, e.g. `cabin_seat_row1_driver_side_position`: `on_<name>`, `set_<name>`. */
  readonly name: string;
  /** The C++ type of a value, e.g. `std::uint16_t`. */
  readonly valueType: string;
}

/** A topic as the generated C++ names it. */
export interface CppTopic {
  readonly topic: string;
  /** Constant in `app::generated::topics`, e.g. `kSeatadjusterSetPositionRequest`. */
  readonly constant: string;
  /** snake_case, e.g. `seatadjuster_set_position_request`: `on_<name>`, `publish_<name>`. */
  readonly name: string;
}

/** What the generated headers declare: the signals and topics the app reads and writes, by their C++ names. */
export interface CppBindingsModel {
  readonly signals: CppSignal[];
  readonly readSignals: CppSignal[];
  readonly writtenSignals: CppSignal[];
  readonly readTopics: CppTopic[];
  readonly writtenTopics: CppTopic[];
}

/** The C++ names of the app's signals and topics, unique within each kind. */
export function cppBindingsModel(app: VehicleApp): CppBindingsModel {
  const plan = samplePlan(app);
  const signalNames = new UniqueNames();
  const signals = plan.signals.map(signal => {
    const segments = signal.segments[0] === 'Vehicle' && signal.segments.length > 1 ? signal.segments.slice(1) : signal.segments;
    const name = signalNames.take(segments.map(snake).join('_'));
    return { signal, name, typeName: pascal(name), valueType: cppType(signal.vss.datatype) };
  });
  const byPath = new Map(signals.map(s => [s.signal.path, s]));
  const vsis = app.manifest.vehicleSignalInterfaces;
  const pathsWith = (access: DatapointAccess) => vsis.flatMap(v => v.required.filter(d => d.access === access).map(d => d.path));
  const pick = (paths: string[]) => [...new Set(paths)].map(p => byPath.get(p)!);

  const topicNames = new UniqueNames();
  const topics = new Map<string, CppTopic>();
  const topicOf = (topic: string) => {
    if (!topics.has(topic)) {
      const name = topicNames.take(topic.split('/').map(level => (level === '+' ? 'any' : level === '#' ? 'all' : snake(level))).join('_'));
      topics.set(topic, { topic, name, constant: `k${pascal(name)}` });
    }
    return topics.get(topic)!;
  };
  const pubSub = app.manifest.pubSubInterfaces;
  return {
    signals,
    readSignals: pick(pathsWith(DatapointAccess.READ)),
    writtenSignals: pick([...pathsWith(DatapointAccess.WRITE), ...vsis.flatMap(v => v.provided.map(d => d.path))]),
    readTopics: [...new Set(pubSub.flatMap(p => p.reads))].map(topicOf),
    writtenTopics: [...new Set(pubSub.flatMap(p => p.writes))].map(topicOf),
  };
}

/** The C++ type of a VSS datatype; throws for a datatype VSS does not define. */
export function cppType(datatype: string): string {
  const element = datatype.replace(/\[\]$/, '');
  const type = CPP_TYPES[element];
  if (!type) throw new Error(`VSS datatype ${JSON.stringify(datatype)} has no C++ type; known: ${Object.keys(CPP_TYPES).join(', ')} and their arrays`);
  return element === datatype ? type : `std::vector<${type}>`;
}

/**
 * The headers that follow the manifest, by path relative to the app folder: regenerated on every synth (under
 * the projen marker), included by the owned sources as `generated/<file>`.
 */
export function cppBindings(app: VehicleApp): { [path: string]: string } {
  const model = cppBindingsModel(app);
  return {
    [`${CPP_GENERATED_DIR}/vehicle_model.hpp`]: vehicleModelHpp(model),
    [`${CPP_GENERATED_DIR}/topics.hpp`]: topicsHpp(model),
    [`${CPP_GENERATED_DIR}/services.hpp`]: servicesHpp(app),
    [`${CPP_GENERATED_DIR}/vehicle_app_base.hpp`]: vehicleAppBaseHpp(model),
    // The style the lint task checks every source against, generated ones included.
    '.clang-format': CLANG_FORMAT,
  };
}

/** The maximum line length of the generated .clang-format. */
const COLUMN_LIMIT = 120;

/**
 * The style the lint task checks. A function body never shares its line, and a braced list of fewer than
 * 20 elements written one a line stays so: the generated sources are formatted whatever the length of the names in them.
 */
const CLANG_FORMAT = `BasedOnStyle: Google\nColumnLimit: ${COLUMN_LIMIT}\nAllowShortFunctionsOnASingleLine: Empty\nBinPackArguments: false\n`;

/**
 * A braced list, one element a line, each under its comment when given: clang-format keeps that layout (a
 * comment between elements keeps a long list from being set in columns).
 */
function bracedList(elements: string[], indent: string, comments?: string[]): string {
  if (elements.length === 0) return '{}';
  const lines = elements.map((e, i) => `${comments ? `${indent}    // ${comments[i]}\n` : ''}${indent}    ${e},\n`);
  return `{\n${lines.join('')}${indent}}`;
}

function header(what: string): string {
  return `// SPDX-License-Identifier: Apache-2.0
// ${what}
#pragma once
`;
}

function vehicleModelHpp(model: CppBindingsModel): string {
  const sources = [...new Set(model.signals.map(s => s.signal.source))].join(' and ');
  return `${header(`The VSS signals the app reads or writes${sources ? `, with the facts of ${sources}` : ''}.`)}
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace app::generated {

// A value of any VSS datatype, as a transport carries it.
using Datapoint =
    std::variant<bool, std::string, std::int8_t, std::int16_t, std::int32_t, std::int64_t, std::uint8_t, std::uint16_t,
                 std::uint32_t, std::uint64_t, float, double, std::vector<bool>, std::vector<std::string>,
                 std::vector<std::int8_t>, std::vector<std::int16_t>, std::vector<std::int32_t>,
                 std::vector<std::int64_t>, std::vector<std::uint8_t>, std::vector<std::uint16_t>,
                 std::vector<std::uint32_t>, std::vector<std::uint64_t>, std::vector<float>, std::vector<double>>;

// Where a signal is and what it is, for logs.
struct SignalInfo {
  std::string_view path;
  std::string_view type;      // sensor, actuator or attribute
  std::string_view datatype;  // e.g. "uint16", "string[]"
  std::string_view unit;      // empty when VSS gives none
};

${model.signals.length > 0 ? `namespace signals {\n${model.signals.map(signalStruct).join('')}\n}  // namespace signals\n\n` : ''}inline constexpr std::array<SignalInfo, ${model.signals.length}> kSignals = ${bracedList(model.signals.map(s => `signals::${s.typeName}::kInfo`), '', model.signals.map(s => s.signal.path))};

}  // namespace app::generated
`;
}

function signalStruct(cpp: CppSignal): string {
  const { vss } = cpp.signal;
  const element = vss.datatype.replace(/\[\]$/, '');
  const isArray = element !== vss.datatype;
  const constantType = element === 'string' ? 'std::string_view' : CPP_TYPES[element];
  const lines = [
    `  using Value = ${cpp.valueType};`,
    fitted('  static constexpr std::string_view kPath =', `${JSON.stringify(vss.path)};`),
    `  static constexpr std::string_view kType = ${JSON.stringify(vss.type)};`,
    `  static constexpr std::string_view kDatatype = ${JSON.stringify(vss.datatype)};`,
    `  static constexpr std::string_view kUnit = ${JSON.stringify(vss.unit ?? '')};`,
    '  static constexpr SignalInfo kInfo{kPath, kType, kDatatype, kUnit};',
  ];
  // One early return per rule VSS gives; a bound at or beyond the datatype's own range is no rule (and would warn).
  const rules: string[] = [];
  const [lowest, highest] = INTEGER_RANGES[element] ?? [-Infinity, Infinity];
  if (vss.min !== undefined) lines.push(`  static constexpr ${constantType} kMin = ${vss.min};`);
  if (vss.max !== undefined) lines.push(`  static constexpr ${constantType} kMax = ${vss.max};`);
  if (vss.min !== undefined && vss.min > lowest) rules.push('    if (element < kMin) return false;');
  if (vss.max !== undefined && vss.max < highest) rules.push('    if (element > kMax) return false;');
  const allowed = vss.allowed ?? [];
  if (allowed.length > 0) {
    const literals = allowed.map(a => (typeof a === 'string' ? JSON.stringify(a) : String(a)));
    const declaration = `  static constexpr std::array<${constantType}, ${allowed.length}> kAllowed = ${bracedList(literals, '  ')};`;
    // clang-format sets a list of 20 or more in columns, by lengths; such a table is left as written.
    lines.push(...(allowed.length < 20 ? [declaration] : ['  // clang-format off', declaration, '  // clang-format on']));
  }
  const last = allowed.length > 0 ? 'return std::find(kAllowed.begin(), kAllowed.end(), element) != kAllowed.end();' : 'return true;';
  const checked = rules.length > 0 || allowed.length > 0;
  lines.push(
    '',
    `  // True when VSS allows the value${isArray ? ' (every element)' : ''}${checked ? '' : ': any value of the datatype does'}.`,
    `  static bool accepts(${constantType}${checked ? ' element' : ''}) {`,
    ...rules,
    `    ${last}`,
    '  }',
  );
  if (isArray) {
    lines.push(
      '  static bool accepts(const Value& value) {',
      '    return std::all_of(value.begin(), value.end(), [](const auto& element) { return accepts(element); });',
      '  }',
    );
  }
  return `
// ${vss.path}: ${vss.type}, ${vss.datatype}${vss.unit ? ` in ${vss.unit}` : ''} (${cpp.signal.source}).
struct ${cpp.typeName} {
${lines.join('\n')}
};
`;
}

function topicsHpp(model: CppBindingsModel): string {
  const all = [...new Map([...model.readTopics, ...model.writtenTopics].map(t => [t.topic, t])).values()];
  const list = (name: string, topics: CppTopic[]) =>
    `inline constexpr std::array<std::string_view, ${topics.length}> ${name} = ${bracedList(topics.map(t => t.constant), '', topics.map(t => t.topic))};`;
  return `${header('The MQTT topics the app subscribes to and publishes.')}
#include <array>
#include <string_view>

namespace app::generated::topics {
${all.map(t => `\n${fitted(`inline constexpr std::string_view ${t.constant} =`, `${JSON.stringify(t.topic)};`)}\n`).join('')}
${list('kSubscribedTopics', model.readTopics)}
${list('kPublishedTopics', model.writtenTopics)}

}  // namespace app::generated::topics
`;
}

function servicesHpp(app: VehicleApp): string {
  const plan = samplePlan(app);
  const provided = app.manifest.providedGrpcServices.map(g => JSON.stringify(g.serviceName));
  const services = plan.services.map(s => `Service{${[s.name, s.variable, s.defaultAddress].map(v => JSON.stringify(v)).join(', ')}}`);
  return `${header('The services the app reaches (each through its SDV_*_ADDRESS variable) and the gRPC services it serves.')}
#include <string>
#include <vector>

namespace app::generated {

// A service the app reaches, found through an environment variable.
struct Service {
  std::string name;             // e.g. "vehicledatabroker"
  std::string variable;         // e.g. "SDV_VEHICLEDATABROKER_ADDRESS"
  std::string default_address;  // used when the variable is unset, e.g. "grpc://localhost:55555"
};

inline const std::vector<Service> kServices = ${bracedList(services, '')};

// gRPC services the app serves.
inline const std::vector<std::string> kProvidedServices = ${bracedList(provided, '')};

}  // namespace app::generated
`;
}

function vehicleAppBaseHpp(model: CppBindingsModel): string {
  const hooks = [
    ...model.readSignals.map(s => `  // ${s.signal.path} has a new value.\n${signature(`  virtual void on_${s.name}`, parameter(s.valueType), ' {}')}`),
    ...model.readTopics.map(t => `  // A message (topic, payload) arrived on ${t.topic}.\n${signature(`  virtual void on_${t.name}`, 'std::string_view, std::string_view', ' {}')}`),
  ];
  const helpers = [
    ...model.writtenSignals.map(s => `  // Sets ${s.signal.path}.
${signature(`  void set_${s.name}`, `${parameter(s.valueType)} value`, ' {')}
    set<signals::${s.typeName}>(value);
  }`),
    ...model.writtenTopics.map(t => `  // Publishes on ${t.topic}.
${signature(`  void publish_${t.name}`, 'std::string_view payload', ' {')}
    transport_.publish(topics::${t.constant}, payload);
  }`),
  ];
  const signalCases = model.readSignals.map(s => `    if (path == signals::${s.typeName}::kPath) {
      using Value = signals::${s.typeName}::Value;
      const auto* value = std::get_if<Value>(&datapoint);
      if (value != nullptr) {
        on_${s.name}(*value);
      }
      return value != nullptr;
    }`);
  const topicCases = model.readTopics.map(t => `    if (topic_matches(topics::${t.constant}, topic)) {
      on_${t.name}(topic, payload);
      delivered = true;
    }`);
  const readPaths = model.readSignals.map(s => `signals::${s.typeName}::kPath`);
  return `${header('The base of the app: one hook per signal and topic it reads, one helper per signal and topic it writes.')}
#include <array>
#include <string_view>
#include <utility>
#include <variant>

#include "generated/topics.hpp"
#include "generated/vehicle_model.hpp"

namespace app::generated {

// What the app sets signals and publishes messages through: the databroker and MQTT clients, or a test's fake.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual void set_signal(std::string_view path, const Datapoint& value) = 0;
  virtual void publish(std::string_view topic, std::string_view payload) = 0;
};

// True when an MQTT topic filter (with + and # wildcards) matches a topic.
inline bool topic_matches(std::string_view filter, std::string_view topic) {
  while (true) {
    const auto filter_end = filter.find('/');
    const auto topic_end = topic.find('/');
    const std::string_view level = filter.substr(0, filter_end);
    if (level == "#") return true;
    if (level != "+" && level != topic.substr(0, topic_end)) return false;
    if (filter_end == std::string_view::npos || topic_end == std::string_view::npos) {
      return filter_end == std::string_view::npos && topic_end == std::string_view::npos;
    }
    filter.remove_prefix(filter_end + 1);
    topic.remove_prefix(topic_end + 1);
  }
}

class VehicleAppBase {
 public:
  // The signals to subscribe to in the databroker; their values go to deliver_signal.
  static constexpr std::array<std::string_view, ${readPaths.length}> kReadSignals = ${bracedList(readPaths, '  ', model.readSignals.map(r => r.signal.path))};

  explicit VehicleAppBase(Transport& transport) : transport_(transport) {}
  virtual ~VehicleAppBase() = default;
  VehicleAppBase(const VehicleAppBase&) = delete;
  VehicleAppBase& operator=(const VehicleAppBase&) = delete;

  // Hands a signal's new value to its hook; false when the app does not read the signal or the type differs.
  bool deliver_signal(${model.readSignals.length > 0 ? 'std::string_view path, const Datapoint& datapoint' : 'std::string_view, const Datapoint&'}) {
${signalCases.map(c => `${c}\n`).join('')}    return false;
  }

  // Hands a message to the hook of every subscribed topic filter it matches; false when none does.
  bool deliver_message(${model.readTopics.length > 0 ? 'std::string_view topic, std::string_view payload' : 'std::string_view, std::string_view'}) {
    bool delivered = false;
${topicCases.map(c => `${c}\n`).join('')}    return delivered;
  }

 protected:
${[...hooks, ...helpers].join('\n\n')}${hooks.length + helpers.length > 0 ? '\n\n' : ''}  Transport& transport() {
    return transport_;
  }

 private:
  template <typename Signal>
  void set(const typename Signal::Value& value) {
    transport_.set_signal(Signal::kPath, Datapoint(std::in_place_type<typename Signal::Value>, value));
  }

  Transport& transport_;
};

}  // namespace app::generated
`;
}

/** `<head> <value>` on one line when it fits, else the value on the next line, as clang-format breaks an assignment. */
function fitted(head: string, value: string): string {
  const oneLine = `${head} ${value}`;
  return oneLine.length <= COLUMN_LIMIT ? oneLine : `${head}\n${' '.repeat(head.search(/\S/) + 4)}${value}`;
}

/** A function head `<name>(<parameters>)<tail>` on one line when it fits, else the parameters on the next line, as clang-format breaks it. */
export function signature(name: string, parameters: string, tail: string): string {
  const oneLine = `${name}(${parameters})${tail}`;
  return oneLine.length <= COLUMN_LIMIT ? oneLine : `${name}(\n${' '.repeat(name.search(/\S/) + 4)}${parameters})${tail}`;
}

function parameter(valueType: string): string {
  return /^std::(string|vector)/.test(valueType) ? `const ${valueType}&` : valueType;
}

/** `DriverSide` → `driver_side`, `Row1` → `row1`, `setPosition` → `set_position`; other characters become `_`. */
function snake(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '') || 'x';
}

/** `cabin_seat_row1` → `CabinSeatRow1`; a leading digit gets an `N`. */
function pascal(snakeName: string): string {
  const name = snakeName.split('_').map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return /^[0-9]/.test(name) ? `N${name}` : name;
}

/** Hands out names, with `_2`, `_3` … after one already taken. */
class UniqueNames {
  private readonly taken = new Set<string>();

  public take(name: string): string {
    const base = /^[0-9]/.test(name) ? `n${name}` : name;
    let unique = base;
    for (let i = 2; this.taken.has(unique); i++) unique = `${base}_${i}`;
    this.taken.add(unique);
    return unique;
  }
}
