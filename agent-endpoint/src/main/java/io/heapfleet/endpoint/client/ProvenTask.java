package io.heapfleet.endpoint.client;

import io.heapfleet.auth.TaskCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Instant;

/**
 * An endpoint that has proven, with the shared secret, that it is task {@link #taskId()}
 * (docs/proof.md): the nonce it issued, and the client whose pooled keep-alive connection the proof
 * came over, so the following request goes to the same peer when the path allows it. One proof
 * opens one capture. Not thread-safe: one caller uses it once, right away.
 */
public final class ProvenTask {

  private final URI heapdump;
  private final String taskId;
  private final String nonce;
  private final HttpClient connection;
  private final Instant provenAt;
  private final int requests;
  private final TaskCredentials credentials;

  ProvenTask(
      URI heapdump,
      String taskId,
      String nonce,
      HttpClient connection,
      Instant provenAt,
      int requests,
      TaskCredentials credentials) {
    this.credentials = credentials;
    this.heapdump = heapdump;
    this.taskId = taskId;
    this.nonce = nonce;
    this.connection = connection;
    this.provenAt = provenAt;
    this.requests = requests;
  }

  /**
   * The credentials whose secret the task proved with (the current one, or the previous one for a
   * task not yet redeployed after a rotation): its credentials must be made with them.
   */
  public TaskCredentials credentials() {
    return credentials;
  }

  /** The {@code /heapdump} URI the proof came from. */
  public URI heapdumpUri() {
    return heapdump;
  }

  /** The task id the endpoint proved; it follows the task-id rule. */
  public String taskId() {
    return taskId;
  }

  String nonce() {
    return nonce;
  }

  HttpClient connection() {
    return connection;
  }

  /** When the proof was checked (the nonce lives 120 s on the endpoint). */
  public Instant provenAt() {
    return provenAt;
  }

  /** Requests it took to get this proof (more than one when pinning through a balancer). */
  public int requests() {
    return requests;
  }

  @Override
  public String toString() {
    // Never the nonce: with the secret-derived MAC it would be a credential.
    return "ProvenTask[" + taskId + " at " + heapdump + "]";
  }
}
