/** Byte offsets into the expression text: [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~' | 'contains' | 'in' | 'startswith' | 'endswith';

export type Operand =
  | { readonly kind: 'field'; readonly path: readonly string[]; readonly span: Span }
  | { readonly kind: 'jsonpath'; readonly path: string; readonly span: Span }
  | { readonly kind: 'string'; readonly value: string; readonly span: Span; readonly bare?: boolean }
  | { readonly kind: 'number'; readonly value: number; readonly span: Span }
  | { readonly kind: 'regex'; readonly source: string; readonly flags: string; readonly span: Span }
  | { readonly kind: 'list'; readonly items: readonly Operand[]; readonly span: Span }
  | { readonly kind: 'literal'; readonly value: boolean | null; readonly span: Span };

export type FieldOperand = Extract<Operand, { kind: 'field' | 'jsonpath' }>;

export type Expr =
  | { readonly kind: 'and'; readonly items: readonly Expr[] }
  | { readonly kind: 'or'; readonly items: readonly Expr[] }
  | { readonly kind: 'not'; readonly item: Expr }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Operand; readonly right: Operand; readonly span: Span }
  | { readonly kind: 'exists'; readonly field: FieldOperand }
  /**
   * `fuzzy(field, "text", N)`: the field's text within N edits (Damerau-Levenshtein) of the text,
   * ignoring case; `fuzzyword(…)`: any word of it (runs of letters and digits), as Graylog's `term~N`.
   */
  | { readonly kind: 'fuzzy'; readonly field: FieldOperand; readonly text: string; readonly distance: number; readonly words: boolean }
  /** A lone operand: a string or regex searches the message; a field is tested for truthiness. */
  | { readonly kind: 'lone'; readonly operand: Operand };

export const NO_SPAN: Span = { start: 0, end: 0 };

export function and(items: Expr[]): Expr {
  const flat = items.flatMap((e) => (e.kind === 'and' ? e.items : [e]));
  return flat.length === 1 ? flat[0]! : { kind: 'and', items: flat };
}

export function or(items: Expr[]): Expr {
  const flat = items.flatMap((e) => (e.kind === 'or' ? e.items : [e]));
  return flat.length === 1 ? flat[0]! : { kind: 'or', items: flat };
}

export function not(item: Expr): Expr {
  return { kind: 'not', item };
}

export function field(path: readonly string[]): FieldOperand {
  return { kind: 'field', path, span: NO_SPAN };
}

export function str(value: string): Operand {
  return { kind: 'string', value, span: NO_SPAN };
}
