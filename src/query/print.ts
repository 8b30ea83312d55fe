import type { Expr, Operand } from './ast.js';

const NAME = /^[A-Za-z_@][A-Za-z0-9_@-]*$/;
const KEYWORDS = new Set(['and', 'or', 'not', 'contains', 'in', 'startswith', 'endswith', 'true', 'false', 'null', 'exists', 'fuzzy', 'fuzzyword']);

function printKey(key: string, first: boolean): string {
  if (NAME.test(key) && !KEYWORDS.has(key.toLowerCase())) return first ? key : `.${key}`;
  return `[${JSON.stringify(key)}]`;
}

export function printOperand(o: Operand): string {
  switch (o.kind) {
    case 'field': return o.path.map((k, i) => printKey(k, i === 0)).join('');
    case 'jsonpath': return o.path;
    case 'string': return JSON.stringify(o.value);
    case 'number': return Object.is(o.value, -0) ? '-0' : String(o.value);
    case 'regex': return `/${o.source}/${o.flags}`;
    case 'list': return `(${o.items.map(printOperand).join(', ')})`;
    case 'literal': return String(o.value);
  }
}

/** The expression as text that parses back to the same AST (spans aside). */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'and': return e.items.map((x) => (x.kind === 'or' ? `(${printExpr(x)})` : printExpr(x))).join(' and ');
    case 'or': return e.items.map(printExpr).join(' or ');
    case 'not': return `not ${e.item.kind === 'and' || e.item.kind === 'or' ? `(${printExpr(e.item)})` : printExpr(e.item)}`;
    case 'exists': return `exists(${printOperand(e.field)})`;
    case 'fuzzy': return `${e.words ? 'fuzzyword' : 'fuzzy'}(${printOperand(e.field)}, ${JSON.stringify(e.text)}, ${e.distance})`;
    case 'lone': return printOperand(e.operand);
    case 'compare': return `${printOperand(e.left)} ${e.op} ${printOperand(e.right)}`;
  }
}
