/**
 * The SOQL parser: recursive descent over the lexer's tokens, following the grammar of
 * SOQL and SOSL Reference, "SOQL SELECT Syntax": `SELECT fieldList FROM objectType [alias]
 * [WHERE conditionExpression] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...]
 * [LIMIT n] [OFFSET n]`. Clauses must come in that order. A token the grammar does not
 * allow where it stands fails MALFORMED_QUERY `unexpected token: 'X'` at its position; a
 * construct Salesforce accepts but the sandbox does not implement fails MALFORMED_QUERY
 * saying so.
 *
 * AND and OR cannot be mixed without parentheses (SOQL and SOSL Reference, "WHERE":
 * "Client applications must specify parentheses when nesting operators"): Salesforce
 * answers `unexpected token: 'OR'` at the second operator.
 */
import type { Condition, FieldPath, Literal, OrderItem, SelectItem, SoqlQuery } from './ast.ts';
import { locatedError, unsupported } from './errors.ts';
import { AGGREGATES, COMPARE_PUNCT, RESERVED } from './keywords.ts';
import { type Token, tokenize } from './lexer.ts';
import { dateLiteralTakesN, isDateLiteral } from './literals.ts';

class Parser {
  private i = 0;
  private readonly tokens: Token[];

  constructor(private readonly query: string) {
    this.tokens = tokenize(query);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  /** The token is the keyword `word` (any case). */
  private isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private isPunct(p: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'punct' && t.text === p;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.i++;
    return true;
  }

  private expectWord(word: string): Token {
    if (!this.isWord(word)) throw this.unexpected();
    return this.next();
  }

  private expectPunct(p: string): Token {
    if (!this.isPunct(p)) throw this.unexpected();
    return this.next();
  }

  /** MALFORMED_QUERY `unexpected token` at the current (or given) token. */
  unexpected(token = this.peek()): Error {
    const shown = token.kind === 'string' ? `'${token.text}'` : token.text;
    return locatedError('MALFORMED_QUERY', this.query, token.pos, `unexpected token: '${shown}'`);
  }

  parse(): SoqlQuery {
    if (this.isWord('FIND')) throw unsupported(this.query, this.peek().pos, 'SOSL (FIND)');
    this.expectWord('SELECT');
    const select = this.selectList();
    this.expectWord('FROM');
    const from = this.fromClause();
    const query: SoqlQuery = { select, from, orderBy: [] };
    if (this.isWord('USING')) throw unsupported(this.query, this.peek().pos, 'USING SCOPE');
    if (this.acceptWord('WHERE')) query.where = this.condition();
    if (this.isWord('WITH')) throw unsupported(this.query, this.peek().pos, 'WITH clauses');
    if (this.isWord('GROUP')) throw unsupported(this.query, this.peek().pos, 'GROUP BY');
    if (this.isWord('HAVING')) throw unsupported(this.query, this.peek().pos, 'HAVING');
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      query.orderBy = this.orderList();
    }
    if (this.acceptWord('LIMIT')) query.limit = this.integer();
    if (this.acceptWord('OFFSET')) query.offset = this.integer();
    if (this.isWord('FOR')) throw unsupported(this.query, this.peek().pos, 'FOR VIEW, FOR REFERENCE or FOR UPDATE');
    if (this.isWord('ALL') && this.isWord('ROWS', 1)) {
      throw unsupported(this.query, this.peek().pos, 'ALL ROWS (use queryAll)');
    }
    if (this.peek().kind !== 'eof') throw this.unexpected();
    return query;
  }

  private selectList(): SelectItem[] {
    const items: SelectItem[] = [this.selectItem()];
    while (this.isPunct(',')) {
      this.next();
      items.push(this.selectItem());
    }
    return items;
  }

  private selectItem(): SelectItem {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '(') throw unsupported(this.query, t.pos, 'subqueries');
    if (t.kind !== 'ident' || RESERVED.has(t.text.toUpperCase())) {
      if (this.isWord('TYPEOF')) throw unsupported(this.query, t.pos, 'TYPEOF (polymorphic relationships)');
      throw this.unexpected();
    }
    if (this.isPunct('(', 1)) {
      const name = t.text.toUpperCase();
      if (name === 'COUNT' && this.isPunct(')', 2)) {
        this.i += 3;
        return { kind: 'count', pos: t.pos };
      }
      if (name === 'FIELDS') throw unsupported(this.query, t.pos, 'FIELDS()');
      if (name === 'COUNT' || AGGREGATES.has(name)) {
        throw unsupported(this.query, t.pos, 'aggregate functions other than COUNT()');
      }
      throw unsupported(this.query, t.pos, `functions such as ${t.text}()`);
    }
    return { kind: 'field', path: this.path() };
  }

  private path(): FieldPath {
    const first = this.peek();
    if (first.kind !== 'ident' || RESERVED.has(first.text.toUpperCase())) throw this.unexpected();
    this.next();
    const path: FieldPath = { parts: [first.text], pos: first.pos, partPos: [first.pos] };
    while (this.isPunct('.')) {
      this.next();
      const part = this.peek();
      if (part.kind !== 'ident') throw this.unexpected();
      this.next();
      path.parts.push(part.text);
      path.partPos.push(part.pos);
    }
    return path;
  }

  private fromClause(): SoqlQuery['from'] {
    const t = this.peek();
    if (t.kind !== 'ident' || RESERVED.has(t.text.toUpperCase())) throw this.unexpected();
    this.next();
    const from: SoqlQuery['from'] = { name: t.text, pos: t.pos };
    const alias = this.peek();
    if (alias.kind === 'ident' && !RESERVED.has(alias.text.toUpperCase())) {
      this.next();
      from.alias = alias.text;
    }
    if (this.isPunct(',')) throw unsupported(this.query, this.peek().pos, 'several objects in FROM');
    return from;
  }

  /** conditionExpression: units joined by only AND or only OR. */
  private condition(): Condition {
    const items = [this.conditionUnit()];
    let joiner: 'AND' | 'OR' | undefined;
    for (;;) {
      const word = this.isWord('AND') ? 'AND' : this.isWord('OR') ? 'OR' : undefined;
      if (!word) break;
      if (joiner && joiner !== word) throw this.unexpected();
      joiner = word;
      this.next();
      items.push(this.conditionUnit());
    }
    if (items.length === 1) return items[0]!;
    return { kind: joiner === 'OR' ? 'or' : 'and', items };
  }

  private conditionUnit(): Condition {
    if (this.acceptWord('NOT')) return { kind: 'not', item: this.conditionUnit() };
    if (this.isPunct('(')) {
      this.next();
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    return this.fieldExpression();
  }

  private fieldExpression(): Condition {
    const t = this.peek();
    if (t.kind === 'ident' && this.isPunct('(', 1)) {
      throw unsupported(this.query, t.pos, `functions such as ${t.text}() in WHERE`);
    }
    const field = this.path();
    const opToken = this.peek();
    if (opToken.kind === 'punct' && COMPARE_PUNCT[opToken.text]) {
      this.next();
      return { kind: 'compare', field, op: COMPARE_PUNCT[opToken.text]!, value: this.literal(), opPos: opToken.pos };
    }
    if (this.acceptWord('LIKE'))
      return { kind: 'compare', field, op: 'LIKE', value: this.literal(), opPos: opToken.pos };
    if (this.isWord('INCLUDES') || this.isWord('EXCLUDES')) {
      throw unsupported(this.query, opToken.pos, 'INCLUDES and EXCLUDES (multi-select picklists)');
    }
    const negated = this.isWord('NOT') && this.isWord('IN', 1);
    if (negated) this.next();
    if (!this.acceptWord('IN')) throw this.unexpected();
    this.expectPunct('(');
    if (this.isWord('SELECT')) throw unsupported(this.query, this.peek().pos, 'semi-join and anti-join subqueries');
    const values = [this.literal()];
    while (this.isPunct(',')) {
      this.next();
      values.push(this.literal());
    }
    this.expectPunct(')');
    return { kind: 'in', field, negated, values, opPos: opToken.pos };
  }

  private literal(): Literal {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return { kind: 'string', raw: t.text, pos: t.pos };
      case 'number':
        this.next();
        return { kind: 'number', value: Number(t.text), text: t.text, pos: t.pos };
      case 'date':
        this.next();
        return { kind: 'date', text: t.text, pos: t.pos };
      case 'datetime':
        this.next();
        return { kind: 'datetime', text: t.text, pos: t.pos };
      case 'ident':
        return this.wordLiteral(t);
      case 'punct':
        if (t.text === ':') {
          throw locatedError('MALFORMED_QUERY', this.query, t.pos, 'Bind variables only allowed in Apex code');
        }
        throw this.unexpected();
      default:
        throw this.unexpected();
    }
  }

  private wordLiteral(t: Token): Literal {
    const word = t.text.toUpperCase();
    if (word === 'TRUE' || word === 'FALSE') {
      this.next();
      return { kind: 'boolean', value: word === 'TRUE', pos: t.pos };
    }
    if (word === 'NULL') {
      this.next();
      return { kind: 'null', pos: t.pos };
    }
    if (word.includes('FISCAL')) throw unsupported(this.query, t.pos, 'fiscal date literals');
    if (!isDateLiteral(word)) {
      if (RESERVED.has(word)) throw this.unexpected();
      this.next();
      return { kind: 'word', text: t.text, pos: t.pos };
    }
    this.next();
    if (!dateLiteralTakesN(word)) return { kind: 'dateLiteral', name: word, pos: t.pos };
    this.expectPunct(':');
    const n = this.peek();
    if (n.kind !== 'number' || !/^\d+$/.test(n.text)) throw this.unexpected();
    this.next();
    return { kind: 'dateLiteral', name: word, n: Number(n.text), pos: t.pos };
  }

  private orderList(): OrderItem[] {
    const items: OrderItem[] = [];
    do {
      if (items.length > 0) this.next();
      const path = this.path();
      const item: OrderItem = { path, descending: false };
      if (this.acceptWord('DESC')) item.descending = true;
      else this.acceptWord('ASC');
      if (this.acceptWord('NULLS')) {
        if (this.acceptWord('FIRST')) item.nullsFirst = true;
        else if (this.acceptWord('LAST')) item.nullsFirst = false;
        else throw this.unexpected();
      }
      items.push(item);
    } while (this.isPunct(','));
    return items;
  }

  private integer(): { value: number; pos: number } {
    const t = this.peek();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) throw this.unexpected();
    this.next();
    return { value: Number(t.text), pos: t.pos };
  }
}

/** Parses a SOQL query; throws {@link SoqlError} (MALFORMED_QUERY) when it is not valid SOQL. */
export function parseSoql(query: string): SoqlQuery {
  return new Parser(query).parse();
}
