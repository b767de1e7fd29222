// Holds a fake server's JSON answers against real captured answers (fixtures/*): the
// shape is learnt from the real samples, and an answer of the fake may use only keys the real service
// was seen sending, with the JSON types it was seen sending, and must carry every key that every real
// sample carried. What it checks, and why it is not stricter:
// - a null is accepted anywhere (the real services null what they do not know: `cityPrices`, `brand`);
//   a key the samples only ever showed as null accepts any value (its type was never seen);
// - an object whose keys are all digits is a map (Kaspi's `allCityPrices`: city id → {price}): its
//   values are checked against each other, not its keys against a fixed list;
// - an array's items are checked against every item of every sample (an empty real array says nothing).

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export interface Shape {
  types: Set<JsonType>;
  /** Object keys seen, with how many object samples had each. */
  props: Map<string, { shape: Shape; seen: number }>;
  /** How many object samples were seen (a key seen in all of them is required). */
  objects: number;
  /** Digit-keyed objects (maps): the shape of their values. */
  mapValues?: Shape;
  items?: Shape;
}

const typeOf = (v: unknown): JsonType =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : (typeof v as 'boolean' | 'number' | 'string');

const isMap = (v: Record<string, unknown>) => {
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
};

function empty(): Shape {
  return { types: new Set(), props: new Map(), objects: 0 };
}

function learnInto(shape: Shape, value: unknown): void {
  const t = typeOf(value);
  shape.types.add(t);
  if (t === 'array') {
    for (const item of value as unknown[]) learnInto((shape.items ??= empty()), item);
  } else if (t === 'object') {
    const obj = value as Record<string, unknown>;
    if (isMap(obj)) {
      for (const v of Object.values(obj)) learnInto((shape.mapValues ??= empty()), v);
      return;
    }
    shape.objects++;
    for (const [k, v] of Object.entries(obj)) {
      let prop = shape.props.get(k);
      if (!prop) {
        prop = { shape: empty(), seen: 0 };
        shape.props.set(k, prop);
      }
      prop.seen++;
      learnInto(prop.shape, v);
    }
  }
}

/** The shape of real samples (each one whole answer, or one record of a list). */
export function learnShape(samples: readonly unknown[]): Shape {
  const shape = empty();
  for (const s of samples) learnInto(shape, s);
  return shape;
}

/** Where `value` differs from the real shape: invented keys, other types, keys every real sample had and it lacks. */
export function checkShape(shape: Shape, value: unknown, at = '$'): string[] {
  const out: string[] = [];
  check(shape, value, at, out);
  return out;
}

function check(shape: Shape, value: unknown, at: string, out: string[]): void {
  const t = typeOf(value);
  if (t === 'null') return;
  const seen = [...shape.types].filter((x) => x !== 'null');
  if (seen.length === 0) return;
  if (!seen.includes(t)) {
    out.push(`${at}: ${t}, the real answers have ${seen.join(' or ')}`);
    return;
  }
  if (t === 'array') {
    if (shape.items) {
      (value as unknown[]).forEach((item, i) => {
        check(shape.items!, item, `${at}[${i}]`, out);
      });
    }
    return;
  }
  if (t !== 'object') return;
  const obj = value as Record<string, unknown>;
  if (isMap(obj) && shape.mapValues) {
    for (const [k, v] of Object.entries(obj)) check(shape.mapValues, v, `${at}.${k}`, out);
    return;
  }
  if (shape.props.size === 0) return;
  for (const [k, v] of Object.entries(obj)) {
    const prop = shape.props.get(k);
    if (!prop) out.push(`${at}.${k}: not in the real answers`);
    else check(prop.shape, v, `${at}.${k}`, out);
  }
  for (const [k, prop] of shape.props) {
    if (prop.seen === shape.objects && !(k in obj)) out.push(`${at}.${k}: missing (every real answer has it)`);
  }
}
