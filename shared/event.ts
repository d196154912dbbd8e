/**
 * The event model: what clients POST (`EventInput`) and what travels on the queue (`Envelope`).
 * One schema for both services, so the API never publishes what the worker would reject.
 *
 * @module
 */

import { z } from "zod";
import type { JsonValue } from "./template.ts";
import { jsonShapeProblem, type Problem, problemsFromZod } from "./validation.ts";

/** Event types: what rules match on; also the RocketMQ tag, so no spaces or `||`. */
export const EVENT_TYPE_PATTERN: RegExp = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Event ids: also the RocketMQ message key, so no whitespace. */
export const EVENT_ID_PATTERN: RegExp = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
/** Longest event type, in characters. */
export const MAX_EVENT_TYPE_LENGTH = 128;
/** Longest event id, in characters. */
export const MAX_EVENT_ID_LENGTH = 128;

const eventType = z.string().min(1).max(MAX_EVENT_TYPE_LENGTH).regex(EVENT_TYPE_PATTERN, {
  error: "must start with a letter or digit and contain only letters, digits, _ . -",
});

const eventId = z.string().min(1).max(MAX_EVENT_ID_LENGTH).regex(EVENT_ID_PATTERN, {
  error: "must start with a letter or digit and contain only letters, digits, _ . : -",
});

const jsonObject = z.record(z.string(), z.json());

/** Schema of a request body: `{type, data, id?}`; unknown keys are rejected. */
export const EventInputSchema = z.strictObject({
  type: eventType,
  data: jsonObject,
  id: eventId.optional(),
});

/** Schema of the envelope on the queue; unknown keys are ignored for forward compatibility. */
export const EnvelopeSchema = z.object({
  id: eventId,
  type: eventType,
  data: jsonObject,
  received_at: z.iso.datetime({ offset: true }),
});

/** A validated request body. */
export interface EventInput {
  /** The event type, matched against the rules' `event_type`. */
  type: string;
  /** The event's payload, a JSON object; templates see it as `$.event`. */
  data: { [key: string]: JsonValue };
  /** The client's id for the event; retries with the same id are the same event. */
  id?: string;
}

/** The message body published to RocketMQ. */
export interface Envelope {
  /** The event id: the client's, or a generated UUID v7. */
  id: string;
  /** The event type. */
  type: string;
  /** The event's payload. */
  data: { [key: string]: JsonValue };
  /** When the API accepted the event, ISO 8601 UTC. */
  received_at: string;
}

/** Either a value or the problems that prevented it. */
export type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/**
 * Validates a parsed request body.
 *
 * @param body The parsed JSON body.
 * @returns The typed input, or every problem with its field.
 */
export function validateEventInput(body: unknown): Validated<EventInput> {
  const shape = jsonShapeProblem(body);
  if (shape) return { ok: false, problems: [shape] };
  const result = EventInputSchema.safeParse(body, { reportInput: true });
  return result.success
    ? { ok: true, value: result.data as EventInput }
    : { ok: false, problems: problemsFromZod(result.error) };
}

/**
 * Parses and validates a message body taken from the queue.
 *
 * @param body The raw message body.
 * @returns The envelope, or every problem (a JSON syntax error is reported for the document).
 */
export function decodeEnvelope(body: Uint8Array | string): Validated<Envelope> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === "string" ? body : new TextDecoder().decode(body));
  } catch (error) {
    return {
      ok: false,
      problems: [{ field: "", message: `body is not JSON: ${(error as Error).message}` }],
    };
  }
  const shape = jsonShapeProblem(parsed);
  if (shape) return { ok: false, problems: [shape] };
  const result = EnvelopeSchema.safeParse(parsed, { reportInput: true });
  return result.success
    ? { ok: true, value: result.data as Envelope }
    : { ok: false, problems: problemsFromZod(result.error) };
}

const UTF8 = new TextEncoder();

/**
 * Serializes an envelope as the message body.
 *
 * @param envelope The envelope.
 * @returns UTF-8 JSON bytes.
 */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return UTF8.encode(JSON.stringify(envelope));
}

/** Options for {@linkcode createEnvelope}. */
export interface CreateEnvelopeOptions {
  /** The acceptance time; defaults to now. */
  now?: Date;
}

/**
 * Wraps a validated input into the envelope that goes on the queue, generating a UUID v7 id when
 * the client sent none.
 *
 * @param input A validated request body.
 * @param options The acceptance time.
 * @returns The envelope.
 */
export function createEnvelope(input: EventInput, options: CreateEnvelopeOptions = {}): Envelope {
  const now = options.now ?? new Date();
  return {
    id: input.id ?? uuidV7(now),
    type: input.type,
    data: input.data,
    received_at: now.toISOString(),
  };
}

/** Two lowercase hex digits of each byte value. */
const HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, b) => b.toString(16).padStart(2, "0"),
);

/**
 * Generates a UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids
 * sort by creation time.
 *
 * @param now The time to embed; defaults to now.
 * @returns The UUID in its canonical lowercase form.
 */
export function uuidV7(now: Date = new Date()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = now.getTime();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  let text = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += "-";
    text += HEX[bytes[i]];
  }
  return text;
}

/**
 * The object templates render against: `$.event` is the event's data, and the envelope's
 * `id`, `type` and `received_at` sit beside it.
 *
 * @param envelope The envelope being delivered.
 * @returns The template root.
 */
export function templateRoot(envelope: Envelope): JsonValue {
  return {
    event: envelope.data,
    id: envelope.id,
    type: envelope.type,
    received_at: envelope.received_at,
  };
}
