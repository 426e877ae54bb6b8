// Post-compile: derives lib/option-shapes.json (every struct's keys and types, which types are enums and classes) from
// the jsii assembly, so synth checks options as the type checker would without loading the 300 kB .jsii with its docs.
import * as fs from 'fs';
import * as path from 'path';
import type { OptionShapes, TypeRef, TypeShape } from '../src/option-shapes';

const root = path.resolve(__dirname, '..');
const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
const prefix = `${assembly.name}.`;

function typeRef(ref: any): TypeRef {
  if (ref.primitive) return ref.primitive;
  if (ref.collection) {
    const element = typeRef(ref.collection.elementtype);
    return ref.collection.kind === 'array' ? { list: element } : { map: element };
  }
  if (ref.union) return { union: ref.union.types.map(typeRef) };
  // A type of another assembly (projen, constructs) is left open: its own library checks it.
  return ref.fqn.startsWith(prefix) ? ref.fqn.slice(prefix.length) : 'any';
}

/** Own and inherited properties of an interface. */
function propertiesOf(fqn: string): any[] {
  const type = assembly.types[fqn];
  return [...(type.interfaces ?? []).flatMap(propertiesOf), ...(type.properties ?? [])];
}

const types: { [name: string]: TypeShape } = {};
for (const [fqn, type] of Object.entries<any>(assembly.types)) {
  const name = fqn.slice(prefix.length);
  if (type.kind === 'enum') {
    // The values are the enum object's own (the assembly has the member names only).
    types[name] = { enum: true };
  } else if (type.kind === 'interface' && type.datatype) {
    const props = propertiesOf(fqn);
    types[name] = {
      props: Object.fromEntries(props.map(p => [p.name, typeRef(p.type)])),
      required: props.filter(p => !p.optional).map(p => p.name),
    };
  } else if (type.kind === 'class') {
    const factories = (type.methods ?? []).filter((m: any) => m.static && m.returns?.type?.fqn).map((m: any) => m.name);
    types[name] = { class: factories };
  }
}

const shapes: OptionShapes = { types };
const out = path.join(root, 'lib', 'option-shapes.json');
fs.writeFileSync(out, JSON.stringify(shapes));
console.log(`${path.relative(root, out)}: ${Object.keys(types).length} types, ${fs.statSync(out).size} bytes`);
