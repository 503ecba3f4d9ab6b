package io.heapfleet.endpoint;

/**
 * What one resource answers once its {@link RequestFilter}s have let a request through.
 * Implementations are thread-safe.
 */
interface RouteHandler {

  /** The answer; the front door sends or closes it. */
  EndpointResponse answer(EndpointRequest request, Audit audit);
}
