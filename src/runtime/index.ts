/** evreg/runtime: validated sends, dedup stores, the fan-out bus and the Inngest middleware. */

export type { Activity, FunctionHandle, Runtime, RuntimeOptions } from "./bus.ts";
export { createRuntime } from "./bus.ts";
export type { Clock, ManualClock } from "./clock.ts";
export { manualClock, systemClock } from "./clock.ts";
export type { MemoryStore, MemoryStoreOptions } from "./dedup/memory.ts";
export { memoryStore } from "./dedup/memory.ts";
export type { RedisStoreOptions } from "./dedup/redis.ts";
export { redisStore } from "./dedup/redis.ts";
export type { SqliteStoreOptions } from "./dedup/sqlite.ts";
export { sqliteStore } from "./dedup/sqlite.ts";
export type { ClaimState, DedupStore, StoreOptions } from "./dedup/store.ts";
export { DedupStoreError } from "./dedup/store.ts";
export type { Duration } from "./duration.ts";
export { durationMs } from "./duration.ts";
export type { GatewayApp, GatewayAppOptions, GatewayState } from "./gateway/app.ts";
export { createGatewayApp } from "./gateway/app.ts";
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, DEFAULT_UPSTREAM_TIMEOUT_MS } from "./gateway/defaults.ts";
export type { Answer, Deliver, DeliveryRequest, LocalRuntime, UpstreamDeliveryOptions } from "./gateway/deliver.ts";
export { deliverLocally, deliverUpstream } from "./gateway/deliver.ts";
export { createEventKeyCheck, EventKeyFileError, parseEventKeys } from "./gateway/event-keys.ts";
export { registerHandlersModule } from "./gateway/handlers-module.ts";
export type { RunningGateway, StartGatewayOptions } from "./gateway/server.ts";
export { startGateway } from "./gateway/server.ts";
export type { StoreSpec } from "./gateway/store-spec.ts";
export { describeStore, openStore, parseStoreSpec } from "./gateway/store-spec.ts";
export type { EvregMiddlewareOptions } from "./inngest.ts";
export { evregMiddleware } from "./inngest.ts";
export {
  DEDUP_WINDOW_MS,
  DEFAULT_MAX_EVENT_BYTES,
  MAX_EVENT_BYTES_CEILING,
  MAX_EVENTS_PER_SEND,
  MAX_NAME_LENGTH,
  RESERVED_PREFIX,
} from "./limits.ts";
export type { EnvelopeError } from "./payload-issues.ts";
export type {
  CancelOn,
  EventMap,
  FunctionOptions,
  Handler,
  HandlerContext,
  PinnedEvent,
  PinnedTrigger,
  ReceivedEvent,
  RuntimeEventMap,
  RuntimeTrigger,
  SendableEvent,
  SendResult,
  SerializedError,
  StepTools,
  SystemEventMap,
  Trigger,
  TriggeredEvent,
  TriggerName,
  TriggersEvent,
  VersionedSendableEvent,
  VersionMap,
  WaitForEventOptions,
} from "./types.ts";
export type {
  EventAtVersion,
  Route,
  StoredEvent,
  VersionedEvent,
  VersionRouter,
} from "./upcast.ts";
export { createVersionRouter, upcast, VersionMismatchError } from "./upcast.ts";
export type {
  EnvelopeValidator,
  EventValidator,
  EventValidatorOptions,
  PrecompiledValidators,
  ValidatedEvent,
} from "./validate.ts";
export { createEventValidator } from "./validate.ts";
