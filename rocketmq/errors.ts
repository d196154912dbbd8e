/**
 * Errors of the local RocketMQ tooling.
 *
 * @module
 */

/**
 * A failure whose message is one user-presentable sentence saying what is wrong and what to do.
 * Callers print the message only, never the stack.
 */
export class BrokerError extends Error {
  /** Creates an error with a one-sentence, lowercase-start message. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BrokerError";
  }
}
