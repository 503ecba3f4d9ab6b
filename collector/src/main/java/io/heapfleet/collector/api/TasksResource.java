package io.heapfleet.collector.api;

import io.heapfleet.collector.schedule.CaptureScheduler;
import io.heapfleet.collector.service.CollectorEngine;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.collector.state.TaskStatus.Attempt;
import io.heapfleet.collector.state.TaskStatus.Snapshot;
import io.heapfleet.storage.TaskArtifact;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The tasks API: every known task with its last capture and assessment, a task's stored series, its
 * latest diff and trend (as stored in S3), and on-demand capture. Thread-safe (stateless).
 */
@Path("/api/tasks")
@Produces(MediaType.APPLICATION_JSON)
@SecurityScheme(
    securitySchemeName = "apiToken",
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    description = "heapfleet.collector.api.token")
@SecurityRequirement(name = "apiToken")
public class TasksResource {
  /** Longest a {@code ?wait=true} capture request blocks. */
  static final long MAX_WAIT_SECONDS = 900;

  @Inject CollectorEngine engine;

  @GET
  @Operation(
      summary = "Every known task: live ones and ended series, with last capture and assessment",
      description =
          "topSuspect names the class to look at first: the owner of the growing objects and"
              + " topSuspectHolder what holds it, once the deep analysis of a leaking task found"
              + " them; otherwise the fastest growing class")
  public List<TaskSummary> tasks() {
    return engine.tasks().stream().map(this::summary).toList();
  }

  @GET
  @Path("{id}")
  @Operation(summary = "One task")
  public TaskSummary task(@PathParam("id") String id) {
    return summary(engine.task(id).orElseThrow(() -> ApiErrors.notFound("no task " + id)));
  }

  /** The task with its owner-first top suspect. */
  TaskSummary summary(TaskStatus t) {
    return TaskSummary.of(t, engine.analysis().growingOwners(t.taskId()));
  }

  @GET
  @Path("{id}/snapshots")
  @Operation(summary = "The task's stored dumps, oldest first")
  public List<Snapshot> snapshots(@PathParam("id") String id) {
    if (engine.task(id).isEmpty()) {
      throw ApiErrors.notFound("no task " + id);
    }
    return engine.state().snapshots(id);
  }

  @GET
  @Path("{id}/diff")
  @Operation(summary = "Diff of the task's latest two dumps (diff.json as stored in S3)")
  public Response diff(@PathParam("id") String id) {
    return artifact(id, TaskArtifact.DIFF_JSON, MediaType.APPLICATION_JSON);
  }

  @GET
  @Path("{id}/diff.md")
  @Produces("text/markdown")
  @Operation(summary = "Diff of the task's latest two dumps as Markdown")
  public Response diffMarkdown(@PathParam("id") String id) {
    return artifact(id, TaskArtifact.DIFF_MD, "text/markdown; charset=utf-8");
  }

  @GET
  @Path("{id}/trend")
  @Operation(summary = "Trend over the task's series (trend.json as stored in S3)")
  public Response trend(@PathParam("id") String id) {
    return artifact(id, TaskArtifact.TREND_JSON, MediaType.APPLICATION_JSON);
  }

  @GET
  @Path("{id}/trend.md")
  @Produces("text/markdown")
  @Operation(summary = "Trend over the task's series as Markdown")
  public Response trendMarkdown(@PathParam("id") String id) {
    return artifact(id, TaskArtifact.TREND_MD, "text/markdown; charset=utf-8");
  }

  @GET
  @Path("{id}/stats")
  @Operation(
      summary = "The task's stats series (old gen after GC, heap used, RSS, GC), oldest first",
      description =
          "Columnar: time (epoch ms), oldGenAfterGc, heapUsed, rss, gcCount, gcTimeMs (-1: not"
              + " reported), heapMax and lastDump (epoch ms). Live tasks from memory, ended ones"
              + " from their stats.json in S3.")
  public Response stats(@PathParam("id") String id) {
    java.util.Optional<String> live =
        engine.stats().flatMap(p -> p.series(id)).map(s -> s.toJson(false));
    if (live.isPresent()) {
      return Response.ok(live.get(), MediaType.APPLICATION_JSON).build();
    }
    String body =
        engine
            .analysis()
            .artifact(id, TaskArtifact.STATS_JSON)
            .orElseThrow(() -> ApiErrors.notFound("task " + id + " has no stats series"));
    return Response.ok(body, MediaType.APPLICATION_JSON).build();
  }

  private Response artifact(String id, TaskArtifact artifact, String type) {
    String body =
        engine
            .analysis()
            .artifact(id, artifact)
            .orElseThrow(
                () ->
                    ApiErrors.notFound(
                        "task "
                            + id
                            + " has no "
                            + artifact.fileName()
                            + " yet (needs two captures)"));
    return Response.ok(body, type).build();
  }

  @POST
  @Path("{id}/capture")
  @Operation(
      summary = "Capture the task now",
      description =
          "202 when queued (it starts as soon as the parallelism limits allow); with ?wait=true"
              + " the answer is the finished attempt (200)")
  public Response capture(
      @PathParam("id") String id,
      @QueryParam("wait") @DefaultValue("false") boolean wait,
      @QueryParam("timeoutSeconds") @DefaultValue("600") long timeoutSeconds) {
    CollectorEngine.CaptureRequest request = engine.requestCapture(id);
    if (request.result() == CaptureScheduler.Request.UNKNOWN_TASK) {
      throw ApiErrors.notFound("no live task " + id);
    }
    if (!wait) {
      return Response.accepted(
              Map.of(
                  "task", id, "status", request.result().name().toLowerCase(java.util.Locale.ROOT)))
          .build();
    }
    try {
      Attempt attempt =
          request
              .done()
              .get(Math.min(Math.max(1, timeoutSeconds), MAX_WAIT_SECONDS), TimeUnit.SECONDS);
      return Response.ok(attempt).build();
    } catch (TimeoutException e) {
      return Response.accepted(Map.of("task", id, "status", "running")).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiErrors.unavailable("interrupted");
    } catch (ExecutionException e) {
      throw ApiErrors.notFound(String.valueOf(e.getCause().getMessage()));
    }
  }
}
