// Checks real HTTP answers against an OpenAPI 3.0 or 3.1 document: the status must be documented for
// the operation (or its `default` answer) and the JSON body must match its schema (a small validator
// for the keywords we use: 3.0's nullable, 3.1's type lists, null, const, anyOf, patternProperties).

type Schema = Record<string, any>;

export interface OpenApiCheck {
  /** Problems with one answer (empty when it matches). Records the operation as covered. */
  check(method: string, path: string, status: number, body: unknown): string[];
  /** Documented operations never checked. */
  uncovered(): string[];
}

export interface CheckerOptions {
  /**
   * Report object properties the schema does not list (where it lists any): for checking a fake
   * against the real service's document, so the fake invents no field our parsers would then read.
   */
  undocumentedProperties?: boolean;
}

export function openApiChecker(doc: Schema, options: CheckerOptions = {}): OpenApiCheck {
  const covered = new Set<string>();
  const operations: { method: string; template: string; pattern: RegExp; op: Schema }[] = [];
  for (const [template, item] of Object.entries<Schema>(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const [method, op] of Object.entries<Schema>(item)) operations.push({ method: method.toUpperCase(), template, pattern, op });
  }
  const resolve = (s: Schema): Schema => {
    if (!s.$ref) return s;
    const name = String(s.$ref).replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`unresolved $ref ${s.$ref}`);
    return resolve(target);
  };

  function validate(schema: Schema, value: unknown, at: string, out: string[]): void {
    const s = resolve(schema);
    if (s.anyOf) {
      const matches = s.anyOf.some((part: Schema) => {
        const sub: string[] = [];
        validate(part, value, at, sub);
        return sub.length === 0;
      });
      if (!matches) out.push(`${at}: ${JSON.stringify(value)?.slice(0, 60)} matches none of anyOf`);
      return;
    }
    if (Array.isArray(s.type)) {
      const types: string[] = s.type;
      if (value === null) {
        if (!types.includes('null')) out.push(`${at}: null is not allowed`);
        return;
      }
      validate({ ...s, type: types.find((t) => t !== 'null' && matchesType(t, value)) ?? types.find((t) => t !== 'null') }, value, at, out);
      return;
    }
    if (s.const !== undefined && value !== s.const) out.push(`${at}: ${JSON.stringify(value)} is not ${JSON.stringify(s.const)}`);
    if (value === null) {
      if (!s.nullable && s.type !== 'null') out.push(`${at}: null is not allowed`);
      return;
    }
    if (s.type === 'null') return void out.push(`${at}: expected null`);
    if (s.allOf) for (const part of s.allOf) validate(part, value, at, out);
    if (s.oneOf) {
      const matches = s.oneOf.filter((part: Schema) => {
        const sub: string[] = [];
        validate(part, value, at, sub);
        return sub.length === 0;
      });
      if (matches.length !== 1) out.push(`${at}: matches ${matches.length} of oneOf`);
    }
    if (s.enum && !s.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} is not one of ${s.enum.join(', ')}`);
    switch (s.type) {
      case 'string':
        if (typeof value !== 'string') return void out.push(`${at}: expected a string`);
        if (s.pattern && !new RegExp(s.pattern).test(value)) out.push(`${at}: "${value}" does not match ${s.pattern}`);
        if (s.maxLength !== undefined && [...value].length > s.maxLength) out.push(`${at}: longer than ${s.maxLength}`);
        if (s.minLength !== undefined && [...value].length < s.minLength) out.push(`${at}: shorter than ${s.minLength}`);
        if (s.format === 'uuid' && !/^[0-9a-f-]{36}$/.test(value)) out.push(`${at}: not a uuid`);
        if (s.format === 'date-time' && Number.isNaN(Date.parse(value))) out.push(`${at}: not a date-time`);
        return;
      case 'integer':
      case 'number':
        if (typeof value !== 'number' || (s.type === 'integer' && !Number.isInteger(value))) return void out.push(`${at}: expected ${s.type}`);
        if (s.minimum !== undefined && value < s.minimum) out.push(`${at}: below ${s.minimum}`);
        if (s.maximum !== undefined && value > s.maximum) out.push(`${at}: above ${s.maximum}`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') out.push(`${at}: expected a boolean`);
        return;
      case 'array':
        if (!Array.isArray(value)) return void out.push(`${at}: expected an array`);
        value.forEach((v, i) => {
          validate(s.items ?? {}, v, `${at}[${i}]`, out);
        });
        return;
      case 'object': {
        if (!value || typeof value !== 'object' || Array.isArray(value)) return void out.push(`${at}: expected an object`);
        const obj = value as Record<string, unknown>;
        for (const key of s.required ?? []) if (!(key in obj)) out.push(`${at}.${key}: required`);
        for (const [key, v] of Object.entries(obj)) {
          const prop = s.properties?.[key];
          const pattern = Object.entries<Schema>(s.patternProperties ?? {}).find(([p]) => new RegExp(p).test(key))?.[1];
          if (prop) validate(prop, v, `${at}.${key}`, out);
          else if (pattern) validate(pattern, v, `${at}.${key}`, out);
          else if (s.additionalProperties === false || (options.undocumentedProperties && s.properties && !s.additionalProperties))
            out.push(`${at}.${key}: not documented`);
          else if (s.additionalProperties && typeof s.additionalProperties === 'object') validate(s.additionalProperties, v, `${at}.${key}`, out);
        }
        return;
      }
    }
  }

  return {
    check(method, path, status, body) {
      const pathname = path.split('?')[0]!;
      const found = operations.find((o) => o.method === method && o.pattern.test(pathname));
      if (!found) return [`${method} ${pathname} is not documented`];
      covered.add(`${found.op.operationId} ${status}`);
      covered.add(found.op.operationId);
      const response = found.op.responses[String(status)] ?? found.op.responses.default;
      if (!response) return [`${method} ${found.template}: status ${status} is not documented`];
      // application/json, or a JSON flavour such as application/problem+json (WB's errors).
      const content = response.content ?? {};
      const jsonType = Object.keys(content).find((t) => t === 'application/json' || t.endsWith('+json'));
      const schema = jsonType ? content[jsonType]?.schema : undefined;
      // A documented non-JSON body (text/plain, text/html) arrives as text.
      if (!schema && Object.keys(content).length > 0 && typeof body === 'string') return [];
      if (!schema) return body === undefined || body === '' ? [] : [`${method} ${found.template} ${status}: documented without a body`];
      const out: string[] = [];
      validate(schema, body, `${method} ${found.template} ${status} body`, out);
      return out;
    },
    uncovered() {
      const missing: string[] = [];
      for (const o of operations) {
        for (const status of Object.keys(o.op.responses))
          if (status !== 'default' && !covered.has(`${o.op.operationId} ${status}`)) missing.push(`${o.op.operationId} ${status}`);
      }
      return missing;
    },
  };
}

function matchesType(type: string, value: unknown): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === type;
}
