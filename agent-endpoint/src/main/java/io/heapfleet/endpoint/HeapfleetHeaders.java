package io.heapfleet.endpoint;

/**
 * The names the {@code /heapdump} protocol puts on the wire, in one place for both front doors, the
 * client and the collector: paths, header names and {@code Authorization} schemes (see
 * docs/endpoint.md and docs/proof.md).
 */
public final class HeapfleetHeaders {

  /** The dump. */
  public static final String PATH_DUMP = "/heapdump";

  /** The task's identity (authenticated). */
  public static final String PATH_IDENTITY = "/heapdump/identity";

  /** The task's heap figures for adaptive capture (authenticated, read-only, pauses nothing). */
  public static final String PATH_STATS = "/heapdump/stats";

  /** The identity proof (no credential). */
  public static final String PATH_PROOF = "/heapdump/proof";

  /** Request: the task that must answer; any other task answers 421 before looking further. */
  public static final String TARGET_TASK = "X-Heapdump-Target-Task";

  /** Request: the caller's challenge for {@code /heapdump/proof}. */
  public static final String CHALLENGE = "X-Heapdump-Challenge";

  /** Response: the task that answered (not on 401). */
  public static final String TASK = "X-Heapdump-Task";

  /** The request header carrying a credential. */
  public static final String AUTHORIZATION = "Authorization";

  /** {@code Authorization: HeapDump <hourly token>}: opens every task of the fleet for an hour. */
  public static final String SCHEME_HOURLY = "HeapDump";

  /** {@code Authorization: HeapFleet-Capture <nonce>.<capture>}: one request on one task. */
  public static final String SCHEME_CAPTURE = "HeapFleet-Capture";

  /** {@code Authorization: HeapFleet-Task <task token>}: one task's read-only figures, one hour. */
  public static final String SCHEME_TASK = "HeapFleet-Task";

  /** The query parameter of the seed's URL form, {@code ?hash=<hourly token>}. */
  public static final String HASH_PARAMETER = "hash";

  private HeapfleetHeaders() {}

  /**
   * On a dump response that started before the dump was taken: {@value #STREAM_KEEPALIVE}. The body
   * then ends with a {@link io.heapfleet.endpoint.StreamTrailer} holding {@code X-Heapdump-Time},
   * {@code -Hprof-Bytes}, {@code -Duration-Ms} and {@code -Pause-Ms}.
   */
  public static final String STREAM = "X-Heapdump-Stream";

  /** The value of {@link #STREAM}: keep-alive bytes, then the dump, then the trailer. */
  public static final String STREAM_KEEPALIVE = "keepalive-trailer";
}
