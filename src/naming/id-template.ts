/**
 * `id/generic`: dedup ids must be unique per event type and instance. Inngest drops every event whose
 * id it saw in the last 24 hours, so an id that is a bare field (`${customerId}`) or a constant
 * (`"user-action"`) silently swallows other events.
 */
import type { Issue } from "../errors.ts";

const PLACEHOLDER = /\$\{[^}]*\}/g;

/** The id with every placeholder blanked: templates of the same shape produce the same ids. */
function templateShape(template: string): string {
  return template.replace(PLACEHOLDER, "${}");
}

/** A suggested id prefix for an event: `billing/invoice.paid` -> `invoice-paid`. */
export function idPrefixFor(event: string): string {
  const action = event.slice(event.lastIndexOf("/") + 1);
  return (
    action
      .replace(/[^A-Za-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .toLowerCase() || "event"
  );
}

function fixFor(template: string, event: string): string {
  const placeholders = template.match(PLACEHOLDER) ?? ["${someId}"];
  return `prefix it with the event, e.g. "${idPrefixFor(event)}-${placeholders.join("-")}"`;
}

/** `${invoiceId}` or `"user-action"`: an id template that says nothing about its event type. */
export function checkIdTemplate(template: string, event: string): Issue[] {
  const literal = template.replace(PLACEHOLDER, "").replace(/[\s\-_:./#|]/g, "");
  const hasPlaceholder = PLACEHOLDER.test(template);
  PLACEHOLDER.lastIndex = 0;
  if (hasPlaceholder && literal !== "") return [];
  return [
    {
      rule: "id/generic",
      severity: "error",
      event,
      message: hasPlaceholder
        ? `id "${template}" is a bare field value; another event type with the same value would be dropped as a duplicate`
        : `id "${template}" is a constant; every event after the first in 24 hours would be dropped as a duplicate`,
      fix: fixFor(template, event),
    },
  ];
}

/** Every template on its own, then templates of the same shape shared by different event types. */
export function checkIdTemplates(events: readonly { name: string; idTemplate?: string | undefined }[]): Issue[] {
  const issues: Issue[] = [];
  const byShape = new Map<string, string[]>();
  for (const { name, idTemplate } of events) {
    if (idTemplate === undefined) continue;
    const own = checkIdTemplate(idTemplate, name);
    issues.push(...own);
    if (own.length > 0) continue;
    const shape = templateShape(idTemplate);
    byShape.set(shape, [...(byShape.get(shape) ?? []), name]);
  }
  for (const { name, idTemplate } of events) {
    if (idTemplate === undefined) continue;
    const others = (byShape.get(templateShape(idTemplate)) ?? []).filter((other) => other !== name);
    if (others.length === 0) continue;
    issues.push({
      rule: "id/generic",
      severity: "error",
      event: name,
      message: `id template "${idTemplate}" has the same shape as the one of ${others.join(", ")}; their ids collide`,
      fix: fixFor(idTemplate, name),
    });
  }
  return issues;
}
