/**
 * The layout's rules, checked on the real import graph (TypeScript's own parser, every source file):
 * no import cycles, and every arrow points inward (ARCHITECTURE.md, "Rule of direction").
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_DIRS = ['activities', 'api', 'bot', 'cli', 'clients', 'commands', 'config', 'db', 'integrations', 'policies', 'workers', 'workflows', 'scripts', 'bench', 'migrations'];

interface Edge {
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => {
    try {
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** Each file's project imports (and re-exports), marked type-only when they vanish at run time. */
function importGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    const edges: Edge[] = [];
    for (const statement of source.statements) {
      if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        const to = resolve(file, statement.moduleSpecifier.text);
        if (!to) continue;
        const typeOnly = ts.isImportDeclaration(statement)
          ? Boolean(statement.importClause?.isTypeOnly || (statement.importClause && !statement.importClause.name && statement.importClause.namedBindings && ts.isNamedImports(statement.importClause.namedBindings) && statement.importClause.namedBindings.elements.every((element) => element.isTypeOnly)))
          : statement.isTypeOnly;
        edges.push({ to, typeOnly });
      }
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Strongly connected components of more than one file (Tarjan): each is an import cycle. */
function cycles(graph: Map<string, Edge[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const { to } of (graph.get(node) ?? []).filter((edge) => !edge.typeOnly)) {
      if (!indices.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, indices.get(to)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(path.relative(ROOT, member));
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

const folderOf = (file: string) => path.relative(ROOT, file).split(path.sep)[0];
const graph = importGraph();

/** Every import from a folder into the given folders, as "from -> to". */
function arrows(from: string, into: string[], options: { includeTypes?: boolean } = {}): string[] {
  return [...graph].flatMap(([file, edges]) =>
    folderOf(file) !== from ? [] : edges.filter((edge) => (options.includeTypes || !edge.typeOnly) && into.includes(folderOf(edge.to))).map((edge) => `${path.relative(ROOT, file)} -> ${path.relative(ROOT, edge.to)}`),
  );
}

test('the graph is read: hundreds of files and their imports', () => {
  expect(graph.size).toBeGreaterThan(150);
  expect([...graph.values()].flat().length).toBeGreaterThan(500);
});

test('no import cycles', () => {
  expect(cycles(graph)).toEqual([]);
});

test('workflows import only workflow code (activity types aside): they are bundled and replayed', () => {
  const outside = [...graph].flatMap(([file, edges]) => (folderOf(file) !== 'workflows' ? [] : edges.filter((edge) => folderOf(edge.to) !== 'workflows' && !edge.typeOnly).map((edge) => `${path.relative(ROOT, file)} -> ${path.relative(ROOT, edge.to)}`)));
  expect(outside).toEqual([]);
});

test('nothing imports from the doors (api, bot, cli) but themselves', () => {
  for (const door of ['api', 'bot', 'cli']) {
    const others = SOURCE_DIRS.filter((dir) => dir !== door && dir !== 'bench');
    expect(others.flatMap((dir) => arrows(dir, [door], { includeTypes: true }))).toEqual([]);
  }
});

test('the doors reach Temporal only through clients/ and commands/', () => {
  const temporalImports = [...graph].flatMap(([file]) => {
    if (!['api', 'bot'].includes(folderOf(file))) return [];
    const text = readFileSync(file, 'utf8');
    return /\.(executeUpdate|signal|query|signalWithStart)\(|workflow\.(start|getHandle|execute)\(/.test(text) ? [path.relative(ROOT, file)] : [];
  });
  expect(temporalImports).toEqual([]);
});

test('arrows point inward: integrations and db know nothing of activities, commands or the doors', () => {
  expect(arrows('integrations', ['activities', 'commands', 'policies', 'clients', 'api', 'bot', 'cli', 'workers'], { includeTypes: true })).toEqual([]);
  expect(arrows('db', ['activities', 'commands', 'policies', 'clients', 'integrations', 'api', 'bot', 'cli', 'workers'], { includeTypes: true })).toEqual([]);
  expect(arrows('policies', ['activities', 'commands', 'clients', 'api', 'bot', 'cli', 'workers'], { includeTypes: true })).toEqual([]);
  expect(arrows('commands', ['activities', 'api', 'bot', 'cli', 'workers'], { includeTypes: true })).toEqual([]);
});
