/**
 * The fan-out graph: producer code -> event -> handler function -> events the handler sends.
 * Built from CatalogLinks, laid out with elkjs (layered) at generation time, and written as a
 * static SVG, so the page needs no script and no network to show it. elkjs loads on the first layout.
 */

import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";
import { escapeHtml } from "./html.ts";
import { type CatalogLinks, type CatalogPlace, placeLabel } from "./links.ts";

export type GraphNodeKind = "file" | "event" | "function";
export type GraphEdgeKind = "sends" | "triggers" | "waits";

export interface GraphNode {
  /** `file:<path>`, `event:<name>` or `function:<id>`. */
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** Whether an event node names an event the registry declares. */
  known?: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: GraphEdgeKind;
}

export interface FanOutGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const eventNode = (name: string) => `event:${name}`;
const functionNode = (trigger: { functionId?: string } & CatalogPlace) =>
  `function:${trigger.functionId ?? placeLabel(trigger)}`;

/** Every node and edge the links describe; `known` tells which event names the registry declares. */
export function buildFanOutGraph(links: CatalogLinks, known: (event: string) => boolean): FanOutGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const addEvent = (name: string) => {
    const id = eventNode(name);
    if (!nodes.has(id)) nodes.set(id, { id, kind: "event", label: name, known: known(name) });
    return id;
  };
  const addFunction = (trigger: { functionId?: string } & CatalogPlace) => {
    const id = functionNode(trigger);
    if (!nodes.has(id)) {
      nodes.set(id, { id, kind: "function", label: trigger.functionId ?? placeLabel(trigger) });
    }
    return id;
  };
  const addEdge = (from: string, to: string, kind: GraphEdgeKind) => {
    const key = `${from}->${to}`;
    if (!edges.has(key)) edges.set(key, { from, to, kind });
  };
  for (const send of links.sends) {
    let from: string;
    if (send.functionId !== undefined) {
      from = addFunction(send);
    } else {
      from = `file:${send.file}`;
      if (!nodes.has(from)) nodes.set(from, { id: from, kind: "file", label: send.file });
    }
    addEdge(from, addEvent(send.event), "sends");
  }
  for (const trigger of links.triggers) {
    const handler = addFunction(trigger);
    addEdge(addEvent(trigger.event), handler, "triggers");
    for (const sent of trigger.sendsFromHandler ?? []) addEdge(handler, addEvent(sent), "sends");
  }
  for (const wait of links.waits ?? []) {
    addEdge(addEvent(wait.event), addFunction(wait), "waits");
  }
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    nodes: [...nodes.values()].sort(byId),
    edges: [...edges.values()].sort((a, b) => byId({ id: `${a.from}->${a.to}` }, { id: `${b.from}->${b.to}` })),
  };
}

/**
 * The part of the graph around one event: who sends it, what handles (or waits for) it, and what
 * those handlers send in turn.
 */
export function neighbourhood(graph: FanOutGraph, event: string): FanOutGraph {
  const center = eventNode(event);
  const handlers = new Set(graph.edges.filter((edge) => edge.from === center).map((edge) => edge.to));
  const edges = graph.edges.filter(
    (edge) => edge.to === center || edge.from === center || (handlers.has(edge.from) && edge.kind === "sends"),
  );
  const ids = new Set(edges.flatMap((edge) => [edge.from, edge.to]));
  return { nodes: graph.nodes.filter((node) => ids.has(node.id)), edges };
}

const CHAR_WIDTH = 7.3;
const NODE_HEIGHT = 30;
const PADDING_X = 12;
const round = (value: number | undefined) => Math.round((value ?? 0) * 10) / 10;

type Elk = { layout(graph: ElkNode): Promise<ElkNode> };
let elk: Elk | undefined;

async function createElk(): Promise<Elk> {
  const { default: ElkModule } = await import("elkjs/lib/elk.bundled.js");
  const ElkConstructor = ((ElkModule as unknown as { default?: unknown }).default ?? ElkModule) as new () => Elk;
  return new ElkConstructor();
}

/**
 * Lays the graph out with elkjs and returns a self-contained SVG. `href(event)` gives the link of
 * an event node (relative to the page the SVG sits in); edges and nodes carry `data-` attributes
 * naming them, for tests and for styling.
 */
export async function renderGraphSvg(graph: FanOutGraph, href: (event: string) => string | undefined): Promise<string> {
  elk ??= await createElk();
  const edgeId = (edge: GraphEdge) => `${edge.from}->${edge.to}`;
  const laid = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.edgeRouting": "POLYLINE",
      "elk.layered.spacing.nodeNodeBetweenLayers": "48",
      "elk.spacing.nodeNode": "14",
      "elk.padding": "[top=10,left=10,bottom=10,right=10]",
    },
    children: graph.nodes.map((node) => ({
      id: node.id,
      width: Math.ceil(node.label.length * CHAR_WIDTH + 2 * PADDING_X),
      height: NODE_HEIGHT,
    })),
    edges: graph.edges.map((edge): ElkExtendedEdge => ({ id: edgeId(edge), sources: [edge.from], targets: [edge.to] })),
  });
  const placed = new Map((laid.children ?? []).map((child) => [child.id, child]));
  const routes = new Map((laid.edges ?? []).map((edge) => [edge.id, edge as ElkExtendedEdge]));
  const width = Math.ceil(laid.width ?? 0);
  const height = Math.ceil(laid.height ?? 0);

  const edgeSvg = graph.edges.map((edge) => {
    const section = routes.get(edgeId(edge))?.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    const d = points.map((point, index) => `${index === 0 ? "M" : "L"}${round(point.x)} ${round(point.y)}`).join(" ");
    return `<path class="edge edge-${edge.kind}" data-edge="${escapeHtml(edgeId(edge))}" data-kind="${edge.kind}" d="${d}" marker-end="url(#arrow)"/>`;
  });
  const nodeSvg = graph.nodes.map((node) => {
    const box = placed.get(node.id);
    const x = round(box?.x);
    const y = round(box?.y);
    const w = round(box?.width);
    const link = node.kind === "event" ? href(node.label) : undefined;
    const classes = `node node-${node.kind}${node.kind === "event" && !node.known ? " node-unknown" : ""}`;
    const shape = `<rect x="${x}" y="${y}" width="${w}" height="${NODE_HEIGHT}" rx="${node.kind === "event" ? 15 : 4}"/><text x="${round(x + w / 2)}" y="${round(y + NODE_HEIGHT / 2 + 4)}">${escapeHtml(node.label)}</text>`;
    const body = link ? `<a href="${escapeHtml(link)}">${shape}</a>` : shape;
    return `<g class="${classes}" data-node="${escapeHtml(node.id)}">${body}</g>`;
  });
  return [
    `<svg class="fanout" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Fan-out graph: ${graph.nodes.length} nodes, ${graph.edges.length} edges">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"/></marker></defs>`,
    ...edgeSvg,
    ...nodeSvg,
    "</svg>",
  ].join("\n");
}
