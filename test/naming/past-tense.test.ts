import { describe, expect, it } from "vitest";
import { isPastTense, toPastTense } from "../../src/naming/past-tense.ts";

const past = [
  // regular
  "created",
  "shipped",
  "paid",
  "completed",
  "placed",
  "updated",
  "reserved",
  "received",
  "requested",
  "failed",
  "finished",
  "cancelled",
  "synced",
  "succeeded",
  "verified",
  "logged",
  "upserted",
  // irregular, from compromise's tables
  "sent",
  "built",
  "drawn",
  "run",
  "held",
  "won",
  "began",
  "begun",
  "went",
  "gone",
  "seen",
  "thought",
  "swum",
  "struck",
  "fed",
  "led",
  "read",
  "set",
  "put",
  "reset",
  "rebuilt",
  "undone",
];
const notPast = [
  "send",
  "create",
  "add",
  "sync",
  "pay",
  "build",
  "draw",
  "hold",
  "win",
  "feed",
  "breed",
  "need",
  "succeed",
  "proceed",
  "timer",
  "checkout",
  "signup",
  "sending",
  "sends",
  "pending",
  "ready",
  "",
  "Sent!",
  "x",
];

describe("isPastTense", () => {
  it.each(past)("%s is past", (word) => expect(isPastTense(word)).toBe(true));
  it.each(notPast)("%j is not past", (word) => expect(isPastTense(word)).toBe(false));
  it("ignores case", () => expect(isPastTense("Shipped")).toBe(true));
});

describe("toPastTense", () => {
  it.each([
    ["send", "sent"],
    ["create", "created"],
    ["add", "added"],
    ["build", "built"],
    ["sends", "sent"],
    ["paid", "paid"],
  ])("%s -> %s", (word, expected) => expect(toPastTense(word)).toBe(expected));
  it.each(["timer", "sync", "", "a-b"])("%j has no confident suggestion", (word) =>
    expect(toPastTense(word)).toBeUndefined());
});
