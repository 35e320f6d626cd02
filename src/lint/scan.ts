/**
 * The code scan behind `evreg lint`: parses the given paths with ts-morph, finds every place code
 * sends, triggers on, waits for or cancels on an event, checks each against the registry and returns
 * both the Issues and the references themselves (the catalog's producers and consumers).
 */
import path from "node:path";
import type { CallExpression, Project, SourceFile } from "ts-morph";
import type { Issue } from "../errors.ts";
import { checkEventName } from "../naming/event-name.ts";
import { checkIdTemplate } from "../naming/id-template.ts";
import type { EventDefinition, Registry } from "../registry/define.ts";
import type { JsonSchemaObject } from "../registry/json-schema.ts";
import { systemRegistry } from "../registry/system.ts";
import { type CelFinding, type CelScope, checkCelExpression, checkMatchPath, closestName } from "./cel.ts";
import { LintInputError, listSourceFiles } from "./files.ts";
import {
  followConstant,
  propertyValue,
  resolveEventName,
  resolvePayloads,
  resolveString,
  resolveTemplateLoosely,
  unwrap,
} from "./resolve.ts";
import { Node, tsMorph } from "./ts-morph.ts";

export type ReferenceKind = "send" | "trigger" | "wait" | "cancel";

/** One place in code that names an event. */
export interface EventReference {
  kind: ReferenceKind;
  /** The event name (a trigger may be a wildcard pattern such as `app/user.*`). */
  event: string;
  file: string;
  line: number;
  column: number;
  /** The `id` of the enclosing `createFunction`, when there is one. */
  functionId?: string;
  /**
   * The innermost named function, method or variable the reference sits in (`sendInvoice`,
   * `Billing.charge`, `onboarding`), when there is one: names the place without its line, which
   * any edit above it moves.
   */
  scope?: string;
}

export interface ScanResult {
  /** Files scanned, relative to the working directory. */
  files: string[];
  /** Producers: `inngest.send(...)` and `step.sendEvent(...)`. */
  sends: EventReference[];
  /** Consumers: `createFunction` triggers. */
  triggers: EventReference[];
  /** `step.waitForEvent(...)`. */
  waits: EventReference[];
  /** `cancelOn` entries. */
  cancels: EventReference[];
  issues: Issue[];
}

export interface ScanOptions {
  /** Paths in Issues are relative to this folder (default: the process's working directory). */
  cwd?: string;
}

/**
 * A project that resolves only the app's own (relative) imports. Packages stay unresolved: their
 * types (inngest pulls in hundreds of declaration files) are not needed to read event names, and
 * skipping them makes the scan several times faster.
 */
function createProject(): Project {
  const { Project, ts } = tsMorph();
  return new Project({
    compilerOptions: {
      allowJs: true,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2023.d.ts"],
      types: [],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      jsx: ts.JsxEmit.Preserve,
    },
    skipAddingFilesFromTsConfig: true,
    resolutionHost: (host, getCompilerOptions) => ({
      resolveModuleNames: (moduleNames, containingFile) =>
        moduleNames.map((name) =>
          /^\.{0,2}\//.test(name)
            ? ts.resolveModuleName(name, containingFile, getCompilerOptions(), host).resolvedModule
            : undefined,
        ),
    }),
  });
}

function parseErrors(project: Project, sourceFiles: readonly SourceFile[], cwd: string): Issue[] {
  const program = project.getProgram();
  return sourceFiles.flatMap((sourceFile) => {
    const [first] = program.getSyntacticDiagnostics(sourceFile);
    if (!first) return [];
    const start = first.getStart() ?? 0;
    const { line, column } = sourceFile.getLineAndColumnAtPos(start);
    const message = first.getMessageText();
    return [
      {
        rule: "lint/parse",
        severity: "error" as const,
        file: path.relative(cwd, sourceFile.getFilePath()),
        line,
        column,
        message: `the file does not parse: ${typeof message === "string" ? message : message.getMessageText()}`,
        fix: "fix the syntax error (tsc reports the same), or leave the file out of the lint paths",
      },
    ];
  });
}

/** The name a declaration gives what it declares, with its class's name for a class member. */
function declaredName(node: Node): string | undefined {
  let name: string | undefined;
  if (Node.isConstructorDeclaration(node)) name = "constructor";
  else if (Node.isFunctionDeclaration(node) || Node.isFunctionExpression(node)) name = node.getName();
  else if (
    Node.isVariableDeclaration(node) ||
    Node.isPropertyAssignment(node) ||
    Node.isPropertyDeclaration(node) ||
    Node.isMethodDeclaration(node) ||
    Node.isGetAccessorDeclaration(node) ||
    Node.isSetAccessorDeclaration(node)
  ) {
    const nameNode = node.getNameNode();
    if (Node.isIdentifier(nameNode) || Node.isPrivateIdentifier(nameNode)) name = nameNode.getText();
    else if (Node.isStringLiteral(nameNode)) name = nameNode.getLiteralText();
  }
  if (name === undefined) return undefined;
  const owner = node.getParent();
  const className = Node.isClassDeclaration(owner) || Node.isClassExpression(owner) ? owner.getName() : undefined;
  return className === undefined ? name : `${className}.${name}`;
}

/**
 * `EventReference.scope`: the nearest function with a name (its own, or that of the variable,
 * property or class member it is assigned to), else the outermost variable the reference sits in,
 * such as `export const onboarding = inngest.createFunction(...)`.
 */
function scopeOf(node: Node): string | undefined {
  let variable: string | undefined;
  for (let at = node.getParent(); at !== undefined; at = at.getParent()) {
    if (Node.isFunctionLikeDeclaration(at) || Node.isFunctionExpression(at)) {
      const name = declaredName(at) ?? declaredName(at.getParentOrThrow());
      if (name !== undefined) return name;
    }
    if (Node.isVariableDeclaration(at)) variable = declaredName(at) ?? variable;
  }
  return variable;
}

interface FunctionInfo {
  id: string | undefined;
  /** Trigger event names; undefined when some trigger could not be resolved. */
  triggers: string[] | undefined;
}

/** Scans one project; see `scanProject`. */
class Scanner {
  readonly result: ScanResult = { files: [], sends: [], triggers: [], waits: [], cancels: [], issues: [] };
  private readonly functions = new Map<CallExpression, FunctionInfo>();
  private readonly names: string[];

  constructor(
    private readonly registry: Registry,
    private readonly cwd: string,
  ) {
    this.names = registry.events.map((event) => event.name);
  }

  private where(node: Node): Pick<Issue, "file" | "line" | "column"> {
    const sourceFile = node.getSourceFile();
    const { line, column } = sourceFile.getLineAndColumnAtPos(node.getStart());
    return { file: path.relative(this.cwd, sourceFile.getFilePath()), line, column };
  }

  private report(node: Node, issue: Omit<Issue, "file" | "line" | "column">): void {
    this.result.issues.push({ ...issue, ...this.where(node) });
  }

  private definition(name: string): EventDefinition | undefined {
    return this.registry.get(name) ?? systemRegistry.get(name);
  }

  private schemasOf(name: string | undefined): JsonSchemaObject[] | undefined {
    const definition = name === undefined ? undefined : this.definition(name);
    return definition?.versions.map((version) => version.dataSchema);
  }

  private matchesSomeEvent(pattern: string): boolean {
    const prefix = pattern.slice(0, -1);
    return [...this.names, ...systemRegistry.events.map((event) => event.name)].some((name) => name.startsWith(prefix));
  }

  /** Records a reference and checks the name; returns the definition when the registry has it. */
  private reference(
    kind: ReferenceKind,
    name: string | undefined,
    node: Node,
    functionId: string | undefined,
  ): EventDefinition | undefined {
    const what = { send: "sent event", trigger: "trigger", wait: "awaited event", cancel: "cancelOn event" }[kind];
    if (name === undefined) {
      this.report(node, {
        rule: "code/unresolved",
        severity: "info",
        message: `the name of this ${what} cannot be resolved statically, so it is not checked`,
        fix: "use a string literal, a const, an eventType object or a generated helper",
      });
      return undefined;
    }
    const list = {
      send: this.result.sends,
      trigger: this.result.triggers,
      wait: this.result.waits,
      cancel: this.result.cancels,
    }[kind];
    const scope = scopeOf(node);
    list.push({
      kind,
      event: name,
      ...(this.where(node) as Required<Pick<Issue, "file" | "line" | "column">>),
      ...(functionId ? { functionId } : {}),
      ...(scope !== undefined ? { scope } : {}),
    });

    const context = kind === "send" ? "send" : kind === "trigger" ? "trigger" : "registry";
    const definition = kind === "send" ? this.registry.get(name) : this.definition(name);
    const wildcard = kind === "trigger" && name.endsWith("*");
    if (definition === undefined && !(wildcard && this.matchesSomeEvent(name))) {
      const nameIssues = checkEventName(name, { context });
      const reserved = nameIssues.some((issue) => issue.rule === "name/reserved-prefix");
      if (!reserved) {
        this.report(node, {
          rule: "code/unknown-event",
          severity: "error",
          event: name,
          message: `the registry has no event ${name}`,
          fix:
            this.names.length > 0
              ? `did you mean "${closestName(name, this.names)}"? Otherwise declare it with defineEvent in the schemas`
              : "declare it with defineEvent in the schemas",
        });
      }
      for (const issue of nameIssues) this.report(node, issue);
      return undefined;
    }
    if (definition?.deprecated) {
      const { since, reason, replacedBy } = definition.deprecated;
      this.report(node, {
        rule: "code/deprecated-event",
        severity: "error",
        event: name,
        message: `${name} is deprecated since ${since}: ${reason}`,
        fix: replacedBy ? `use ${replacedBy} instead` : "stop using it; see the deprecation reason",
      });
    }
    return definition;
  }

  private celIssues(node: Node, findings: readonly CelFinding[], exact: boolean, event: string | undefined): void {
    const literal = unwrap(node);
    const singleLine =
      exact &&
      (Node.isStringLiteral(literal) || Node.isNoSubstitutionTemplateLiteral(literal)) &&
      !literal.getText().includes("\\");
    for (const finding of findings) {
      const start = singleLine ? literal.getStart() + 1 + finding.offset : literal.getStart();
      const sourceFile = node.getSourceFile();
      const { line, column } = sourceFile.getLineAndColumnAtPos(start);
      this.result.issues.push({
        rule: finding.rule,
        severity: "error",
        message: finding.message,
        ...(finding.fix ? { fix: finding.fix } : {}),
        ...(event ? { event } : {}),
        file: path.relative(this.cwd, sourceFile.getFilePath()),
        line,
        column,
        ...(finding.path ? { path: finding.path } : {}),
      });
    }
  }

  /** Checks an `if` expression (resolved statically, or with its run-time parts stubbed). */
  private checkIf(node: Node, scope: CelScope, event: string | undefined): void {
    const resolved = resolveTemplateLoosely(node);
    if (!resolved) {
      this.report(node, {
        rule: "code/unresolved",
        severity: "info",
        message: "this expression is built at run time, so it is not checked",
        fix: "use a string literal or a template literal of constants",
      });
      return;
    }
    const findings = checkCelExpression(resolved.text, scope);
    if (!resolved.exact && findings.some((finding) => finding.rule === "code/invalid-expression")) {
      this.report(node, {
        rule: "code/unresolved",
        severity: "info",
        message: "this expression is built at run time and could not be checked",
        fix: "use a string literal or a template literal of constants",
      });
      return;
    }
    this.celIssues(node, findings, resolved.exact, event);
  }

  private checkMatch(node: Node, scope: CelScope, event: string | undefined): void {
    const match = resolveString(node);
    if (match === undefined) {
      this.report(node, {
        rule: "code/unresolved",
        severity: "info",
        message: "this match path cannot be resolved statically",
        fix: 'use a literal such as "data.userId"',
      });
      return;
    }
    this.celIssues(node, checkMatchPath(match, scope), true, event);
  }

  private functionScope(info: FunctionInfo | undefined): JsonSchemaObject[] | undefined {
    if (!info?.triggers || info.triggers.length === 0) return undefined;
    const schemas = info.triggers.map((trigger) => this.schemasOf(trigger));
    return schemas.every((list) => list !== undefined) ? schemas.flat() : undefined;
  }

  /** `{ event, if, match }` of waitForEvent and cancelOn. */
  private checkAwaited(kind: "wait" | "cancel", options: Node, info: FunctionInfo | undefined): void {
    if (!Node.isObjectLiteralExpression(options)) {
      this.reference(kind, resolveEventName(options), options, info?.id);
      return;
    }
    const eventNode = propertyValue(options, "event");
    const name = eventNode ? resolveEventName(eventNode) : undefined;
    const definition = this.reference(kind, name, eventNode ?? options, info?.id);
    const scope: CelScope = {
      event: this.functionScope(info),
      async: definition?.versions.map((version) => version.dataSchema),
      variables: ["event", "async"],
    };
    const condition = propertyValue(options, "if");
    if (condition) this.checkIf(condition, scope, name);
    const match = propertyValue(options, "match");
    if (match) this.checkMatch(match, scope, name);
  }

  private checkSend(payloadNode: Node, functionId: string | undefined): void {
    for (const payload of resolvePayloads(payloadNode)) {
      const definition = this.reference("send", payload.name, payload.node, functionId);
      if (definition?.versioned && payload.hasV === false) {
        this.report(payload.node, {
          rule: "code/unversioned-send",
          severity: "error",
          event: definition.name,
          message: `${definition.name} has versions but this send sets no v, so readers cannot tell which schema it follows`,
          fix: `add v: "${definition.latest}" (the latest version), or send through the generated helper`,
        });
      }
      if (payload.id && payload.name) this.checkId(payload.id, payload.name);
    }
  }

  /** An id expression as a template: literals stay, anything computed becomes `${...}`. */
  private checkId(node: Node, event: string): void {
    const value = unwrap(node);
    const constant = resolveString(value);
    let template: string | undefined;
    if (constant !== undefined) template = constant;
    else if (Node.isTemplateExpression(value)) {
      template =
        value.getHead().getLiteralText() +
        value
          .getTemplateSpans()
          .map((span) => `\${${span.getExpression().getText()}}${span.getLiteral().getLiteralText()}`)
          .join("");
    } else if (Node.isIdentifier(value) || Node.isPropertyAccessExpression(value)) {
      template = `\${${value.getText()}}`;
    }
    if (template === undefined) return;
    for (const issue of checkIdTemplate(template, event)) this.report(node, issue);
  }

  /** The createFunction call: id, triggers (v4 `triggers` or v3 second argument), cancelOn. */
  private functionInfo(call: CallExpression): FunctionInfo {
    const cached = this.functions.get(call);
    if (cached) return cached;
    const [config, second, third] = call.getArguments();
    const options = config && unwrap(config);
    const idNode = options && propertyValue(options, "id");
    const id = idNode ? resolveString(idNode) : undefined;
    const triggerNode = (options && propertyValue(options, "triggers")) ?? (third ? second : undefined);
    const entries = triggerNode ? triggerEntries(unwrap(triggerNode)) : [];
    let resolved = true;
    const triggers: string[] = [];
    for (const entry of entries) {
      const eventNode = Node.isObjectLiteralExpression(entry) ? propertyValue(entry, "event") : entry;
      if (Node.isObjectLiteralExpression(entry) && !eventNode) {
        if (entry.getProperty("cron") === undefined) resolved = false;
        continue;
      }
      if (!eventNode) continue;
      const name = resolveEventName(eventNode);
      const definition = this.reference("trigger", name, eventNode, id);
      if (name === undefined) resolved = false;
      else triggers.push(name);
      const condition = Node.isObjectLiteralExpression(entry) ? propertyValue(entry, "if") : undefined;
      if (condition) {
        this.checkIf(
          condition,
          { event: definition?.versions.map((version) => version.dataSchema), variables: ["event"] },
          name,
        );
      }
    }
    const info: FunctionInfo = {
      id,
      triggers: resolved && !triggers.some((name) => name.includes("*")) ? triggers : undefined,
    };
    this.functions.set(call, info);
    const cancelOn = options && propertyValue(options, "cancelOn");
    if (cancelOn) {
      const list = unwrap(cancelOn);
      for (const entry of Node.isArrayLiteralExpression(list) ? list.getElements() : [list])
        this.checkAwaited("cancel", unwrap(entry), info);
    }
    return info;
  }

  /** The createFunction call whose handler contains `node`. */
  private enclosingFunction(node: Node): FunctionInfo | undefined {
    for (const ancestor of node.getAncestors()) {
      if (Node.isCallExpression(ancestor) && methodName(ancestor) === "createFunction")
        return this.functionInfo(ancestor);
    }
    return undefined;
  }

  /** `inngest.send`, or any receiver that is a `new Inngest(...)` (followed through consts and imports). */
  private isClient(receiver: Node): boolean {
    if (/inngest/i.test(receiver.getText())) return true;
    const initializer =
      Node.isIdentifier(receiver) || Node.isPropertyAccessExpression(receiver) ? followConstant(receiver) : undefined;
    const created = initializer && unwrap(initializer);
    return Node.isNewExpression(created) && /(^|\.)Inngest$/.test(created.getExpression().getText());
  }

  visit(call: CallExpression): void {
    const method = methodName(call);
    const args = call.getArguments();
    const callee = call.getExpression();
    switch (method) {
      case "createFunction":
        this.functionInfo(call);
        return;
      case "send":
        if (args[0] && Node.isPropertyAccessExpression(callee) && this.isClient(callee.getExpression())) {
          this.checkSend(args[0], this.enclosingFunction(call)?.id);
        }
        return;
      case "sendEvent":
        if (args[1]) this.checkSend(args[1], this.enclosingFunction(call)?.id);
        return;
      case "waitForEvent":
        if (args[1]) this.checkAwaited("wait", unwrap(args[1]), this.enclosingFunction(call));
        return;
    }
  }
}

function methodName(call: CallExpression): string | undefined {
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
}

function triggerEntries(node: Node): Node[] {
  return Node.isArrayLiteralExpression(node) ? node.getElements().map(unwrap) : [node];
}

/** Issues in reading order: file, line, column, rule. */
export const byPosition = (a: Issue, b: Issue): number =>
  (a.file ?? "").localeCompare(b.file ?? "") ||
  (a.line ?? 0) - (b.line ?? 0) ||
  (a.column ?? 0) - (b.column ?? 0) ||
  a.rule.localeCompare(b.rule);

/**
 * Scans `paths` (files or folders; default `src`) for event sends, triggers, waits and cancels, and
 * checks them against `registry`. Throws LintInputError for missing paths and unparsable files.
 */
export function scanProject(paths: readonly string[], registry: Registry, options: ScanOptions = {}): ScanResult {
  const cwd = options.cwd ?? process.cwd();
  const files = listSourceFiles(paths.length > 0 ? paths : ["src"], cwd);
  const { ts } = tsMorph();
  const project = createProject();
  const sourceFiles = files.map((file) => project.addSourceFileAtPath(file));
  const broken = parseErrors(project, sourceFiles, cwd);
  if (broken.length > 0) throw new LintInputError("Cannot lint: some files do not parse:", broken);
  const scanner = new Scanner(registry, cwd);
  scanner.result.files = files.map((file) => path.relative(cwd, file));
  for (const sourceFile of sourceFiles) {
    for (const call of sourceFile.getDescendantsOfKind(ts.SyntaxKind.CallExpression)) scanner.visit(call);
  }
  scanner.result.issues.sort(byPosition);
  return scanner.result;
}
