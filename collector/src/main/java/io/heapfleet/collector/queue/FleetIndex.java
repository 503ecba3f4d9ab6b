package io.heapfleet.collector.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heapfleet.collector.discovery.LogSafe;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.service.SeriesAnalysis;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.state.TaskStatus.Snapshot;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.StoredDump;
import io.heapfleet.storage.TaskState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The fleet as every replica sees it, kept in S3 beside the dumps: the planner publishes the live
 * task list ({@code <prefix>/_fleet/live.json}); a worker reads it and catches up with the series
 * other workers stored ({@link #refresh}), so that the API and dashboard of any replica show the
 * same fleet. Task series, trends and owners were already in S3 (summaries, {@code trend.json},
 * {@code deep.json}); this adds only which tasks are live. Thread-safe.
 */
public final class FleetIndex {
  private static final Logger LOG = Logger.getLogger(FleetIndex.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Longest live list read back (about 200 bytes per task: far above any fleet). */
  private static final int MAX_BYTES = 64 << 20;

  private final DumpStore store;
  private final String key;

  public FleetIndex(DumpStore store) {
    this.store = Objects.requireNonNull(store, "store");
    String prefix = store.settings().prefix();
    this.key = (prefix.isEmpty() ? "" : prefix + "/") + "_fleet/live.json";
  }

  /** Writes the live list. A failure is logged, not thrown: the next refresh writes it again. */
  public void publishLive(List<Target> live) {
    ArrayNode tasks = JSON.createArrayNode();
    for (Target t : live) {
      ObjectNode n = tasks.addObject();
      n.put("taskId", t.taskId());
      n.put("cluster", t.cluster());
      n.put("service", t.service());
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("tasks", tasks);
    try {
      store
          .client()
          .putObject(
              b -> b.bucket(store.settings().bucket()).key(key).contentType("application/json"),
              RequestBody.fromString(root.toString(), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      LOG.warnf("the live task list could not be written to S3: %s", LogSafe.text(e.getMessage()));
    }
  }

  /** The published live list: task id → {cluster, service}; empty when none is published. */
  public Map<String, String[]> readLive() {
    ResponseBytes<GetObjectResponse> bytes;
    try {
      bytes = store.client().getObjectAsBytes(b -> b.bucket(store.settings().bucket()).key(key));
    } catch (NoSuchKeyException e) {
      return Map.of();
    }
    if (bytes.asByteArrayUnsafe().length > MAX_BYTES) {
      throw new IllegalStateException(key + " is larger than " + MAX_BYTES + " bytes");
    }
    Map<String, String[]> out = new LinkedHashMap<>();
    try {
      for (JsonNode n : JSON.readTree(bytes.asByteArrayUnsafe()).path("tasks")) {
        String id = n.path("taskId").asText("");
        if (!id.isEmpty()) {
          out.put(id, new String[] {n.path("cluster").asText(""), n.path("service").asText("")});
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(key + " is not readable JSON: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Brings {@code state} up to date with S3: which tasks are live, and the series and trend of
   * every task whose newest dump is not the one {@code state} knows (captured by another worker).
   * One listing of the prefix, plus a task's index marker, listing and trend window for each
   * changed task.
   *
   * @return how many task series were read again
   */
  public int refresh(FleetState state, SeriesAnalysis analysis) {
    Map<String, String[]> live = readLive();
    int changed = 0;
    for (TaskState ts : store.tasks()) {
      List<StoredDump> dumps = ts.dumps();
      if (dumps.isEmpty()) {
        continue;
      }
      String newest = dumps.get(dumps.size() - 1).objectKey();
      List<Snapshot> known = state.snapshots(ts.task().taskId());
      if (!known.isEmpty() && known.get(known.size() - 1).key().equals(newest)) {
        continue;
      }
      if (analysis.restoreTask(ts.task().taskId(), state)) {
        changed++;
      }
    }
    // After the series, so a task that is live and already captured is marked live.
    state.setLive(live);
    return changed;
  }
}
