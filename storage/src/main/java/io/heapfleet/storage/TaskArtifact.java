package io.heapfleet.storage;

/**
 * Per-task analysis results kept beside a task's dumps, each overwritten with the latest: {@code
 * <prefix>/<cluster>/<service>/<taskId>/<fileName>}.
 */
public enum TaskArtifact {
  DIFF_JSON("diff.json", "application/json"),
  DIFF_MD("diff.md", "text/markdown; charset=utf-8"),
  TREND_JSON("trend.json", "application/json"),
  TREND_MD("trend.md", "text/markdown; charset=utf-8"),
  /** Dominators / retainer paths of the latest dump. */
  DEEP_JSON("deep.json", "application/json"),
  /** The task's compact stats series (old gen after GC, heap, RSS, GC), rewritten now and then. */
  STATS_JSON("stats.json", "application/json");

  private final String fileName;
  private final String contentType;

  TaskArtifact(String fileName, String contentType) {
    this.fileName = fileName;
    this.contentType = contentType;
  }

  public String fileName() {
    return fileName;
  }

  public String contentType() {
    return contentType;
  }

  /** The artifact whose file name is {@code name}, or {@code null}. */
  static TaskArtifact ofFileName(String name) {
    for (TaskArtifact a : values()) {
      if (a.fileName.equals(name)) {
        return a;
      }
    }
    return null;
  }
}
