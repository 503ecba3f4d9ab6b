package io.heapfleet.collector.dashboard;

import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.StoredDump;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The dashboard's two server-rendered pages: the fleet (every task, leaking ones first) and one
 * task (heap over time stacked by class, latest diff, trend suspects, dump downloads). Access is
 * checked by {@link DashboardAccessFilter}. Stateless apart from its injected data source.
 */
@Path("/dashboard")
@Produces(MediaType.TEXT_HTML)
public class DashboardResource {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance fleet(List<FleetRow> tasks, Summary summary, String now);

    static native TemplateInstance task(
        TaskView task, String chartJson, String statsJson, String now);
  }

  /** The counts above the fleet table. */
  public record Summary(int tasks, int leaking, int stable, int collecting, int inconclusive) {}

  @Inject DashboardData data;
  @Inject DumpStore store;

  @GET
  public String fleet() {
    List<FleetRow> rows = new ArrayList<>(data.fleet());
    rows.sort(FleetRow.LEAKING_FIRST);
    int leaking = (int) rows.stream().filter(FleetRow::leaking).count();
    int stable = (int) rows.stream().filter(r -> r.assessment() == Assessment.STABLE).count();
    int inconclusive =
        (int) rows.stream().filter(r -> r.assessment() == Assessment.INCONCLUSIVE).count();
    Summary s =
        new Summary(
            rows.size(),
            leaking,
            stable,
            rows.size() - leaking - stable - inconclusive,
            inconclusive);
    return Templates.fleet(rows, s, Format.time(Instant.now())).render();
  }

  @GET
  @Path("/tasks/{taskId}")
  public String task(@PathParam("taskId") String taskId) {
    TaskView view = data.task(taskId).orElseThrow(() -> new NotFoundException("no task " + taskId));
    return Templates.task(
            view, view.chart().toJson(), view.stats().toJson(), Format.time(Instant.now()))
        .render();
  }

  /**
   * One stored dump, streamed from S3 through the collector (so the browser needs no S3 access and
   * the dashboard's access rule covers the dumps too).
   */
  @GET
  @Path("/tasks/{taskId}/dumps/{file}")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  public Response download(@PathParam("taskId") String taskId, @PathParam("file") String file) {
    StoredDump dump =
        store.findTask(taskId).stream()
            .flatMap(r -> store.listSeries(r).stream())
            .filter(d -> d.key().fileName().equals(file))
            .findFirst()
            .orElseThrow(() -> new NotFoundException("no dump " + file + " of task " + taskId));
    StreamingOutput body =
        out -> {
          try (InputStream in = store.open(dump)) {
            in.transferTo(out);
          }
        };
    return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM)
        .header(
            "Content-Disposition", "attachment; filename=\"" + dump.key().downloadFileName() + "\"")
        .header("Content-Length", dump.sizeBytes())
        .build();
  }
}
