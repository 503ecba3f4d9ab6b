package io.heapfleet.endpoint;

import java.util.regex.Pattern;

/**
 * The names the {@code /heapdump} protocol puts on the wire, in one place for both front doors, the
 * client, the collector and the CLI: paths, header names, {@code Authorization} schemes and the
 * agent's {@code listening} line (see docs/endpoint.md and docs/proof.md). Tests and callers use
 * these names, never their own copies; {@code HeapfleetHeadersTest} pins the wire values.
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

  /** The query parameter of original URL form, {@code ?hash=<hourly token>}. */
  public static final String HASH_PARAMETER = "hash";

  /** Response: the task's ECS cluster, when known. */
  public static final String CLUSTER = "X-Heapdump-Cluster";

  /** Response: the task's ECS service, when known. */
  public static final String SERVICE = "X-Heapdump-Service";

  /** Response: the task definition family, when known. */
  public static final String FAMILY = "X-Heapdump-Family";

  /** Response: the task definition revision, when known. */
  public static final String REVISION = "X-Heapdump-Revision";

  /** Response: the JVM that answered (vendor, version), when known. */
  public static final String JVM = "X-Heapdump-Jvm";

  /** Dump response: the encoding on the wire ({@code gzip}, {@code zstd}, {@code raw}). */
  public static final String FORMAT = "X-Heapdump-Format";

  /** Dump response: whether only live objects were dumped (a full GC ran first). */
  public static final String LIVE = "X-Heapdump-Live";

  /** Dump response: when the dump was taken (ISO-8601 UTC). */
  public static final String TIME = "X-Heapdump-Time";

  /** Dump response: heap bytes in use just before the dump. */
  public static final String HEAP_USED = "X-Heapdump-Heap-Used";

  /** Dump response: the size of the uncompressed HPROF file. */
  public static final String HPROF_BYTES = "X-Heapdump-Hprof-Bytes";

  /** Dump response: how long the dump took, milliseconds. */
  public static final String DURATION_MS = "X-Heapdump-Duration-Ms";

  /** Dump response: how long the application was paused, milliseconds. */
  public static final String PAUSE_MS = "X-Heapdump-Pause-Ms";

  /** Dump response: process CPU spent on the dump itself, milliseconds (-1 when unknown). */
  public static final String DUMP_CPU_MS = "X-Heapdump-Dump-Cpu-Ms";

  /** Dump response: temp disk the dump used on the task. */
  public static final String DISK_BYTES = "X-Heapdump-Disk-Bytes";

  /** Dump response from a Node.js task: {@code node} ({@code jvm} when absent). */
  public static final String RUNTIME = "X-Heapdump-Runtime";

  /** Dump response from a Node.js task: the Node.js version that took the snapshot. */
  public static final String NODE = "X-Heapdump-Node";

  /** Dump response from a Node.js task: the size of the uncompressed V8 heap snapshot. */
  public static final String SNAPSHOT_BYTES = "X-Heapdump-Snapshot-Bytes";

  /**
   * On a dump response that started before the dump was taken: {@value #STREAM_KEEPALIVE}. The body
   * then ends with a {@link io.heapfleet.endpoint.StreamTrailer} holding {@code X-Heapdump-Time},
   * {@code -Hprof-Bytes}, {@code -Duration-Ms} and {@code -Pause-Ms}.
   */
  public static final String STREAM = "X-Heapdump-Stream";

  /** The value of {@link #STREAM}: keep-alive bytes, then the dump, then the trailer. */
  public static final String STREAM_KEEPALIVE = "keepalive-trailer";

  /** Standard HTTP: seconds to wait after a 429. */
  public static final String RETRY_AFTER = "Retry-After";

  /**
   * The start-up line the javaagent logs once it serves (the Node.js agent's reads the same up to
   * the task id): {@code heapfleet: /heapdump listening on <bind>:<port> as task <task id> (from
   * <source>)}. Scripts and tests wait for it; {@link #LISTENING_LINE} reads it back.
   */
  public static String listeningLine(String bind, int port, String taskId, String source) {
    return "heapfleet: "
        + PATH_DUMP
        + " listening on "
        + bind
        + ":"
        + port
        + " as task "
        + taskId
        + " (from "
        + source
        + ")";
  }

  /** Finds {@link #listeningLine} in a log line: group 1 is the port, group 2 the task id. */
  public static final Pattern LISTENING_LINE =
      Pattern.compile("listening on [^:]+:(\\d+) as task (\\S+)");

  private HeapfleetHeaders() {}
}
