package io.heapfleet.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One check a request passes before its route answers (the method, the pinned task, the
 * credential), in the manner of a servlet or {@code HttpServer} filter: it either lets the request
 * through or answers it. Implementations are thread-safe.
 */
interface RequestFilter {

  /** The answer that ends the request here, or empty to let it through. */
  Optional<EndpointResponse> refuse(EndpointRequest request, EndpointPath path, Audit audit);

  /** 405 with {@code Allow: GET} for any other method (JAX-RS routes HEAD to GET methods too). */
  static RequestFilter getOnly() {
    return (request, path, audit) -> {
      if ("GET".equals(request.method())) {
        return Optional.empty();
      }
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Allow", "GET");
      return Optional.of(
          EndpointResponse.json(
              405,
              h,
              Answers.errorJson("method_not_allowed", "use GET"),
              audit.outcome("method-not-allowed")));
    };
  }
}
