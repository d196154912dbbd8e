/**
 * notify's RocketMQ clients: the API's publisher and the worker's consumers, with the options,
 * logging and startup diagnostics they share.
 *
 * @module
 */

export * from "./client_options.ts";
export * from "./errors.ts";
export * from "./producer.ts";
export * from "./connect.ts";
export * from "./push_consumer.ts";
export * from "./clients.ts";
