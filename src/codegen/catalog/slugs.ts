/**
 * Unique, file-system and AsyncAPI-key safe slugs for event names (`billing/invoice.paid` ->
 * `billing_invoice.paid`): letters, digits, `.` and `-` kept, everything else `_`, clashes numbered.
 */
export function uniqueSlugs(names: readonly string[]): Map<string, string> {
  const slugs = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of [...new Set(names)].sort()) {
    const base =
      name
        .replace(/[^A-Za-z0-9.-]/g, "_")
        .replace(/^\.+/, "_")
        .slice(0, 180) || "_";
    let slug = base;
    // Compared without case: two pages must not collide on a case-insensitive file system.
    for (let n = 2; taken.has(slug.toLowerCase()); n++) slug = `${base}-${n}`;
    taken.add(slug.toLowerCase());
    slugs.set(name, slug);
  }
  return slugs;
}
