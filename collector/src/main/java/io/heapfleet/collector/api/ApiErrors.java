package io.heapfleet.collector.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** API errors as JSON {@code {"error": ..., "message": ...}}, never a stack trace. */
final class ApiErrors {
  private ApiErrors() {}

  static WebApplicationException notFound(String message) {
    return error(Response.Status.NOT_FOUND, "not_found", message);
  }

  static WebApplicationException unavailable(String message) {
    return error(Response.Status.SERVICE_UNAVAILABLE, "unavailable", message);
  }

  static WebApplicationException error(Response.Status status, String code, String message) {
    return new WebApplicationException(
        Response.status(status)
            .type(MediaType.APPLICATION_JSON)
            .entity(Map.of("error", code, "message", message))
            .build());
  }
}
