// Finds the source of the functions a spec hands to the model builder, with
// the values of the variables they close over. JavaScript does not expose a
// closure's environment, so the spec's own modules (spec file and the model
// files it imports, not the mmcheck API under src/) are loaded a second time,
// from memory, in an instrumented form in which every function registers
// itself:
//
//   (s, { i }) => s.c[i]! < K
//     becomes
//   __mmReg((s, { i }) => s.c[i]! < K, "<file>", 7, { K: () => K })
//
// The model is then built by running those modules for the variant, so every
// configuration value, domain and helper is the one the explicit engine
// sees; the symbolic front end interprets only the bodies of the registered
// functions (src/symbolic/interpret.ts), reading free variables through the
// recorded thunks. The front end works on the original file's syntax tree,
// so errors point at the user's source.
//
// The instrumented text is edited with magic-string, compiled to a function
// (TypeScript's transpiler, CommonJS form) and run with a `require` that
// hands it the modules it imports: the user's modules, instrumented the same
// way, and everything else (mmcheck's src/, packages) as the running process
// loaded it, so classes and registries are shared with the engine. Nothing
// is written to disk, and this works under any loader (tsx, vitest).

import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compileFunction } from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';
import MagicString from 'magic-string';
import { Project, ts } from 'ts-morph';
import { SpecError } from '../spec/errors.ts';

export type FunctionNode =
  | ts.ArrowFunction
  | ts.FunctionExpression
  | ts.FunctionDeclaration
  | ts.MethodDeclaration;

export interface SourceUnit {
  readonly file: string;
  readonly sf: ts.SourceFile;
  readonly functions: readonly FunctionNode[];
}

export interface Registered {
  readonly unit: SourceUnit;
  readonly node: FunctionNode;
  /** Free variables of the function, read lazily (the closure sees their current value). */
  readonly captured: Readonly<Record<string, () => unknown>>;
}

/** The mmcheck sources: imported as they are, never instrumented. */
const SRC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const REGISTER = '__mmcheckSymbolicRegister';
const registry = new WeakMap<Function, Registered>();
const units = new Map<string, SourceUnit>();

(globalThis as any)[REGISTER] = (fn: Function, file: string, idx: number, captured: Record<string, () => unknown>) => {
  const unit = units.get(file);
  if (unit && typeof fn === 'function') registry.set(fn, { unit, node: unit.functions[idx]!, captured });
  return fn;
};

/** The source and environment of a function defined in an instrumented module. */
export function registered(fn: unknown): Registered | undefined {
  return typeof fn === 'function' ? registry.get(fn) : undefined;
}

const project = new Project({ skipAddingFilesFromTsConfig: true });

/** `import.meta` in an instrumented module reads this parameter of its function. */
const IMPORT_META = '__mmcheckImportMeta';

/** Names resolved by the interpreter itself (globals it models). */
const GLOBALS = new Set([
  'undefined', 'NaN', 'Infinity', 'Math', 'Array', 'Object', 'Number', 'Boolean', 'String', 'JSON',
  'console', 'globalThis', 'Error', 'Set', 'Map', 'structuredClone',
]);

export function isFunctionNode(n: ts.Node): n is FunctionNode {
  return (
    ts.isArrowFunction(n) ||
    ts.isFunctionExpression(n) ||
    ts.isFunctionDeclaration(n) ||
    (ts.isMethodDeclaration(n) && ts.isObjectLiteralExpression(n.parent))
  );
}

/** Names a binding pattern or identifier declares. */
export function boundNames(name: ts.BindingName, out: string[] = []): string[] {
  if (ts.isIdentifier(name)) out.push(name.text);
  else
    for (const el of name.elements) {
      if (ts.isOmittedExpression(el)) continue;
      boundNames(el.name, out);
    }
  return out;
}

/** Names declared directly in a scope node (block-level lets/consts/functions, params, ...). */
function declaredIn(scope: ts.Node, cache: Map<ts.Node, Set<string>>): Set<string> {
  let set = cache.get(scope);
  if (set) return set;
  set = new Set();
  const addVarList = (list: ts.VariableDeclarationList) => {
    for (const d of list.declarations) for (const n of boundNames(d.name)) set!.add(n);
  };
  const addStatements = (stmts: readonly ts.Statement[]) => {
    for (const st of stmts) {
      if (ts.isVariableStatement(st)) addVarList(st.declarationList);
      else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) set!.add(st.name.text);
    }
  };
  if (isFunctionNode(scope)) {
    for (const p of scope.parameters) for (const n of boundNames(p.name)) set.add(n);
    if ((ts.isFunctionExpression(scope) || ts.isFunctionDeclaration(scope)) && scope.name) set.add(scope.name.text);
  } else if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope)) addStatements(scope.statements);
  else if (ts.isCaseBlock(scope)) for (const c of scope.clauses) addStatements(c.statements);
  else if (ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) {
    const init = ts.isForStatement(scope) ? scope.initializer : scope.initializer;
    if (init && ts.isVariableDeclarationList(init)) addVarList(init);
  } else if (ts.isCatchClause(scope) && scope.variableDeclaration) {
    for (const n of boundNames(scope.variableDeclaration.name)) set.add(n);
  }
  cache.set(scope, set);
  return set;
}

/** Is this identifier a reference to a variable (not a property name, type, or declaration)? */
function isValueReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === id) return false;
  if (ts.isBindingElement(p)) return p.initializer === id;
  if ((ts.isParameter(p) || ts.isVariableDeclaration(p)) && p.name === id) return false;
  if ((ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isClassDeclaration(p)) && p.name === id) return false;
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false;
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return false;
  if (ts.isQualifiedName(p) || ts.isTypeReferenceNode(p)) return false;
  return true;
}

/** Free variables of a function: referenced inside, declared outside it. */
function freeVariables(fn: FunctionNode, cache: Map<ts.Node, Set<string>>): string[] {
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isTypeNode(n) || ts.isTypeParameterDeclaration(n) || ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n))
      return;
    if (ts.isIdentifier(n)) {
      if (!isValueReference(n) || GLOBALS.has(n.text) || out.has(n.text)) return;
      for (let a: ts.Node = n.parent; ; a = a.parent) {
        if (declaredIn(a, cache).has(n.text)) return;
        if (a === fn) break;
      }
      out.add(n.text);
      return;
    }
    // A shorthand `{ i }` in an object literal reads variable i.
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  for (const p of fn.parameters) if (p.initializer) visit(p.initializer);
  return [...out];
}

/** The instrumented text of one module, and its functions in registration order. */
function instrument(file: string, text: string): { text: string; unit: SourceUnit } {
  const sfw = project.createSourceFile(`${file}.__mmcheck_orig.ts`, text, { overwrite: true });
  const sf = sfw.compilerNode;
  const functions: FunctionNode[] = [];
  const cache = new Map<ts.Node, Set<string>>();
  // Edits by position in the original text. The tree is visited outside in,
  // so an opening wrapper goes to the right of those before it at the same
  // place (appendRight) and a closing one to the left (prependLeft): nested
  // functions that start or end together are wrapped inside out.
  const ms = new MagicString(text);
  const key = JSON.stringify(file);
  const visit = (n: ts.Node): void => {
    if (ts.isMetaProperty(n) && n.keywordToken === ts.SyntaxKind.ImportKeyword && n.name.text === 'meta')
      ms.overwrite(n.getStart(sf), n.getEnd(), IMPORT_META);
    if (isFunctionNode(n) && n.body) {
      const idx = functions.push(n) - 1;
      const caps = freeVariables(n, cache)
        .map((v) => `${JSON.stringify(v)}: () => ${v}`)
        .join(', ');
      const reg = (what: string) => `${REGISTER}(${what}, ${key}, ${idx}, {${caps}})`;
      const close = `, ${key}, ${idx}, {${caps}})`;
      if (ts.isFunctionDeclaration(n)) {
        if (n.name) {
          // Hoisted: register at the top of the enclosing body.
          const body = n.parent;
          const at = ts.isSourceFile(body) ? 0 : ts.isBlock(body) ? body.getStart(sf) + 1 : n.getEnd();
          ms.appendLeft(at, `;globalThis.${reg(n.name.text)};`);
        }
      } else if (ts.isMethodDeclaration(n)) {
        // apply(s, n) { ... }  ->  apply: reg(function (s, n) { ... })
        const name = n.name.getText(sf);
        ms.overwrite(n.getStart(sf), n.name.getEnd(), `${name}: globalThis.${REGISTER}(function `, { contentOnly: true });
        ms.prependLeft(n.getEnd(), close);
      } else {
        ms.appendRight(n.getStart(sf), `globalThis.${REGISTER}(`);
        ms.prependLeft(n.getEnd(), close);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const unit: SourceUnit = { file, sf, functions };
  return { text: ms.toString(), unit };
}

function isUnderSrc(path: string): boolean {
  return path === SRC_DIR || path.startsWith(SRC_DIR + '/');
}

/** A user module loaded from memory: its exports, filled in while its body runs. */
interface LoadedModule {
  readonly mtime: number;
  readonly exports: Record<string, unknown>;
}

/** Modules loaded in this process, by path; all dropped when any of their sources changes. */
const loaded = new Map<string, LoadedModule>();

/** Loads (once) the instrumented module `file` and the user modules it imports; returns its exports. */
async function loadModule(file: string): Promise<Record<string, unknown>> {
  const known = loaded.get(file);
  // A module still loading is an import cycle: its partly filled exports, as CommonJS gives.
  if (known) return known.exports;
  const text = ts.sys.readFile(file);
  if (text === undefined) throw new SpecError(`symbolic engine: cannot read ${file}`);
  const mod: LoadedModule = { mtime: statSync(file).mtimeMs, exports: {} };
  loaded.set(file, mod);
  const { text: instrumented, unit } = instrument(file, text);
  units.set(file, unit);
  const js = ts.transpileModule(instrumented, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: false },
  }).outputText;
  // What the module imports, resolved as ESM resolves it from the original file.
  const imports = new Map<string, unknown>();
  for (const spec of importSpecifiers(unit.sf)) {
    if (imports.has(spec)) continue;
    const relative = spec.startsWith('.') || spec.startsWith('/');
    const target = relative ? resolve(dirname(file), spec) : undefined;
    if (target !== undefined && !isUnderSrc(target) && existsSync(target)) imports.set(spec, await loadModule(target));
    else imports.set(spec, await import(target !== undefined ? pathToFileURL(target).href : spec));
  }
  const require = (spec: string): unknown => {
    if (!imports.has(spec)) throw new SpecError(`symbolic engine: ${file} imports '${spec}' in a way it cannot follow (use a static import)`);
    return imports.get(spec);
  };
  let body: Function;
  try {
    body = compileFunction(js, ['exports', 'require', 'module', '__filename', '__dirname', IMPORT_META], { filename: file });
  } catch (e) {
    throw new SpecError(`symbolic engine: cannot load ${file}: ${(e as Error).message}`);
  }
  const meta = { url: pathToFileURL(file).href, filename: file, dirname: dirname(file) };
  body(mod.exports, require, { exports: mod.exports }, file, dirname(file), meta);
  return mod.exports;
}

/** The module specifiers of a file's import and export-from declarations. */
function importSpecifiers(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const st of sf.statements)
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier))
      out.push(st.moduleSpecifier.text);
  return out;
}

/** Serialises loads, so that two runs never see each other's half-loaded modules. */
let loading: Promise<unknown> = Promise.resolve();

/**
 * Loads the instrumented spec module and returns its exports. The same
 * module objects are returned until one of the sources changes on disk;
 * then every module is loaded afresh.
 */
export function loadInstrumented(file: string): Promise<Record<string, unknown>> {
  if (isUnderSrc(file)) return Promise.reject(new SpecError(`symbolic engine: specs must live outside src/ (${file})`));
  const run = loading.then(() => {
    const changed = [...loaded.entries()].some(([f, m]) => !existsSync(f) || statSync(f).mtimeMs !== m.mtime);
    if (changed) loaded.clear();
    return loadModule(file).catch((e: unknown) => {
      // A module that failed half way must not be handed out later.
      loaded.clear();
      throw e;
    });
  });
  loading = run.catch(() => undefined);
  return run;
}

/** file:line:col of a node in its original source. */
export function where(unit: SourceUnit, node: ts.Node): string {
  const { line, character } = unit.sf.getLineAndCharacterOfPosition(node.getStart(unit.sf));
  return `${unit.file}:${line + 1}:${character + 1}`;
}
