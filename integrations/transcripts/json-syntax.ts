import { TranscriptFormatError } from './transcript-format-error';

/** JSON.parse, but a syntax error says where (line and column), which V8's message does not always do. */
export function parseJsonOrThrow(content: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch (error) {
    const { line, column } = lineAndColumn(content, findSyntaxErrorOffset(content));
    const reason = error instanceof Error ? error.message : String(error);
    throw new TranscriptFormatError(`File is not valid JSON at line ${line}, column ${column} (${reason})`);
  }
}

function lineAndColumn(content: string, offset: number): { line: number; column: number } {
  const before = content.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Offset of the first character that breaks the JSON grammar (the text's length when there is none). */
export function findSyntaxErrorOffset(text: string): number {
  const scanner = new JsonScanner(text);
  try {
    scanner.document();
    return text.length;
  } catch (error) {
    if (error instanceof SyntaxErrorAt) return Math.min(error.offset, text.length);
    throw error;
  }
}

class SyntaxErrorAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at offset ${offset}`);
  }
}

/** A minimal recursive-descent JSON recognizer; it only locates errors, it builds nothing. */
class JsonScanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail();
  }

  private value(): void {
    this.skipSpace();
    const char = this.text[this.pos];
    if (char === '{') this.list('}', () => this.member());
    else if (char === '[') this.list(']', () => this.value());
    else if (char === '"') this.string();
    else if (char === 't') this.literal('true');
    else if (char === 'f') this.literal('false');
    else if (char === 'n') this.literal('null');
    else this.number();
  }

  private member(): void {
    this.skipSpace();
    this.string();
    this.skipSpace();
    this.literal(':');
    this.value();
  }

  private list(close: string, item: () => void): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === close) {
      this.pos++;
      return;
    }
    for (;;) {
      item();
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return;
      }
      this.literal(',');
    }
  }

  private string(): void {
    this.literal('"');
    while (this.text[this.pos] !== '"') {
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) < 0x20) this.fail();
      if (this.text[this.pos] === '\\') this.escape();
      else this.pos++;
    }
    this.pos++;
  }

  private escape(): void {
    this.pos++;
    if (this.text[this.pos] === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 1, this.pos + 5))) this.fail();
      this.pos += 5;
    } else if ('"\\/bfnrt'.includes(this.text[this.pos] ?? 'x')) {
      this.pos++;
    } else {
      this.fail();
    }
  }

  private number(): void {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match) this.fail();
    this.pos += match[0].length;
  }

  private literal(expected: string): void {
    for (const char of expected) {
      if (this.text[this.pos] !== char) this.fail();
      this.pos++;
    }
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  private fail(): never {
    throw new SyntaxErrorAt(this.pos);
  }
}
