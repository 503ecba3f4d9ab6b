package io.heapfleet.collector.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Task ids come from the tasks: a link built from one stays one path segment. */
class DashboardLinksTest {

  @Test
  void taskLinkEncodesTheIdAsOnePathSegment() {
    FleetRow row =
        new FleetRow(
            "a b/../c?d#e%\"<x>",
            null, null, null, -1, null, Double.NaN, 0, null, null, null, null, null);
    assertThat(row.href()).isEqualTo("/dashboard/tasks/a%20b%2F..%2Fc%3Fd%23e%25%22%3Cx%3E");
  }

  @Test
  void ordinaryIdsAreUnchanged() {
    assertThat(PathSegment.encode("0a1b2c3d4e5f-leaky_1.x~y"))
        .isEqualTo("0a1b2c3d4e5f-leaky_1.x~y");
    assertThat(PathSegment.encode("20261122T013000Z.hprof.gz"))
        .isEqualTo("20261122T013000Z.hprof.gz");
  }
}
