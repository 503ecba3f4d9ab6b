package io.heapfleet.endpoint;

import io.heapfleet.auth.TaskCredentials;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /heapdump/proof}: a fresh nonce and the HMAC over the caller's challenge, which proves
 * this task holds the fleet secret without any credential from the caller (docs/proof.md).
 * Thread-safe.
 */
final class ProofRoute implements RouteHandler {

  private final String taskId;
  private final TaskCredentials credentials;
  private final NonceStore nonces;

  ProofRoute(String taskId, TaskCredentials credentials, NonceStore nonces) {
    this.taskId = taskId;
    this.credentials = credentials;
    this.nonces = nonces;
  }

  @Override
  public EndpointResponse answer(EndpointRequest request, Audit audit) {
    String challenge = request.header(HeapfleetHeaders.CHALLENGE);
    challenge = challenge == null ? null : challenge.trim();
    if (!TaskCredentials.isValidChallenge(challenge)) {
      return EndpointResponse.json(
          400,
          new LinkedHashMap<>(),
          Answers.errorJson(
              "bad_request",
              HeapfleetHeaders.CHALLENGE + " must be 32 to 64 lowercase hex characters"),
          audit.outcome("bad-request"));
    }
    String nonce = nonces.issue();
    String proof = credentials.proof(challenge, nonce, taskId);
    Map<String, String> h = new LinkedHashMap<>();
    h.put(HeapfleetHeaders.TASK, taskId);
    return EndpointResponse.json(
        200,
        h,
        "{\"taskId\":"
            + Json.quote(taskId)
            + ",\"challenge\":"
            + Json.quote(challenge)
            + ",\"nonce\":"
            + Json.quote(nonce)
            + ",\"proof\":"
            + Json.quote(proof)
            + "}",
        audit.outcome("proof"));
  }
}
