// A small jq for `--jq <expr>` (gh's convention): the filters people write in scripts, with jq's
// semantics, and no jq binary. Loaded only when --jq is given.
//
// Supported: `.`, `..`, `.a`, `."a b"`, `.[e]`, `.[n:m]`, `.[]`, postfix `?`, `|`, `,`, `//`,
// `and`/`or`/`not`, `== != < <= > >=`, `+ - * / %`, literals, `[…]`, `{a, "b": e, (e): e, $v}`,
// string interpolation `"\(e)"`, `if … then … elif … else … end`, `try e` / `try e catch e`,
// `e as $x | …`, `reduce e as $x (init; update)`, and the builtins listed in BUILTINS below.
import { UsageError, UserError } from './errors.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Env = ReadonlyMap<string, Json>;

type Node =
  | { t: 'identity' }
  | { t: 'recurse' }
  | { t: 'literal'; value: Json }
  | { t: 'field'; target: Node; name: string; opt: boolean }
  | { t: 'index'; target: Node; index: Node; opt: boolean }
  | { t: 'slice'; target: Node; from?: Node; to?: Node; opt: boolean }
  | { t: 'iterate'; target: Node; opt: boolean }
  | { t: 'try'; body: Node; handler?: Node }
  | { t: 'pipe'; left: Node; right: Node }
  | { t: 'comma'; left: Node; right: Node }
  | { t: 'alt'; left: Node; right: Node }
  | { t: 'and' | 'or'; left: Node; right: Node }
  | { t: 'binary'; op: string; left: Node; right: Node }
  | { t: 'neg'; body: Node }
  | { t: 'array'; body?: Node }
  | { t: 'object'; entries: Array<{ key: Node; value: Node }> }
  | { t: 'string'; parts: Array<string | Node> }
  | { t: 'if'; branches: Array<{ cond: Node; body: Node }>; else?: Node }
  | { t: 'as'; source: Node; name: string; body: Node }
  | { t: 'reduce'; source: Node; name: string; init: Node; update: Node }
  | { t: 'var'; name: string }
  | { t: 'call'; name: string; args: Node[] };

/** A compiled filter: every output of the expression for one input. */
export type JqFilter = (input: unknown) => unknown[];

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { k: 'punct'; v: string }
  | { k: 'num'; v: number }
  | { k: 'str'; parts: Array<string | Token[]> }
  | { k: 'ident'; v: string }
  | { k: 'field'; v: string }
  | { k: 'var'; v: string }
  | { k: 'eof' };

const PUNCT = ['//', '==', '!=', '<=', '>=', '..', '|', ',', '.', '[', ']', '(', ')', '{', '}', ':', ';', '<', '>', '+', '-', '*', '/', '%', '?'];

function bad(message: string): UsageError {
  return new UsageError('JQ_BAD_EXPRESSION', `--jq: ${message}`, { hint: 'see docs/scripting.md for what --jq supports' });
}

function tokenize(src: string, start = 0, closing?: string): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  let depth = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (closing && c === ')' && depth === 0) return { tokens: [...tokens, { k: 'eof' }], end: i + 1 };
    if (c === '"') {
      const parts: Array<string | Token[]> = [];
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) throw bad('a string is not closed');
        const d = src[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\') {
          const e = src[i + 1];
          if (e === '(') {
            if (text) parts.push(text);
            text = '';
            const inner = tokenize(src, i + 2, ')');
            parts.push(inner.tokens);
            i = inner.end;
            continue;
          }
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f' };
          if (e === 'u') {
            text += String.fromCharCode(Number.parseInt(src.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          if (e === undefined || !(e in map)) throw bad(`unknown escape \\${e ?? ''} in a string`);
          text += map[e];
          i += 2;
          continue;
        }
        text += d;
        i++;
      }
      if (text || parts.length === 0) parts.push(text);
      tokens.push({ k: 'str', parts });
      continue;
    }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (num && !(c === '.' && tokens.length && isValueEnd(tokens[tokens.length - 1]!))) {
      tokens.push({ k: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i));
      if (!m) throw bad(`"$" must start a variable name at ${i + 1}`);
      tokens.push({ k: 'var', v: m[1]! });
      i += m[0].length;
      continue;
    }
    if (c === '.' && /[A-Za-z_]/.test(src[i + 1] ?? '')) {
      const m = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i))!;
      tokens.push({ k: 'field', v: m[1]! });
      i += m[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (ident) {
      tokens.push({ k: 'ident', v: ident[0] });
      i += ident[0].length;
      continue;
    }
    const p = PUNCT.find((x) => src.startsWith(x, i));
    if (!p) throw bad(`unexpected "${c}" at ${i + 1}`);
    if (p === '(') depth++;
    if (p === ')') depth--;
    tokens.push({ k: 'punct', v: p });
    i += p.length;
  }
  if (closing) throw bad('a \\( in a string is not closed');
  tokens.push({ k: 'eof' });
  return { tokens, end: i };
}

/** Whether a token ends a value (so a following `.5` is not a number but `.` + field). */
function isValueEnd(t: Token): boolean {
  return t.k === 'field' || t.k === 'var' || t.k === 'num' || t.k === 'str' || (t.k === 'punct' && [')', ']', '}', '.'].includes(t.v));
}

// ---------------------------------------------------------------------------------------------
// Parser (precedence climbing, lowest first: | , // or and comparisons + - * / % postfix)

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private isPunct(v: string): boolean {
    const t = this.peek();
    return t.k === 'punct' && t.v === v;
  }
  private isIdent(v: string): boolean {
    const t = this.peek();
    return t.k === 'ident' && t.v === v;
  }
  private expect(v: string): void {
    const t = this.next();
    if (!((t.k === 'punct' || t.k === 'ident') && t.v === v)) throw bad(`expected "${v}", found ${describe(t)}`);
  }

  parseAll(): Node {
    const node = this.pipe();
    if (this.peek().k !== 'eof') throw bad(`unexpected ${describe(this.peek())}`);
    return node;
  }

  pipe(): Node {
    const left = this.comma();
    if (this.isIdent('as')) {
      this.next();
      const v = this.next();
      if (v.k !== 'var') throw bad('"as" must be followed by a $variable');
      this.expect('|');
      return { t: 'as', source: left, name: v.v, body: this.pipe() };
    }
    if (this.isPunct('|')) {
      this.next();
      return { t: 'pipe', left, right: this.pipe() };
    }
    return left;
  }

  comma(): Node {
    let left = this.alt();
    while (this.isPunct(',')) {
      this.next();
      left = { t: 'comma', left, right: this.alt() };
    }
    return left;
  }

  alt(): Node {
    const left = this.or();
    if (this.isPunct('//')) {
      this.next();
      return { t: 'alt', left, right: this.alt() };
    }
    return left;
  }

  or(): Node {
    let left = this.and();
    while (this.isIdent('or')) {
      this.next();
      left = { t: 'or', left, right: this.and() };
    }
    return left;
  }

  and(): Node {
    let left = this.compare();
    while (this.isIdent('and')) {
      this.next();
      left = { t: 'and', left, right: this.compare() };
    }
    return left;
  }

  compare(): Node {
    const left = this.additive();
    const t = this.peek();
    if (t.k === 'punct' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v)) {
      this.next();
      return { t: 'binary', op: t.v, left, right: this.additive() };
    }
    return left;
  }

  additive(): Node {
    let left = this.multiplicative();
    for (let t = this.peek(); t.k === 'punct' && (t.v === '+' || t.v === '-'); t = this.peek()) {
      this.next();
      left = { t: 'binary', op: t.v, left, right: this.multiplicative() };
    }
    return left;
  }

  multiplicative(): Node {
    let left = this.unary();
    for (let t = this.peek(); t.k === 'punct' && (t.v === '*' || t.v === '/' || t.v === '%'); t = this.peek()) {
      this.next();
      left = { t: 'binary', op: t.v, left, right: this.unary() };
    }
    return left;
  }

  unary(): Node {
    if (this.isPunct('-')) {
      this.next();
      return { t: 'neg', body: this.postfix() };
    }
    return this.postfix();
  }

  postfix(): Node {
    let node = this.primary();
    for (;;) {
      const t = this.peek();
      if (t.k === 'field') {
        this.next();
        node = { t: 'field', target: node, name: t.v, opt: this.optional() };
      } else if (t.k === 'punct' && t.v === '.' && this.tokens[this.pos + 1]?.k === 'str') {
        this.next();
        node = { t: 'field', target: node, name: this.plainString(), opt: this.optional() };
      } else if (t.k === 'punct' && t.v === '.' && this.tokens[this.pos + 1]?.k === 'punct' && (this.tokens[this.pos + 1] as { v: string }).v === '[') {
        this.next();
      } else if (t.k === 'punct' && t.v === '[') {
        node = this.bracket(node);
      } else if (t.k === 'punct' && t.v === '?') {
        this.next();
        node = { t: 'try', body: node };
      } else return node;
    }
  }

  private optional(): boolean {
    if (this.isPunct('?')) {
      this.next();
      return true;
    }
    return false;
  }

  private plainString(): string {
    const t = this.next();
    if (t.k !== 'str' || t.parts.some((p) => typeof p !== 'string')) throw bad('a field name must be a plain string');
    return t.parts.join('');
  }

  private bracket(target: Node): Node {
    this.expect('[');
    if (this.isPunct(']')) {
      this.next();
      return { t: 'iterate', target, opt: this.optional() };
    }
    if (this.isPunct(':')) {
      this.next();
      const to = this.pipe();
      this.expect(']');
      return { t: 'slice', target, to, opt: this.optional() };
    }
    const index = this.pipe();
    if (this.isPunct(':')) {
      this.next();
      const to = this.isPunct(']') ? undefined : this.pipe();
      this.expect(']');
      return { t: 'slice', target, from: index, to, opt: this.optional() };
    }
    this.expect(']');
    return { t: 'index', target, index, opt: this.optional() };
  }

  primary(): Node {
    const t = this.next();
    switch (t.k) {
      case 'num':
        return { t: 'literal', value: t.v };
      case 'str':
        return this.stringNode(t);
      case 'field':
        return { t: 'field', target: { t: 'identity' }, name: t.v, opt: this.optional() };
      case 'var':
        return { t: 'var', name: t.v };
      case 'punct':
        if (t.v === '.') {
          if (this.peek().k === 'str') return { t: 'field', target: { t: 'identity' }, name: this.plainString(), opt: this.optional() };
          if (this.isPunct('[')) return this.bracket({ t: 'identity' });
          return { t: 'identity' };
        }
        if (t.v === '..') return { t: 'recurse' };
        if (t.v === '(') {
          const inner = this.pipe();
          this.expect(')');
          return inner;
        }
        if (t.v === '[') {
          if (this.isPunct(']')) {
            this.next();
            return { t: 'array' };
          }
          const body = this.pipe();
          this.expect(']');
          return { t: 'array', body };
        }
        if (t.v === '{') return this.objectNode();
        throw bad(`unexpected "${t.v}"`);
      case 'ident':
        return this.identNode(t.v);
      default:
        throw bad('the expression ends too early');
    }
  }

  private stringNode(t: Extract<Token, { k: 'str' }>): Node {
    if (t.parts.every((p) => typeof p === 'string')) return { t: 'literal', value: t.parts.join('') };
    return { t: 'string', parts: t.parts.map((p) => (typeof p === 'string' ? p : new Parser(p).parseAll())) };
  }

  private objectNode(): Node {
    const entries: Array<{ key: Node; value: Node }> = [];
    while (!this.isPunct('}')) {
      const t = this.next();
      let key: Node;
      let value: Node | undefined;
      if (t.k === 'ident' || t.k === 'str') {
        key = t.k === 'ident' ? { t: 'literal', value: t.v } : this.stringNode(t);
        if (!this.isPunct(':'))
          value = { t: 'field', target: { t: 'identity' }, name: t.k === 'ident' ? t.v : String((key as { value?: Json }).value), opt: false };
      } else if (t.k === 'var') {
        key = { t: 'literal', value: t.v };
        value = { t: 'var', name: t.v };
      } else if (t.k === 'punct' && t.v === '(') {
        key = this.pipe();
        this.expect(')');
      } else throw bad(`unexpected ${describe(t)} in an object`);
      if (!value) {
        this.expect(':');
        value = this.objectValue();
      }
      entries.push({ key, value });
      if (this.isPunct(',')) this.next();
      else if (!this.isPunct('}')) throw bad(`expected "," or "}" in an object, found ${describe(this.peek())}`);
    }
    this.next();
    return { t: 'object', entries };
  }

  /** An object value: no bare `,` (it separates entries), but pipes and alternatives. */
  private objectValue(): Node {
    let left = this.alt();
    while (this.isPunct('|')) {
      this.next();
      left = { t: 'pipe', left, right: this.alt() };
    }
    return left;
  }

  private identNode(name: string): Node {
    if (name === 'true' || name === 'false') return { t: 'literal', value: name === 'true' };
    if (name === 'null') return { t: 'literal', value: null };
    if (name === 'if') {
      const branches: Array<{ cond: Node; body: Node }> = [];
      let cond = this.pipe();
      for (;;) {
        this.expect('then');
        branches.push({ cond, body: this.pipe() });
        if (this.isIdent('elif')) {
          this.next();
          cond = this.pipe();
          continue;
        }
        break;
      }
      let otherwise: Node | undefined;
      if (this.isIdent('else')) {
        this.next();
        otherwise = this.pipe();
      }
      this.expect('end');
      return { t: 'if', branches, else: otherwise };
    }
    if (name === 'try') {
      const body = this.postfix();
      if (this.isIdent('catch')) {
        this.next();
        return { t: 'try', body, handler: this.postfix() };
      }
      return { t: 'try', body };
    }
    if (name === 'reduce') {
      const source = this.postfix();
      this.expect('as');
      const v = this.next();
      if (v.k !== 'var') throw bad('"reduce … as" must be followed by a $variable');
      this.expect('(');
      const init = this.pipe();
      this.expect(';');
      const update = this.pipe();
      this.expect(')');
      return { t: 'reduce', source, name: v.v, init, update };
    }
    const args: Node[] = [];
    if (this.isPunct('(')) {
      this.next();
      for (;;) {
        args.push(this.pipe());
        if (this.isPunct(';')) {
          this.next();
          continue;
        }
        this.expect(')');
        break;
      }
    }
    const arity = BUILTINS[name];
    if (arity === undefined) throw bad(`unknown function ${name}`);
    if (!arity.includes(args.length)) throw bad(`${name} takes ${arity.join(' or ')} argument(s), not ${args.length}`);
    return { t: 'call', name, args };
  }
}

function describe(t: Token): string {
  if (t.k === 'eof') return 'the end';
  if (t.k === 'punct' || t.k === 'ident') return `"${t.v}"`;
  if (t.k === 'field') return `".${t.v}"`;
  if (t.k === 'var') return `"$${t.v}"`;
  if (t.k === 'num') return `${t.v}`;
  return 'a string';
}

// ---------------------------------------------------------------------------------------------
// Evaluation

class JqRuntimeError extends Error {
  constructor(
    message: string,
    readonly value?: Json,
  ) {
    super(message);
  }
}

/** Argument counts of the builtins. */
const BUILTINS: Record<string, number[]> = {
  empty: [0],
  error: [0, 1],
  not: [0],
  length: [0],
  keys: [0],
  keys_unsorted: [0],
  values: [0],
  has: [1],
  in: [1],
  map: [1],
  map_values: [1],
  select: [1],
  first: [0, 1],
  last: [0, 1],
  limit: [2],
  add: [0],
  any: [0, 1],
  all: [0, 1],
  range: [1, 2],
  type: [0],
  tostring: [0],
  tonumber: [0],
  tojson: [0],
  fromjson: [0],
  ascii_downcase: [0],
  ascii_upcase: [0],
  ltrimstr: [1],
  rtrimstr: [1],
  startswith: [1],
  endswith: [1],
  contains: [1],
  inside: [1],
  test: [1, 2],
  split: [1],
  join: [1],
  sort: [0],
  sort_by: [1],
  group_by: [1],
  unique: [0],
  unique_by: [1],
  min: [0],
  max: [0],
  min_by: [1],
  max_by: [1],
  reverse: [0],
  flatten: [0, 1],
  floor: [0],
  ceil: [0],
  round: [0],
  fabs: [0],
  sqrt: [0],
  to_entries: [0],
  from_entries: [0],
  with_entries: [1],
  del: [1],
  paths: [0],
  recurse: [0],
  env: [0],
  input_line_number: [0],
  isempty: [1],
  arrays: [0],
  objects: [0],
  strings: [0],
  numbers: [0],
  booleans: [0],
  nulls: [0],
  indices: [1],
  index: [1],
  rindex: [1],
  splits: [1],
  ascii: [0],
  now: [0],
  todate: [0],
  fromdate: [0],
};

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

function truthy(v: Json): boolean {
  return v !== null && v !== false;
}

const TYPE_ORDER = ['null', 'boolean', 'number', 'string', 'array', 'object'];

/** jq's total order: null < false < true < numbers < strings < arrays < objects. */
function compare(a: Json, b: Json): number {
  const ta = TYPE_ORDER.indexOf(typeOf(a));
  const tb = TYPE_ORDER.indexOf(typeOf(b));
  if (ta !== tb) return ta - tb;
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  if (typeof a === 'number') return a - (b as number);
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (Array.isArray(a)) {
    const bb = b as Json[];
    for (let i = 0; i < Math.min(a.length, bb.length); i++) {
      const c = compare(a[i]!, bb[i]!);
      if (c) return c;
    }
    return a.length - bb.length;
  }
  if (a === null) return 0;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b as object).sort();
  const c = compare(ka, kb);
  if (c) return c;
  for (const k of ka) {
    const d = compare((a as Record<string, Json>)[k]!, (b as Record<string, Json>)[k]!);
    if (d) return d;
  }
  return 0;
}

function contains(a: Json, b: Json): boolean {
  if (typeOf(a) !== typeOf(b)) throw new JqRuntimeError(`${typeOf(a)} and ${typeOf(b)} cannot have their containment checked`);
  if (typeof a === 'string') return a.includes(b as string);
  if (Array.isArray(a)) return (b as Json[]).every((x) => a.some((y) => typeOf(x) === typeOf(y) && contains(y, x)));
  if (a && typeof a === 'object') return Object.entries(b as object).every(([k, v]) => k in a && contains((a as Record<string, Json>)[k]!, v as Json));
  return a === b;
}

function arith(op: string, a: Json, b: Json): Json {
  if (op === '+') {
    if (a === null) return b;
    if (b === null) return a;
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (typeOf(a) === 'object' && typeOf(b) === 'object') return { ...(a as object), ...(b as object) } as Json;
  } else if (op === '-') {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (Array.isArray(a) && Array.isArray(b)) return a.filter((x) => !b.some((y) => compare(x, y) === 0));
  } else if (op === '*') {
    if (typeof a === 'number' && typeof b === 'number') return a * b;
    if (typeof a === 'string' && typeof b === 'number') return b > 0 ? a.repeat(Math.ceil(b)) : null;
  } else if (op === '/') {
    if (typeof a === 'number' && typeof b === 'number') {
      if (b === 0) throw new JqRuntimeError(`${a} and ${b} cannot be divided because the divisor is zero`);
      return a / b;
    }
    if (typeof a === 'string' && typeof b === 'string') return a.split(b);
  } else if (op === '%') {
    if (typeof a === 'number' && typeof b === 'number') {
      if (Math.trunc(b) === 0) throw new JqRuntimeError(`${a} and ${b} cannot be divided because the divisor is zero`);
      return Math.trunc(a) % Math.trunc(b);
    }
  }
  throw new JqRuntimeError(
    `${typeOf(a)} and ${typeOf(b)} cannot be ${op === '+' ? 'added' : op === '-' ? 'subtracted' : op === '*' ? 'multiplied' : 'divided'}`,
  );
}

function index(target: Json, key: Json): Json {
  if (target === null) return null;
  if (typeof key === 'string' && typeOf(target) === 'object') return (target as Record<string, Json>)[key] ?? null;
  if (typeof key === 'number' && Array.isArray(target)) {
    const i = Math.floor(key < 0 ? target.length + key : key);
    return target[i] ?? null;
  }
  throw new JqRuntimeError(`cannot index ${typeOf(target)} with ${typeof key === 'string' ? `"${key}"` : typeOf(key)}`);
}

function cartesian<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]);
}

function toText(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function recurseAll(v: Json): Json[] {
  const out: Json[] = [v];
  if (Array.isArray(v)) for (const x of v) out.push(...recurseAll(x));
  else if (v && typeof v === 'object') for (const x of Object.values(v)) out.push(...recurseAll(x));
  return out;
}

function evaluate(node: Node, input: Json, env: Env): Json[] {
  switch (node.t) {
    case 'identity':
      return [input];
    case 'recurse':
      return recurseAll(input);
    case 'literal':
      return [node.value];
    case 'var': {
      if (!env.has(node.name)) throw new JqRuntimeError(`$${node.name} is not defined`);
      return [env.get(node.name)!];
    }
    case 'field':
      return evaluate(node.target, input, env).flatMap((t) => guard(node.opt, () => [index(t, node.name)]));
    case 'index':
      return evaluate(node.target, input, env).flatMap((t) => evaluate(node.index, input, env).flatMap((k) => guard(node.opt, () => [index(t, k)])));
    case 'slice':
      return evaluate(node.target, input, env).flatMap((t) =>
        guard(node.opt, () => {
          if (t === null) return [null];
          if (typeof t !== 'string' && !Array.isArray(t)) throw new JqRuntimeError(`cannot slice ${typeOf(t)}`);
          const from = node.from ? evaluate(node.from, input, env)[0] : 0;
          const to = node.to ? evaluate(node.to, input, env)[0] : t.length;
          return [t.slice(Number(from ?? 0), to === null ? t.length : Number(to))];
        }),
      );
    case 'iterate':
      return evaluate(node.target, input, env).flatMap((t) =>
        guard(node.opt, () => {
          if (Array.isArray(t)) return t;
          if (t && typeof t === 'object') return Object.values(t);
          throw new JqRuntimeError(`cannot iterate over ${typeOf(t)}${t === null ? '' : ` (${JSON.stringify(t)})`}`);
        }),
      );
    case 'try':
      try {
        return evaluate(node.body, input, env);
      } catch (error) {
        if (!(error instanceof JqRuntimeError)) throw error;
        return node.handler ? evaluate(node.handler, error.value ?? error.message, env) : [];
      }
    case 'pipe':
      return evaluate(node.left, input, env).flatMap((x) => evaluate(node.right, x, env));
    case 'comma':
      return [...evaluate(node.left, input, env), ...evaluate(node.right, input, env)];
    case 'alt': {
      let left: Json[] = [];
      try {
        left = evaluate(node.left, input, env).filter(truthy);
      } catch (error) {
        if (!(error instanceof JqRuntimeError)) throw error;
      }
      return left.length ? left : evaluate(node.right, input, env);
    }
    case 'and':
    case 'or':
      return evaluate(node.left, input, env).flatMap((l) => {
        if (node.t === 'and' && !truthy(l)) return [false];
        if (node.t === 'or' && truthy(l)) return [true];
        return evaluate(node.right, input, env).map(truthy);
      });
    case 'binary':
      return evaluate(node.right, input, env).flatMap((r) =>
        evaluate(node.left, input, env).map((l) => {
          switch (node.op) {
            case '==':
              return compare(l, r) === 0;
            case '!=':
              return compare(l, r) !== 0;
            case '<':
              return compare(l, r) < 0;
            case '<=':
              return compare(l, r) <= 0;
            case '>':
              return compare(l, r) > 0;
            case '>=':
              return compare(l, r) >= 0;
            default:
              return arith(node.op, l, r);
          }
        }),
      );
    case 'neg':
      return evaluate(node.body, input, env).map((v) => {
        if (typeof v !== 'number') throw new JqRuntimeError(`${typeOf(v)} cannot be negated`);
        return -v;
      });
    case 'array':
      return [node.body ? evaluate(node.body, input, env) : []];
    case 'object': {
      const choices = node.entries.map((e) =>
        evaluate(e.key, input, env).flatMap((k) => {
          if (typeof k !== 'string') throw new JqRuntimeError(`object keys must be strings, not ${typeOf(k)}`);
          return evaluate(e.value, input, env).map((v) => [k, v] as [string, Json]);
        }),
      );
      return cartesian(choices).map((pairs) => Object.fromEntries(pairs));
    }
    case 'string': {
      const parts = node.parts.map((p) => (typeof p === 'string' ? [p] : evaluate(p, input, env).map(toText)));
      return cartesian(parts).map((ps) => ps.join(''));
    }
    case 'if': {
      const run = (i: number): Json[] => {
        if (i >= node.branches.length) return node.else ? evaluate(node.else, input, env) : [input];
        const b = node.branches[i]!;
        return evaluate(b.cond, input, env).flatMap((c) => (truthy(c) ? evaluate(b.body, input, env) : run(i + 1)));
      };
      return run(0);
    }
    case 'as':
      return evaluate(node.source, input, env).flatMap((v) => evaluate(node.body, input, new Map([...env, [node.name, v]])));
    case 'reduce': {
      let acc = evaluate(node.init, input, env);
      for (const v of evaluate(node.source, input, env)) {
        const scope = new Map([...env, [node.name, v]]);
        acc = acc.flatMap((a) => evaluate(node.update, a, scope));
      }
      return acc;
    }
    case 'call':
      return call(node.name, node.args, input, env);
  }
}

function guard(optional: boolean, fn: () => Json[]): Json[] {
  if (!optional) return fn();
  try {
    return fn();
  } catch (error) {
    if (error instanceof JqRuntimeError) return [];
    throw error;
  }
}

function one(node: Node, input: Json, env: Env): Json {
  const r = evaluate(node, input, env);
  return r.length ? r[0]! : null;
}

function needArray(name: string, v: Json): Json[] {
  if (!Array.isArray(v)) throw new JqRuntimeError(`${name} needs an array, not ${typeOf(v)}`);
  return v;
}

function needString(name: string, v: Json): string {
  if (typeof v !== 'string') throw new JqRuntimeError(`${name} needs a string, not ${typeOf(v)}`);
  return v;
}

function byKey(name: string, input: Json, f: Node, env: Env): Array<{ key: Json; value: Json }> {
  return needArray(name, input).map((value) => ({ key: evaluate(f, value, env), value }));
}

function call(name: string, args: Node[], input: Json, env: Env): Json[] {
  const [a, b] = args;
  switch (name) {
    case 'empty':
      return [];
    case 'error':
      throw new JqRuntimeError(toText(a ? one(a, input, env) : input), a ? one(a, input, env) : input);
    case 'not':
      return [!truthy(input)];
    case 'length':
      if (input === null) return [0];
      if (typeof input === 'number') return [Math.abs(input)];
      if (typeof input === 'boolean') throw new JqRuntimeError('boolean has no length');
      return [typeof input === 'string' || Array.isArray(input) ? input.length : Object.keys(input).length];
    case 'keys':
    case 'keys_unsorted':
      if (Array.isArray(input)) return [input.map((_, i) => i)];
      if (input && typeof input === 'object') return [name === 'keys' ? Object.keys(input).sort() : Object.keys(input)];
      throw new JqRuntimeError(`${typeOf(input)} has no keys`);
    case 'values':
      return input === null ? [] : [input];
    case 'has': {
      const k = one(a!, input, env);
      if (Array.isArray(input)) return [typeof k === 'number' && k >= 0 && k < input.length];
      if (input && typeof input === 'object') return [typeof k === 'string' && k in input];
      throw new JqRuntimeError(`cannot check whether ${typeOf(input)} has a key`);
    }
    case 'in':
      return call('has', [{ t: 'literal', value: input }], one(a!, input, env), env);
    case 'map':
      return [needArray('map', input).flatMap((x) => evaluate(a!, x, env))];
    case 'map_values':
      if (Array.isArray(input)) return [input.flatMap((x) => evaluate(a!, x, env).slice(0, 1))];
      return [
        Object.fromEntries(
          Object.entries(input as object).flatMap(([k, v]) =>
            evaluate(a!, v as Json, env)
              .slice(0, 1)
              .map((x) => [k, x]),
          ),
        ),
      ];
    case 'select':
      return evaluate(a!, input, env).some(truthy) ? [input] : [];
    case 'first':
      return a ? evaluate(a, input, env).slice(0, 1) : [index(input, 0)];
    case 'last':
      return a ? evaluate(a, input, env).slice(-1) : [index(input, -1)];
    case 'limit': {
      const n = Number(one(a!, input, env));
      return evaluate(b!, input, env).slice(0, Math.max(0, n));
    }
    case 'add':
      return [needArray('add', Array.isArray(input) ? input : Object.values(input ?? {})).reduce<Json>((acc, x) => arith('+', acc, x), null)];
    case 'any':
      return [needArray('any', input).some((x) => (a ? evaluate(a, x, env).some(truthy) : truthy(x)))];
    case 'all':
      return [needArray('all', input).every((x) => (a ? evaluate(a, x, env).some(truthy) : truthy(x)))];
    case 'range': {
      const from = b ? Number(one(a!, input, env)) : 0;
      const to = Number(one(b ?? a!, input, env));
      const out: Json[] = [];
      for (let i = from; i < to; i++) out.push(i);
      return out;
    }
    case 'type':
      return [typeOf(input)];
    case 'tostring':
      return [toText(input)];
    case 'tojson':
      return [JSON.stringify(input)];
    case 'fromjson':
      try {
        return [JSON.parse(needString('fromjson', input)) as Json];
      } catch (error) {
        if (error instanceof JqRuntimeError) throw error;
        throw new JqRuntimeError(`${toText(input)} is not valid JSON`);
      }
    case 'tonumber': {
      if (typeof input === 'number') return [input];
      const n = typeof input === 'string' && input.trim() !== '' ? Number(input) : Number.NaN;
      if (Number.isNaN(n)) throw new JqRuntimeError(`cannot parse ${toText(input)} as a number`);
      return [n];
    }
    case 'ascii_downcase':
      return [needString(name, input).toLowerCase()];
    case 'ascii_upcase':
      return [needString(name, input).toUpperCase()];
    case 'ltrimstr': {
      const p = one(a!, input, env);
      return [typeof input === 'string' && typeof p === 'string' && input.startsWith(p) ? input.slice(p.length) : input];
    }
    case 'rtrimstr': {
      const p = one(a!, input, env);
      return [typeof input === 'string' && typeof p === 'string' && p && input.endsWith(p) ? input.slice(0, -p.length) : input];
    }
    case 'startswith':
      return [needString(name, input).startsWith(needString(name, one(a!, input, env)))];
    case 'endswith':
      return [needString(name, input).endsWith(needString(name, one(a!, input, env)))];
    case 'contains':
      return [contains(input, one(a!, input, env))];
    case 'inside':
      return [contains(one(a!, input, env), input)];
    case 'test': {
      const flags = b ? String(one(b, input, env) ?? '') : '';
      return [new RegExp(needString('test', one(a!, input, env)), flags.replace(/[^imsu]/g, '')).test(needString('test', input))];
    }
    case 'split':
      return [needString('split', input).split(needString('split', one(a!, input, env)))];
    case 'splits':
      return needString('splits', input).split(new RegExp(needString('splits', one(a!, input, env))));
    case 'join': {
      const sep = needString('join', one(a!, input, env));
      return [
        needArray('join', input)
          .map((x) => (x === null ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x)))
          .join(sep),
      ];
    }
    case 'sort':
      return [[...needArray('sort', input)].sort(compare)];
    case 'sort_by':
      return [
        byKey(name, input, a!, env)
          .sort((x, y) => compare(x.key, y.key))
          .map((x) => x.value),
      ];
    case 'group_by': {
      const sorted = byKey(name, input, a!, env).sort((x, y) => compare(x.key, y.key));
      const groups: Json[][] = [];
      sorted.forEach((x, i) => {
        if (i === 0 || compare(x.key, sorted[i - 1]!.key) !== 0) groups.push([]);
        groups[groups.length - 1]!.push(x.value);
      });
      return [groups];
    }
    case 'unique':
      return [[...needArray('unique', input)].sort(compare).filter((x, i, all) => i === 0 || compare(x, all[i - 1]!) !== 0)];
    case 'unique_by': {
      const sorted = byKey(name, input, a!, env).sort((x, y) => compare(x.key, y.key));
      return [sorted.filter((x, i) => i === 0 || compare(x.key, sorted[i - 1]!.key) !== 0).map((x) => x.value)];
    }
    case 'min':
    case 'max': {
      const arr = [...needArray(name, input)].sort(compare);
      return [arr.length ? (name === 'min' ? arr[0]! : arr[arr.length - 1]!) : null];
    }
    case 'min_by':
    case 'max_by': {
      const arr = byKey(name, input, a!, env).sort((x, y) => compare(x.key, y.key));
      return [arr.length ? (name === 'min_by' ? arr[0]!.value : arr[arr.length - 1]!.value) : null];
    }
    case 'reverse':
      return [typeof input === 'string' ? [...input].reverse().join('') : [...needArray('reverse', input ?? [])].reverse()];
    case 'flatten': {
      const depth = a ? Number(one(a, input, env)) : 1e9;
      const flat = (xs: Json[], d: number): Json[] => xs.flatMap((x) => (Array.isArray(x) && d > 0 ? flat(x, d - 1) : [x]));
      return [flat(needArray('flatten', input), depth)];
    }
    case 'floor':
    case 'ceil':
    case 'round':
    case 'fabs':
    case 'sqrt': {
      if (typeof input !== 'number') throw new JqRuntimeError(`${typeOf(input)} has no ${name}`);
      const f = { floor: Math.floor, ceil: Math.ceil, round: Math.round, fabs: Math.abs, sqrt: Math.sqrt }[name];
      return [f(input)];
    }
    case 'to_entries':
      return [Object.entries((input ?? {}) as object).map(([key, value]) => ({ key, value: value as Json }))];
    case 'from_entries':
      return [
        Object.fromEntries(
          needArray('from_entries', input).map((e) => {
            const o = (e ?? {}) as Record<string, Json>;
            const k = o.key ?? o.k ?? o.name ?? o.Name ?? o.Key ?? o.K;
            return [typeof k === 'string' ? k : JSON.stringify(k), (o.value ?? o.v ?? o.Value ?? o.V ?? null) as Json];
          }),
        ),
      ];
    case 'with_entries': {
      const entries = call('to_entries', [], input, env)[0] as Json[];
      return call(
        'from_entries',
        [],
        entries.flatMap((e) => evaluate(a!, e, env)),
        env,
      );
    }
    case 'del': {
      const keys = evaluate(a!.t === 'field' || a!.t === 'index' ? (a!.t === 'field' ? { t: 'literal', value: a!.name } : a!.index) : a!, input, env);
      if (Array.isArray(input)) return [input.filter((_, i) => !keys.includes(i))];
      if (input && typeof input === 'object') return [Object.fromEntries(Object.entries(input).filter(([k]) => !keys.includes(k)))];
      return [input];
    }
    case 'paths':
      return recursePaths(input, []).slice(1);
    case 'recurse':
      return recurseAll(input);
    case 'env':
      return [Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined))];
    case 'input_line_number':
      return [0];
    case 'isempty':
      return [evaluate(a!, input, env).length === 0];
    case 'arrays':
    case 'objects':
    case 'strings':
    case 'numbers':
    case 'booleans':
    case 'nulls':
      return typeOf(input) === { arrays: 'array', objects: 'object', strings: 'string', numbers: 'number', booleans: 'boolean', nulls: 'null' }[name]
        ? [input]
        : [];
    case 'indices':
    case 'index':
    case 'rindex': {
      const x = one(a!, input, env);
      const found: number[] = [];
      if (typeof input === 'string' && typeof x === 'string' && x) for (let i = input.indexOf(x); i >= 0; i = input.indexOf(x, i + 1)) found.push(i);
      else if (Array.isArray(input)) {
        for (let i = 0; i < input.length; i++) if (compare(input[i]!, x) === 0) found.push(i);
      }
      if (name === 'indices') return [found];
      return [found.length ? (name === 'index' ? found[0]! : found[found.length - 1]!) : null];
    }
    case 'ascii':
      return [String.fromCharCode(Number(input))];
    case 'now':
      return [Date.now() / 1000];
    case 'todate':
      return [new Date(Number(input) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')];
    case 'fromdate': {
      const ms = Date.parse(needString('fromdate', input));
      if (Number.isNaN(ms)) throw new JqRuntimeError(`date "${toText(input)}" does not match ISO 8601`);
      return [Math.floor(ms / 1000)];
    }
  }
  throw new JqRuntimeError(`${name} is not implemented`);
}

function recursePaths(v: Json, path: Json[]): Json[] {
  const out: Json[] = [path];
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) out.push(...recursePaths(v[i]!, [...path, i]));
  } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...recursePaths(x, [...path, k]));
  return out;
}

/**
 * Compiles a jq expression; a usage error (exit 2) when it cannot be parsed. The filter's runtime
 * errors (iterating over null, adding a string to a number) are JQ_ERROR failures (exit 1).
 */
export function compileJq(expression: string): JqFilter {
  const ast = new Parser(tokenize(expression).tokens).parseAll();
  return (input) => {
    // JSON in, JSON out: dates, bigints and undefined become what JSON.stringify makes of them.
    const json = JSON.parse(JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null') as Json;
    try {
      return evaluate(ast, json, new Map());
    } catch (error) {
      if (error instanceof JqRuntimeError) throw new UserError('JQ_ERROR', `--jq: ${error.message}`);
      if (error instanceof RangeError) throw new UserError('JQ_ERROR', `--jq: ${error.message}`);
      throw error;
    }
  };
}

/** One result as `--jq` prints it: a string as raw text, anything else as compact JSON. */
export function formatJqResult(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
