import * as fs from 'fs';
import * as path from 'path';
import { editDistance, Problems } from './validation';

/**
 * A type as the jsii assembly names it: a primitive (`string`, `number`, `boolean`, `any`, `json`, `date`),
 * a type of this library by name, a list, a map or a union.
 * @internal
 */
export type TypeRef = string | { readonly list: TypeRef } | { readonly map: TypeRef } | { readonly union: TypeRef[] };

/** A struct's keys and types. @internal */
export interface StructShape {
  readonly props: { [key: string]: TypeRef };
  readonly required: string[];
}

/** A struct's keys and types, an enum (its values are the enum object's), or a class with its static factories. @internal */
export type TypeShape =
  | StructShape
  | { readonly enum: true }
  | { readonly class: string[] };

/** lib/option-shapes.json, written from the jsii assembly after each compile (scripts/option-shapes.ts). @internal */
export interface OptionShapes {
  readonly types: { [name: string]: TypeShape };
}

/** A value created by a factory whose options are checked like the project's own, e.g. an AppInterface. @internal */
export interface ShapedOptions {
  /** The struct the factory took, e.g. `VehicleSignalInterfaceOptions`. */
  readonly type: string;
  readonly options: unknown;
}

const SHAPES_FILE = 'option-shapes.json';
let loaded: OptionShapes | undefined;
let loadedFrom = '';

/** The shapes, read once: beside the compiled code, or (tests run src/) in lib/ of the last compile. */
function shapes(): OptionShapes {
  if (loaded) return loaded;
  const candidates = [path.join(__dirname, SHAPES_FILE), path.join(__dirname, '..', 'lib', SHAPES_FILE)];
  const file = candidates.find(f => fs.existsSync(f));
  if (file === undefined) {
    throw new Error(`${SHAPES_FILE} is missing (looked for ${candidates.join(' and ')}). It is derived from the jsii assembly `
      + 'after compiling: run "npx projen compile && npx projen option-shapes".');
  }
  loaded = JSON.parse(fs.readFileSync(file, 'utf8')) as OptionShapes;
  loadedFrom = file;
  return loaded;
}

/** Run from sources (tests), the shapes may predate an option just added: say how to refresh them. */
function staleShapesHint(): string {
  if (path.dirname(loadedFrom) === __dirname) return '';
  const shapesTime = fs.statSync(loadedFrom).mtimeMs;
  const newer = (dir: string): boolean => fs.readdirSync(dir, { withFileTypes: true }).some(entry => entry.isDirectory()
    ? newer(path.join(dir, entry.name))
    : entry.name.endsWith('.ts') && fs.statSync(path.join(dir, entry.name)).mtimeMs > shapesTime);
  return newer(__dirname) ? ` (${SHAPES_FILE} is older than src/: if the option is new, run "npx projen compile && npx projen option-shapes")` : '';
}

/**
 * Checks `value` against `type` as the TypeScript compiler would: unknown keys (with the nearest known key),
 * values of the wrong kind (one problem each, nothing below it checked), missing required keys, enum values.
 * @internal
 */
export function checkOptionShape(problems: Problems, at: string, value: unknown, type: TypeRef): void {
  if (value === undefined || value === null) return;
  if (typeof type !== 'string') {
    if ('list' in type) {
      if (!Array.isArray(value)) return wrongKind(problems, at, value, type);
      value.forEach((element, i) => checkOptionShape(problems, `${at}[${i}]`, element, type.list));
    } else if ('map' in type) {
      if (!isPlainObject(value)) return wrongKind(problems, at, value, type);
      for (const [key, element] of Object.entries(value)) checkOptionShape(problems, join(at, key), element, type.map);
    } else if (!type.union.some(member => fits(at, value, member))) {
      wrongKind(problems, at, value, type);
    }
    return;
  }
  const shape = shapes().types[type];
  if (shape === undefined) {
    const fitsPrimitive = type === 'any' || type === 'json' || type === 'date' || typeof value === type;
    if (!fitsPrimitive || (type === 'number' && Number.isNaN(value))) wrongKind(problems, at, value, type);
  } else if ('enum' in shape) {
    if (!Object.values(exported(type)).includes(value)) wrongKind(problems, at, value, type);
  } else if ('class' in shape) {
    checkInstance(problems, at, value, type);
  } else {
    checkStruct(problems, at, value, type, shape);
  }
}

function checkStruct(problems: Problems, at: string, value: unknown, type: string, shape: StructShape): void {
  if (!isPlainObject(value)) return wrongKind(problems, at, value, type);
  const keys = Object.keys(shape.props);
  for (const [key, element] of Object.entries(value)) {
    if (key in shape.props) {
      checkOptionShape(problems, join(at, key), element, shape.props[key]);
    } else if (!key.startsWith('__')) { // `__new__` and the like: projen's own bootstrap keys
      const nearest = nearestKey(key, keys);
      problems.add(join(at, key), element, `is not an option of ${type}${nearest ? ` (did you mean "${nearest}"?)` : ''}`,
        (nearest ? `rename it to "${nearest}"` : `remove it; ${type} has ${keys.sort().join(', ')}`) + staleShapesHint());
    }
  }
  for (const key of shape.required) {
    // null too: tsc (strict) rejects it for a required option, and projen would crash on it.
    if ((value as any)[key] === undefined || (value as any)[key] === null) {
      problems.add(join(at, key), (value as any)[key], `is required by ${type}`, `set ${key} (${tsName(shape.props[key])})`);
    }
  }
}

/** A class of this library must be an instance of it; options it was made from are checked too. */
function checkInstance(problems: Problems, at: string, value: unknown, type: string): void {
  const constructor = exported(type);
  if (typeof constructor === 'function' && !(value instanceof constructor)) return wrongKind(problems, at, value, type);
  const shaped = (value as { _shapedOptions?: ShapedOptions })._shapedOptions;
  if (shaped) checkOptionShape(problems, at, shaped.options, shaped.type);
}

/** The class or enum object this library exports under `name`. */
function exported(name: string): any {
  // Lazily: index imports the project, which imports this file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./index')[name];
}

/** Whether `value` fits `type` without a problem (for a union's members). */
function fits(at: string, value: unknown, type: TypeRef): boolean {
  const scratch = new Problems('');
  checkOptionShape(scratch, at, value, type);
  return scratch.list.length === 0;
}

function wrongKind(problems: Problems, at: string, value: unknown, type: TypeRef): void {
  const shape = typeof type === 'string' ? shapes().types[type] : undefined;
  const rule = shape && 'enum' in shape && typeof value === 'string' ? `is not a value of ${type}` : `is ${kindOf(value)} where ${tsName(type)} belongs`;
  problems.add(at, value, rule, fixFor(value, type));
  problems.settle(at);
}

function fixFor(value: unknown, type: TypeRef): string {
  const shape = typeof type === 'string' ? shapes().types[type] : undefined;
  if (shape && 'enum' in shape) return `use ${Object.keys(exported(type as string)).map(m => `${type}.${m}`).join(' or ')}`;
  if (shape && 'class' in shape) {
    const made = shape.class.length > 0 ? shape.class.map(f => `${type}.${f}()`).join(', ') : `new ${type}()`;
    return `create it with ${made}`;
  }
  if (shape && 'props' in shape) return `pass an object with the keys of ${type} (${Object.keys(shape.props).sort().join(', ')})`;
  if (typeof type !== 'string' && 'list' in type && fits('', value, type.list)) return `put it in a list: [${JSON.stringify(value)}]`;
  if (type === 'boolean') return 'write true or false';
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return `write it as a string: "${value}"`;
  if (type === 'number' && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return `write it as a number: ${Number(value)}`;
  return `write a value of type ${tsName(type)}`;
}

/** The type as the declaration in TypeScript names it: `string[]`, `{ [key: string]: string }`, `AppLanguage`. */
function tsName(type: TypeRef): string {
  if (typeof type === 'string') return type === 'json' ? 'any' : type === 'date' ? 'Date' : type;
  if ('list' in type) return `${typeof type.list === 'string' ? tsName(type.list) : `(${tsName(type.list)})`}[]`;
  if ('map' in type) return `{ [key: string]: ${tsName(type.map)} }`;
  return type.union.map(tsName).join(' | ');
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return isPlainObject(value) ? 'an object' : `a ${(value as object).constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // Any realm's Object.prototype: `projen new` builds the options in a vm context.
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function nearestKey(key: string, keys: string[]): string | undefined {
  const limit = Math.max(2, Math.floor(key.length / 3));
  const scored = keys.map(k => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase(), limit) })).filter(s => s.d <= limit);
  return scored.sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))[0]?.k;
}

function join(at: string, key: string): string {
  return at ? `${at}.${key}` : key;
}
