package io.heapfleet.collector.dashboard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may open the dashboard ({@code /dashboard}). The pages show task ids, class names and growth,
 * and link to the dumps themselves (which hold everything the JVMs had in memory: credentials,
 * personal data). So by default the dashboard is as protected as the API: each request needs {@code
 * Authorization: Bearer <api token>}, or the cookie a browser gets by typing the token into the
 * sign-in form at {@code /dashboard/login} ({@link DashboardSession}). {@code open=true} opens it
 * to anyone who can reach the port; the demo does this because its collector listens on 127.0.0.1
 * only.
 */
@ConfigMapping(prefix = "heapfleet.collector.dashboard")
public interface DashboardConfig {

  /** Serve the dashboard at all. */
  @WithDefault("true")
  boolean enabled();

  /** Serve it without the API token (local use and the demo; listen on 127.0.0.1 then). */
  @WithDefault("false")
  boolean open();

  /** Classes stacked in a task's heap chart (the rest is "other"). */
  @WithDefault("6")
  int chartClasses();

  /** Rows in a task's suspects table. */
  @WithDefault("10")
  int suspectRows();

  /** Rows in a task's diff table. */
  @WithDefault("15")
  int diffRows();
}
