/**
 * A notification rule's HTTP request as a template: URL, headers and body parsed once at config
 * load, rendered per event into a request ready for `fetch`.
 *
 * @module
 */

import type { Envelope } from "./event.ts";
import { templateRoot } from "./event.ts";
import {
  type JsonValue,
  parseStringTemplate,
  parseValueTemplate,
  RenderError,
  renderString,
  renderValue,
  type StringTemplate,
  TemplateSyntaxError,
  type ValueTemplate,
} from "./template.ts";

/** HTTP methods a rule may use. */
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** One of {@linkcode HTTP_METHODS}. */
export type HttpMethod = typeof HTTP_METHODS[number];

/** The request part of a rule, as written in config.json. */
export interface RequestSpec {
  /** HTTP method. */
  http_method: HttpMethod;
  /** Absolute http(s) URL template; placeholder values are percent-encoded. */
  http_url: string;
  /** Header name to value template. */
  headers: Record<string, string>;
  /** JSON body template; absent means no body. */
  body?: JsonValue;
}

/** A parsed {@linkcode RequestSpec}. */
export interface RequestTemplate {
  /** HTTP method. */
  method: HttpMethod;
  /** URL template. */
  url: StringTemplate;
  /** Header names and value templates, in config order. */
  headers: [string, StringTemplate][];
  /** Body template, if the rule has a body. */
  body?: ValueTemplate;
}

/** A rendered request, ready for `fetch`. */
export interface RenderedRequest {
  /** HTTP method. */
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  /** Header names to values; `Content-Type: application/json` is added for a body without one. */
  headers: Record<string, string>;
  /** JSON text of the body, if any. */
  body?: string;
}

/** RFC 9110 token: what a header name may consist of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Characters a header value must never carry: they would end the header or the head. */
const HEADER_BREAK = /[\r\n\0]/;
/** Header values are bytes; fetch refuses characters that do not fit in one. */
const NOT_LATIN1 = /[\u0100-\uffff]/;

/**
 * Parses a rule's request templates, checking everything that can be checked before an event
 * arrives: placeholder syntax, header names, literal header text, and that the URL is an
 * absolute http(s) URL once placeholders are filled.
 *
 * @param spec The request part of a rule.
 * @returns The parsed template.
 * @throws {TemplateSyntaxError} With `path` naming the field, e.g. `["headers", "X-Id"]`.
 */
export function parseRequestTemplate(spec: RequestSpec): RequestTemplate {
  const url = at(["http_url"], () => parseStringTemplate(spec.http_url));
  const sample = url.parts.map((part) => typeof part === "string" ? part : "x").join("");
  if (!isHttpUrl(sample)) {
    throw new TemplateSyntaxError(
      `must be an absolute http(s) URL, got ${JSON.stringify(spec.http_url)}`,
      ["http_url"],
    );
  }
  const headers: [string, StringTemplate][] = [];
  for (const [name, value] of Object.entries(spec.headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new TemplateSyntaxError(
        `invalid header name ${JSON.stringify(name)}`,
        ["headers", name],
      );
    }
    if (HEADER_BREAK.test(value)) {
      throw new TemplateSyntaxError("must not contain CR, LF or NUL", ["headers", name]);
    }
    if (NOT_LATIN1.test(value)) {
      throw new TemplateSyntaxError(
        `must contain only Latin-1 characters, got ${JSON.stringify(value)}`,
        ["headers", name],
      );
    }
    headers.push([name, at(["headers", name], () => parseStringTemplate(value))]);
  }
  if (spec.body !== undefined && spec.http_method === "GET") {
    throw new TemplateSyntaxError("a GET request cannot carry a body", ["body"]);
  }
  const body = spec.body === undefined ? undefined : parseBody(spec.body);
  return { method: spec.http_method, url, headers, body };
}

function parseBody(body: JsonValue): ValueTemplate {
  try {
    return parseValueTemplate(body);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) {
      throw new TemplateSyntaxError(error.message, ["body", ...error.path]);
    }
    throw error;
  }
}

function at<T>(path: (string | number)[], parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw new TemplateSyntaxError(error.message, path);
    throw error;
  }
}

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

/**
 * Renders a rule's request for one event.
 *
 * @param template The parsed request template.
 * @param envelope The event being delivered; templates see its data as `$.event`.
 * @returns The request.
 * @throws {RenderError} When a definite path selects nothing, the URL is not an http(s) URL, or a
 * header value would contain CR, LF or NUL. Retrying cannot fix any of these.
 */
export function renderRequest(template: RequestTemplate, envelope: Envelope): RenderedRequest {
  const root = templateRoot(envelope);
  const url = renderString(template.url, root, { encode: encodeURIComponent });
  if (!isHttpUrl(url)) {
    throw new RenderError(`http_url: rendered to ${JSON.stringify(url)}, not an http(s) URL`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of template.headers) {
    const text = renderString(value, root);
    if (HEADER_BREAK.test(text)) {
      throw new RenderError(`headers.${name}: rendered value contains CR, LF or NUL`);
    }
    if (NOT_LATIN1.test(text)) {
      throw new RenderError(
        `headers.${name}: rendered value has characters beyond Latin-1, which HTTP headers ` +
          `cannot carry: ${JSON.stringify(text.slice(0, 40))}`,
      );
    }
    headers[name] = text;
  }
  let body: string | undefined;
  if (template.body !== undefined) {
    body = JSON.stringify(renderValue(template.body, root));
    if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) {
      headers["Content-Type"] = "application/json";
    }
  }
  return { method: template.method, url, headers, body };
}
